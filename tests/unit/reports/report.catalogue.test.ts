// The report catalogues stay in parity: same keys, same placeholders, no empty or untranslated text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPORT_CATALOGUES, reportTranslator } from '../../../appliance/src/reports/report.catalogue.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('zh-CN and en have the same keys and the same placeholders per key', () => {
  const en = REPORT_CATALOGUES.en;
  const zh = REPORT_CATALOGUES['zh-CN'];
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  for (const k of Object.keys(en) as Array<keyof typeof en>) {
    assert.deepEqual(placeholders(zh[k]), placeholders(en[k]), `placeholders of ${k}`);
    assert.ok(en[k].trim() !== '' && zh[k].trim() !== '', `${k} is not empty`);
  }
});

test('Chinese text is translated (not copied from English) except for symbols and names', () => {
  const en = REPORT_CATALOGUES.en;
  const zh = REPORT_CATALOGUES['zh-CN'];
  const same = (Object.keys(en) as Array<keyof typeof en>).filter((k) => zh[k] === en[k]);
  assert.deepEqual(same, ['outcome.none']);
});

test('the translator fills placeholders and leaves unknown ones visible', () => {
  const t = reportTranslator('zh-CN');
  assert.equal(t('more', { count: 3 }), '……另有 3 项');
  assert.equal(reportTranslator('en')('more'), '… and {count} more');
});
