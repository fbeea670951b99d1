// Tests of the `api-radar analyze` command as users run it (bin/api-radar.mjs in a child process, a generated
// capture): the JSON report, declared specs (templates win, shadow/zombie findings, host attachment), the
// reconstructed OpenAPI export per host (valid OpenAPI 3.1), and one clear error line for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate, compileErrors } from '@readme/openapi-parser';
import { generateScenario, writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/api-radar.mjs', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// The keepalive scenario calls api.example.com: GET/POST /api/v1/orders, PUT/DELETE /api/v1/orders/{id},
// PATCH /api/v1/orders/{id}/items/{id}, GET /api/v1/users/me.
const SPEC = `openapi: 3.0.3
info: { title: Orders, version: "1" }
servers: [{ url: "https://api.example.com/api/v1" }]
paths:
  /orders:
    get: { responses: { "200": { description: ok } } }
    post: { deprecated: true, responses: { "201": { description: created } } }
  /orders/{id}:
    put: { parameters: [{ name: id, in: path, required: true, schema: { type: integer } }], responses: { "200": { description: ok } } }
    delete: { parameters: [{ name: id, in: path, required: true, schema: { type: integer } }], responses: { "204": { description: gone } } }
  /reports/{year}:
    get: { parameters: [{ name: year, in: path, required: true, schema: { type: integer } }], responses: { "200": { description: ok } } }
`;

test('analyze with a declared spec and an OpenAPI export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-'));
  try {
    const capture = join(dir, 'keepalive.pcap');
    writeScenarioCapture(capture, generateScenario('keepalive', 1), { format: 'pcap' });
    const spec = join(dir, 'orders.yaml');
    writeFileSync(spec, SPEC);
    const out = join(dir, 'openapi');
    const r = cli(['analyze', capture, '--json', '-', '--quiet', '--spec', spec, '--openapi', out]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as AnalysisReport;
    const eps = new Map(report.endpoints.map((e) => [`${e.method} ${e.path}`, e]));
    assert.equal(eps.get('PUT /api/v1/orders/{id}')?.inSpec, true, 'the declared template and parameter name win');
    assert.equal(eps.get('POST /api/v1/orders')?.deprecated, true);
    assert.equal(eps.get('GET /api/v1/users/me')?.inSpec, false);
    const types = report.findings.filter((f) => f.category === 'inventory').map((f) => `${f.type} ${f.method} ${f.path}`).sort();
    assert.deepEqual(types, ['shadow_api GET /api/v1/users/me', 'shadow_api PATCH /api/v1/orders/{orderId}/items/{itemId}', 'zombie_api POST /api/v1/orders']);
    const files = readdirSync(out);
    assert.deepEqual(files, ['api.example.com.openapi.json']);
    const doc = JSON.parse(readFileSync(join(out, files[0]), 'utf8')) as { paths: Record<string, unknown> };
    assert.ok('/api/v1/orders/{id}' in doc.paths);
    return validate(doc as never).then((v) => assert.ok(v.valid, v.valid ? '' : compileErrors(v)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a spec attached to another host leaves this host without shadows; bad input gives one clear line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-'));
  try {
    const capture = join(dir, 'k.pcap');
    writeScenarioCapture(capture, generateScenario('keepalive', 1), { format: 'pcap' });
    const spec = join(dir, 'orders.yaml');
    writeFileSync(spec, SPEC);
    const r = cli(['analyze', capture, '--json', '-', '--quiet', '--spec', `shop.example.com=${spec}`]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as AnalysisReport;
    assert.equal(report.findings.filter((f) => f.category === 'inventory').length, 0);
    assert.ok(report.endpoints.every((e) => !e.inSpec));

    writeFileSync(join(dir, 'bad.yaml'), 'openapi: 9\n');
    const bad = cli(['analyze', capture, '--spec', join(dir, 'bad.yaml')]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /Only OpenAPI 3.0, 3.1 and Swagger 2.0/);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const junk = cli(['analyze', join(dir, 'notes.txt')]);
    assert.notEqual(junk.status, 0);
    assert.equal(junk.stderr.trim().split('\n').length, 1, junk.stderr);
    const opt = cli(['analyze', capture, '--bogus']);
    assert.notEqual(opt.status, 0);
    assert.match(opt.stderr, /unknown option --bogus/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
