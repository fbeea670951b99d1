// Golden tests of the whole engine: every scenario of the project's traffic generator is written as a real capture
// file (in each format it supports), read back through the streaming reader and the engine, and the transactions
// found are compared with the generator's expectations (scripts/traffic/scenario.types.ts documents the rules).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { listScenarios, generateScenario, writeScenarioCapture } from '../../scripts/traffic/scenario.catalog.ts';
import type { ExpectedTransaction } from '../../scripts/traffic/scenario.types.ts';
import { CaptureFileReader } from '../../appliance/src/engine/source/capture-file.reader.ts';
import { HttpEngine } from '../../appliance/src/engine/http-engine.ts';
import { txFlagNames, type Transaction } from '../../appliance/src/engine/transaction.types.ts';

const dir = mkdtempSync(join(tmpdir(), 'api-radar-golden-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer | undefined) => createHash('sha256').update(b ?? Buffer.alloc(0)).digest('hex');
const key = (ip: string, port: number, index: number) => `${ip}|${port}|${String(index).padStart(6, '0')}`;

async function run(path: string): Promise<{ txs: Transaction[]; engine: HttpEngine }> {
  const txs: Transaction[] = [];
  const engine = new HttpEngine((tx) => txs.push(tx));
  await new CaptureFileReader(path).run((pkt) => engine.push(pkt));
  engine.finish();
  return { txs, engine };
}

/** Compares one engine transaction with its expectation; returns the differences in words. */
function differences(tx: Transaction, ex: ExpectedTransaction): string[] {
  const d: string[] = [];
  const eq = (name: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) d.push(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  eq('serverIp', tx.serverIp, ex.serverIp);
  eq('serverPort', tx.serverPort, ex.serverPort);
  eq('ipVersion', tx.ipVersion, ex.ipVersion);
  eq('vlans', tx.vlans, ex.vlans);
  eq('method', tx.method, ex.method);
  eq('uri', tx.uri, ex.uri);
  eq('host', tx.host, ex.host);
  eq('status', tx.status, ex.status);
  if (ex.httpVersion !== null) eq('httpVersion', tx.httpVersion, ex.httpVersion);
  if (ex.requestBodyLength !== null) eq('requestBodyLength', tx.requestBody?.data.length ?? 0, ex.requestBodyLength);
  if (ex.responseBodyLength !== null) eq('responseBodyLength', tx.responseBody?.data.length ?? 0, ex.responseBodyLength);
  if (ex.requestBodySha256 !== null) eq('requestBodySha256', sha(tx.requestBody?.data), ex.requestBodySha256);
  if (ex.responseBodySha256 !== null) eq('responseBodySha256', sha(tx.responseBody?.data), ex.responseBodySha256);
  if (ex.responseContentEncoding !== null) eq('responseContentEncoding', tx.responseBody?.contentEncoding ?? [], ex.responseContentEncoding);
  const flags = txFlagNames(tx.flags);
  for (const f of ex.flags) if (!flags.includes(f)) d.push(`flag ${f} missing (got ${flags.join(',') || 'none'})`);
  if (ex.flagsExact) for (const f of flags) if (!ex.flags.includes(f)) d.push(`unexpected flag ${f}`);
  return d;
}

for (const info of listScenarios()) {
  for (const format of info.formats) {
    test(`golden: ${info.name} (${format})`, async () => {
      const scenario = generateScenario(info.name, 1);
      const path = join(dir, `${info.name}.${format}`);
      writeScenarioCapture(path, scenario, { format });
      const { txs, engine } = await run(path);

      const got = new Map(txs.map((t) => [key(t.clientIp, t.clientPort, t.index), t]));
      const problems: string[] = [];
      for (const ex of scenario.expected) {
        const k = key(ex.clientIp, ex.clientPort, ex.index);
        const tx = got.get(k);
        if (!tx) {
          problems.push(`missing ${k} ${ex.method} ${ex.uri}`);
          continue;
        }
        got.delete(k);
        for (const d of differences(tx, ex)) problems.push(`${k} ${ex.method} ${ex.uri}: ${d}`);
      }
      for (const [k, t] of got) problems.push(`unexpected ${k} ${t.method} ${t.uri} status ${t.status}`);
      assert.deepEqual(problems, [], `${info.name}: ${info.notes}\nweird: ${JSON.stringify(engine.weird.toJSON())}`);
      assert.equal(engine.stats().transactions, scenario.expected.length);
    });
  }
}
