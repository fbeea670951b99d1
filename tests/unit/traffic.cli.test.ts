// Unit tests of the traffic generator's command line: argument validation, scenario output files, usage on error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../scripts/traffic/generate.cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'traffic-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/traffic/generate.cli.ts', ...args], { encoding: 'utf8' });
}

test('parseCli validates its arguments', () => {
  assert.deepEqual(parseCli(['--out', 'x']), { out: 'x', scenario: 'all', format: null, seed: 1, bench: null, list: false });
  assert.equal((parseCli(['--out', 'x', '--format', 'pcapng', '--scenario', 'gzip', '--seed', '9']) as { seed: number }).seed, 9);
  assert.match(parseCli([]) as string, /--out is required/);
  assert.match(parseCli(['--out', 'x', '--format', 'erf']) as string, /--format/);
  assert.match(parseCli(['--out', 'x', '--scenario', 'nope']) as string, /unknown scenario/);
  assert.match(parseCli(['--bench', '-3', '--out', 'x']) as string, /--bench/);
  assert.match(parseCli(['--bench', '10', '--scenario', 'gzip', '--out', 'x']) as string, /cannot be combined/);
  assert.match(parseCli(['--wat']) as string, /Unknown option/);
  assert.equal((parseCli(['--list']) as { list: boolean }).list, true);
});

test('the CLI writes a capture and its expectations; a scenario that needs pcap falls back to it', () => {
  const r = run(['--out', dir, '--scenario', 'pipelining', '--format', 'pcapng']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(dir, 'pipelining.pcapng')));
  const exp = JSON.parse(readFileSync(join(dir, 'pipelining.expected.json'), 'utf8'));
  assert.equal(exp.scenario.name, 'pipelining');
  assert.equal(exp.format, 'pcapng');
  assert.equal(exp.transactions.length, 3);
  const be = run(['--out', dir, '--scenario', 'big-endian-pcap', '--format', 'pcapng']);
  assert.equal(be.status, 0, be.stderr);
  assert.match(be.stdout, /pcapng not possible/);
  assert.ok(existsSync(join(dir, 'big-endian-pcap.pcap')));
});

test('the CLI writes a bench capture and rejects bad arguments with usage and exit code 2', () => {
  const file = join(dir, 'bench.pcap');
  const r = run(['--bench', '200', '--out', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /200 transactions/);
  assert.ok(readFileSync(file).length > 200 * 1000);
  const bad = run(['--scenario', 'basic-get']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--out is required/);
  assert.match(bad.stderr, /usage:/);
});
