// Unit tests of field-name hints: normalisation, English and Chinese names, exclusions and the in-place key cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldHint, KeyHintCache, classifyField, normalizeFieldName } from '../../../appliance/src/analyzers/sensitive/field.hints.ts';

const has = (name: string, bit: number) => (classifyField(name) & bit) !== 0;

test('normalisation lower-cases and drops separators', () => {
  assert.equal(normalizeFieldName('ID_Card-No'), 'idcardno');
  assert.equal(normalizeFieldName('x.api key'), 'xapikey');
  assert.equal(normalizeFieldName('身份证号'), '身份证号');
});

test('type hints from English and Chinese names', () => {
  for (const n of ['idCard', 'id_card_no', 'idNo', 'certNo', 'sfzh', '身份证号', '证件号码']) assert.ok(has(n, FieldHint.IdCard), n);
  for (const n of ['mobile', 'userMobile', 'phone', 'phoneNumber', 'tel', '手机号', '联系电话']) assert.ok(has(n, FieldHint.Mobile), n);
  for (const n of ['bankCardNo', 'card_no', 'accountNo', '银行卡号']) assert.ok(has(n, FieldHint.BankCard), n);
  for (const n of ['password', 'passwd', 'pwd', 'oldPwd', 'confirm_password', '密码']) assert.ok(has(n, FieldHint.Password), n);
  for (const n of ['client_secret', 'api_key', 'apiKey', 'access_token', 'token', 'Authorization', 'X-API-Key', '令牌']) assert.ok(has(n, FieldHint.Secret), n);
  for (const n of ['realName', 'name', 'receiver', 'consignee', '姓名', '收货人']) assert.ok(has(n, FieldHint.Name), n);
  for (const n of ['address', 'addr', 'receiverAddress', 'shippingAddress', '收货地址']) assert.ok(has(n, FieldHint.Address), n);
  for (const n of ['version', 'appVer', 'sdk_version']) assert.ok(has(n, FieldHint.Version), n);
  for (const n of ['access_token', 'api_key', 'token']) assert.ok(has(n, FieldHint.UrlToken), n);
});

test('exclusions: look-alike names do not get the type hint', () => {
  assert.ok(!has('nickname', FieldHint.Name));
  assert.ok(!has('ipAddress', FieldHint.Address));
  assert.ok(!has('macAddress', FieldHint.Address));
  assert.ok(!has('emailAddress', FieldHint.Address));
  assert.ok(!has('nextPageToken', FieldHint.Secret));
  assert.ok(!has('csrf_token', FieldHint.Secret));
  assert.ok(!has('passport', FieldHint.Password));
  assert.ok(!has('passwordExpired', FieldHint.Password));
  assert.ok(!has('id', FieldHint.IdCard));
});

test('identifier, time and amount fields are marked NotSensitive', () => {
  for (const n of ['orderNo', 'order_id', 'tradeNo', 'traceId', 'timestamp', 'createTime', 'amount', 'id', 'ts']) assert.ok(has(n, FieldHint.NotSensitive), n);
  assert.ok(!has('mobile', FieldHint.NotSensitive));
});

test('KeyHintCache classifies ranges of a text like classifyField, including repeats and collisions', () => {
  const cache = new KeyHintCache();
  const text = '{"idCard":1,"mobile":2,"idCard":3,"other":4}';
  const range = (k: string, from = 0) => {
    const s = text.indexOf(`"${k}"`, from) + 1;
    return [s, s + k.length] as const;
  };
  const [a, b] = range('idCard');
  assert.equal(cache.lookup(text, a, b), classifyField('idCard'));
  const [c, d] = range('idCard', b);
  assert.equal(cache.lookup(text, c, d), classifyField('idCard'));
  const [e, f] = range('mobile');
  assert.equal(cache.lookup(text, e, f), classifyField('mobile'));
  for (let i = 0; i < 20000; i++) {
    const k = `field${i}`;
    assert.equal(cache.lookup(k, 0, k.length), 0);
  }
  assert.equal(cache.lookup(text, a, b), classifyField('idCard'));
  assert.equal(cache.lookup('', 0, 0), 0);
});
