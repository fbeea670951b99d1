// Job run messages in the UI language: a run's code and parameters are said from the catalogue; runs without a code
// (older runs, failures) and codes the UI does not know keep the service's text; every code a job or the scheduler
// records has a message in both languages with the same placeholders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobRunText } from '../../../ui/src/components/overview/job-run.view.ts';
import { format, placeholders } from '../../../ui/src/lib/i18n/i18n.ts';
import { en, type MessageKey } from '../../../ui/src/lib/i18n/en.ts';

const zh = (k: MessageKey, p?: Record<string, string | number>): string => format('zh-CN', k, p);

test('a run with a code is said in the UI language; without one, or with an unknown code, its text is shown', () => {
  const run = { message: '3 sent, 0 to retry, 1 failed', summary: { code: 'reportDelivery', params: { sent: 3, retrying: 0, failed: 1 } } };
  assert.equal(jobRunText(run, (k, p) => format('en', k, p)), '3 sent, 0 to retry, 1 failed');
  assert.equal(jobRunText(run, zh), '已发送 3 份，待重试 0 份，失败 1 份');
  assert.equal(jobRunText({ message: 'disk full', summary: null }, zh), 'disk full');
  assert.equal(jobRunText({ message: 'from a newer service', summary: { code: 'not-known', params: {} } }, zh), 'from a newer service');
});

test('every code the jobs and the scheduler record has a message in both languages with the same placeholders', () => {
  const dir = join(import.meta.dirname, '../../../appliance/src/jobs');
  const codes = new Set(['skipped', 'interrupted']);
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.job.ts'))) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/jobResult\('([^']+)'/g)) codes.add(m[1]);
  }
  assert.ok(codes.size >= 11, `codes found: ${[...codes].join(', ')}`);
  for (const code of codes) {
    const key = `job.msg.${code}` as MessageKey;
    assert.ok(Object.hasOwn(en, key), `${code}: English`);
    assert.notEqual(format('zh-CN', key), format('en', key), `${code}: Chinese`);
    assert.deepEqual(placeholders(format('zh-CN', key)).sort(), placeholders(format('en', key)).sort(), `${code}: placeholders`);
  }
});
