// Finding types in words: every type the attack, abuse, exposure, sensitive and inventory analyzers raise has a name in
// both languages, and a type the UI does not know is shown as its id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingTypeKey, findingTypeName } from '../../../ui/src/components/threats/finding.view.ts';
import { format } from '../../../ui/src/lib/i18n/i18n.ts';
import { ATTACK_FAMILIES } from '../../../appliance/src/analyzers/attacks/attack.types.ts';

const RAISED = [
  ...ATTACK_FAMILIES,
  'credential_stuffing', 'brute_force', 'enumeration', 'scraping', 'rate_anomaly', 'automation',
  'plaintext_credentials', 'jwt_alg_none', 'weak_jwt', 'verbose_error', 'cors_misconfig', 'missing_security_headers',
  'token_in_url', 'unauthenticated_sensitive_api', 'sensitive_data_exposure', 'sensitive_bulk_access',
  'shadow_api', 'zombie_api',
];

test('every finding type the analyzers raise has a name in English and Chinese', () => {
  for (const type of RAISED) {
    const key = findingTypeKey(type);
    assert.notEqual(key, null, type);
    const en = format('en', key!);
    const zh = format('zh-CN', key!);
    assert.notEqual(en, type, `${type}: English name`);
    assert.notEqual(zh, en, `${type}: Chinese name differs from the English one`);
    assert.equal(findingTypeName(type, (k) => format('zh-CN', k)), zh);
  }
  assert.equal(findingTypeName('sqli', (k) => format('en', k)), 'SQL injection');
});

test('a type the UI has no name for is shown as its id, never as a catalogue key', () => {
  assert.equal(findingTypeKey('brand_new_type'), null);
  assert.equal(findingTypeName('brand_new_type', (k) => format('en', k)), 'brand_new_type');
  assert.equal(findingTypeKey('toString'), null, 'not an inherited property');
});
