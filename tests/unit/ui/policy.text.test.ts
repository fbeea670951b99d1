// Built-in policies in the UI language: the catalogue's English text of every shipped policy is exactly the service's
// (so an unedited policy is recognised), Chinese differs; a renamed built-in policy and user policies are shown as
// stored; every finding type a shipped policy raises has a name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_POLICIES } from '../../../appliance/src/policies/builtin.policies.ts';
import { policyText } from '../../../ui/src/components/policies/policy.form.ts';
import { findingTypeKey } from '../../../ui/src/components/threats/finding.view.ts';
import { format } from '../../../ui/src/lib/i18n/i18n.ts';

const zh = (k: Parameters<typeof format>[1]): string => format('zh-CN', k);
const en = (k: Parameters<typeof format>[1]): string => format('en', k);

test('every shipped policy is named and described in both languages while the user has not changed it', () => {
  for (const { key, policy } of BUILTIN_POLICIES) {
    const stored = { name: policy.name, description: policy.description, builtinKey: key };
    assert.deepEqual(policyText(stored, en), { name: policy.name, description: policy.description }, `${key}: English is the service's text`);
    const inChinese = policyText(stored, zh);
    assert.notEqual(inChinese.name, policy.name, `${key}: Chinese name`);
    assert.notEqual(inChinese.description, policy.description, `${key}: Chinese description`);
    const raised = policy.actions.raise?.type;
    if (raised !== undefined) assert.notEqual(findingTypeKey(raised), null, `${key} raises ${raised}: named`);
  }
});

test('a renamed built-in policy and user policies are shown as stored', () => {
  const { key, policy } = BUILTIN_POLICIES[0];
  assert.deepEqual(policyText({ name: 'Our own name', description: policy.description, builtinKey: key }, zh), { name: 'Our own name', description: policyText({ name: policy.name, description: policy.description, builtinKey: key }, zh).description });
  assert.deepEqual(policyText({ name: policy.name, description: policy.description }, zh), { name: policy.name, description: policy.description }, 'no key: a user policy with the same words');
  assert.deepEqual(policyText({ name: 'x', description: 'y', builtinKey: 'no-such-policy' }, zh), { name: 'x', description: 'y' });
});
