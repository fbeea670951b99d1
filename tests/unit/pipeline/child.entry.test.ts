// Tests of where pipeline children start from: the bundled .mjs beside a bundled service (plain node), else the
// TypeScript entry through tsx (source tree, tests, or a bundle without the child beside it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEntry } from '../../../appliance/src/pipeline/child.entry.ts';

test('a bundled service forks the bundled child with plain node; otherwise the TypeScript entry through tsx', () => {
  const dist = mkdtempSync(join(tmpdir(), 'radar-dist-'));
  try {
    const ts = '/opt/api-radar/appliance/src/pipeline/capture-analysis.worker.ts';
    assert.deepEqual(childEntry(ts, join(dist, 'main.mjs')), { file: ts, execArgv: ['--import', 'tsx'] }, 'no bundled child beside the bundle');
    writeFileSync(join(dist, 'capture-analysis.worker.mjs'), '');
    assert.deepEqual(childEntry(ts, join(dist, 'main.mjs')), { file: join(dist, 'capture-analysis.worker.mjs'), execArgv: [] });
    assert.deepEqual(childEntry(ts, join(dist, 'main.ts')), { file: ts, execArgv: ['--import', 'tsx'] }, 'the source tree');
    assert.deepEqual(childEntry(ts, undefined), { file: ts, execArgv: ['--import', 'tsx'] });
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});
