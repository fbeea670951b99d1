// Unit tests of masking and fingerprinting: every style, unknown types, fingerprint format, key and stability.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprint, mask, maskAs, setFingerprintKey } from '../../../appliance/src/analyzers/sensitive/masking.ts';

test('mask: personal data keeps only the documented parts', () => {
  assert.equal(mask('cn_id_card', '110101199001011234'), '110101********1234');
  assert.equal(mask('cn_mobile', '13812345678'), '138****5678');
  assert.equal(mask('bank_card', '6200000000000005'), '620000******0005');
  assert.equal(mask('credit_card', '4111111111111111'), '411111******1111');
  assert.equal(mask('email', 'alice@example.com'), 'a***@example.com');
  assert.equal(mask('cn_landline', '010-62345678'), '010-****5678');
  assert.equal(mask('cn_name', '欧阳娜娜'), '欧***');
  assert.equal(mask('cn_address', '北京市朝阳区建国路88号'), '北京市朝阳区****');
  assert.equal(mask('us_ssn', '123-45-6789'), '***-**-6789');
  assert.equal(mask('iban', 'GB82WEST12345698765432'), 'GB82**************5432');
  assert.equal(mask('ipv4', '192.168.1.10'), '192.168.*.*');
  assert.equal(mask('ipv6', '2001:db8::1'), '2001:****');
  assert.equal(mask('passport', 'E12345678'), 'E1*****78');
});

test('mask: short values are fully starred, never echoed', () => {
  assert.equal(maskAs('partial', 'ab'), '**');
  assert.equal(maskAs('id', '12345'), '*****');
  assert.equal(maskAs('email', 'noat'), 'n***');
});

test('mask: secrets and unknown types become fingerprints', () => {
  for (const type of ['password', 'secret', 'jwt', 'aws_access_key', 'private_key', 'bearer_token_in_url', 'some_future_type']) {
    const m = mask(type, 'hunter2-secret-value');
    assert.match(m, /^sha256:[0-9a-f]{16}$/, type);
    assert.ok(!m.includes('hunter2'));
  }
});

test('fingerprint: stable, distinct per value, and keyed', () => {
  const a = fingerprint('token-a');
  assert.equal(fingerprint('token-a'), a);
  assert.notEqual(fingerprint('token-b'), a);
  setFingerprintKey('another-installation');
  const b = fingerprint('token-a');
  assert.notEqual(b, a);
  assert.match(b, /^sha256:[0-9a-f]{16}$/);
  setFingerprintKey('api-radar/sensitive-fingerprint/v1');
  assert.equal(fingerprint('token-a'), a);
});
