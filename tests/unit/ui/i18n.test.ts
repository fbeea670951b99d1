// Tests of the UI message catalogues: both locales have the same keys and placeholders, formatting substitutes
// values as text, and the starting locale follows a saved choice, then the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogue, format, initialLocale, LOCALES, placeholders } from '../../../ui/src/lib/i18n/i18n.ts';

test('every locale has every key, with the same placeholders, and no empty string', () => {
  const en = catalogue('en');
  for (const locale of LOCALES) {
    const cat = catalogue(locale);
    assert.deepEqual(Object.keys(cat).sort(), Object.keys(en).sort(), `${locale} keys`);
    for (const [key, value] of Object.entries(cat)) {
      assert.ok(value.trim().length > 0, `${locale} ${key} is empty`);
      assert.deepEqual(placeholders(value).sort(), placeholders(en[key as keyof typeof en]).sort(), `${locale} ${key} placeholders`);
    }
  }
});

test('format substitutes placeholders as plain text and leaves unknown ones visible', () => {
  assert.equal(format('en', 'error.unexpected', { code: '<b>x</b>' }), 'Something went wrong (<b>x</b>).');
  assert.equal(format('zh-CN', 'error.unexpected', { code: 'E42' }), '出现错误（E42）。');
  assert.equal(format('en', 'error.unexpected'), 'Something went wrong ({code}).');
});

test('initial locale: saved choice, then browser language, else Chinese', () => {
  assert.equal(initialLocale('en', ['zh-CN']), 'en');
  assert.equal(initialLocale(null, ['en-US', 'zh']), 'en');
  assert.equal(initialLocale(null, ['zh-TW']), 'zh-CN');
  assert.equal(initialLocale('fr', ['fr-FR']), 'zh-CN');
});
