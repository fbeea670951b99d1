// Unit tests of the Chinese detectors: valid values, bad check digits, look-alikes and field-name hints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cnIdCardDetector } from '../../../appliance/src/analyzers/sensitive/detectors/cn-id-card.detector.ts';
import { cnMobileDetector } from '../../../appliance/src/analyzers/sensitive/detectors/cn-mobile.detector.ts';
import { cnLandlineDetector } from '../../../appliance/src/analyzers/sensitive/detectors/cn-landline.detector.ts';
import { cnUsccDetector } from '../../../appliance/src/analyzers/sensitive/detectors/cn-uscc.detector.ts';
import { passportDetector } from '../../../appliance/src/analyzers/sensitive/detectors/passport.detector.ts';
import { cnHkMacauPermitDetector } from '../../../appliance/src/analyzers/sensitive/detectors/cn-hk-macau-permit.detector.ts';
import { bankCardDetector } from '../../../appliance/src/analyzers/sensitive/detectors/bank-card.detector.ts';
import { cnLicensePlateDetector } from '../../../appliance/src/analyzers/sensitive/detectors/cn-license-plate.detector.ts';
import { cnNameDetector } from '../../../appliance/src/analyzers/sensitive/detectors/cn-name.detector.ts';
import { cnAddressDetector } from '../../../appliance/src/analyzers/sensitive/detectors/cn-address.detector.ts';
import { gb11643CheckChar } from '../../../appliance/src/analyzers/sensitive/checksum.validators.ts';
import { reported, runDetector } from './tx.fixture.ts';

const ID = '11010519491231002X';

test('cn_id_card: the GB 11643 sample, lower-case x, inside text and spaced', () => {
  assert.deepEqual(reported(cnIdCardDetector, ID), [ID]);
  assert.deepEqual(reported(cnIdCardDetector, '11010519491231002x'), [ID]);
  assert.deepEqual(reported(cnIdCardDetector, `身份证号：${ID}，请核对`), [ID]);
  assert.deepEqual(reported(cnIdCardDetector, '110105 19491231 002X'), [ID]);
  const m = runDetector(cnIdCardDetector, `id=${ID}`)[0];
  assert.equal(m.start, 3);
  assert.equal(m.end, 21);
  assert.equal(m.masked, '110105********002X');
});

test('cn_id_card: bad check digit, bad region, future birth date and longer digit runs do not match', () => {
  assert.deepEqual(reported(cnIdCardDetector, '110105194912310021'), []);
  const s17 = '44030620300101123';
  assert.deepEqual(reported(cnIdCardDetector, s17 + gb11643CheckChar(s17)), [], 'born 2030');
  assert.deepEqual(reported(cnIdCardDetector, '9' + ID), [], 'inside a longer number');
  assert.deepEqual(reported(cnIdCardDetector, ID + '7'), []);
  assert.deepEqual(reported(cnIdCardDetector, 'A' + ID), [], 'inside a word');
  assert.deepEqual(reported(cnIdCardDetector, '1.' + ID), [], 'decimal fraction');
  for (let i = 0; i < 50; i++) {
    const s = String(100000000000000000n + BigInt(i) * 7919n * 1000003n);
    const ok = runDetector(cnIdCardDetector, s).length;
    if (ok > 0) assert.equal(gb11643CheckChar(s), s[17], `${s} matched without a valid check digit`);
  }
});

test('cn_id_card: field hints raise and lower confidence; 15-digit legacy needs a hint', () => {
  const plain = runDetector(cnIdCardDetector, ID)[0].confidence;
  assert.ok(runDetector(cnIdCardDetector, ID, 'idCard')[0].confidence > plain);
  assert.ok(runDetector(cnIdCardDetector, ID, '身份证号')[0].confidence > plain);
  assert.ok(runDetector(cnIdCardDetector, ID, 'orderNo')[0].confidence < plain);
  assert.deepEqual(reported(cnIdCardDetector, '110105491231002'), []);
  assert.deepEqual(reported(cnIdCardDetector, '110105491231002', 'id_no'), ['110105491231002']);
  assert.deepEqual(reported(cnIdCardDetector, '110105491331002', 'id_no'), [], 'month 13');
});

test('cn_mobile: plain, +86 / 0086 / 86 prefixes and separators', () => {
  assert.deepEqual(reported(cnMobileDetector, '13812345678'), ['13812345678']);
  assert.deepEqual(reported(cnMobileDetector, '+86 138 1234 5678'), ['13812345678']);
  assert.deepEqual(reported(cnMobileDetector, '+8613812345678'), ['13812345678']);
  assert.deepEqual(reported(cnMobileDetector, '008613812345678'), ['13812345678']);
  assert.deepEqual(reported(cnMobileDetector, '86-138-1234-5678'), ['13812345678']);
  assert.deepEqual(reported(cnMobileDetector, '电话:19912345678,备用:15012345678'), ['19912345678', '15012345678']);
  assert.deepEqual(reported(cnMobileDetector, '13812345678 13912345678'), ['13812345678', '13912345678']);
});

test('cn_mobile: unassigned prefixes, longer runs, timestamps and words do not match', () => {
  for (const s of ['12812345678', '15412345678', '10012345678', '138123456789', '913812345678', '1700000000000', 'tel13812345678', '13812345678x', '3.13812345678']) {
    assert.deepEqual(reported(cnMobileDetector, s), [], s);
  }
});

test('cn_mobile: hints: mobile/手机 raise, orderNo lowers below the threshold', () => {
  const base = runDetector(cnMobileDetector, '13812345678')[0].confidence;
  assert.ok(runDetector(cnMobileDetector, '13812345678', 'mobile')[0].confidence > base);
  assert.ok(runDetector(cnMobileDetector, '13812345678', '手机号')[0].confidence > base);
  assert.deepEqual(reported(cnMobileDetector, '13812345678', 'orderNo'), []);
  assert.deepEqual(reported(cnMobileDetector, '13812345678', 'trace_id'), []);
});

test('cn_landline: separated forms alone, plain digits only with a hint', () => {
  assert.deepEqual(reported(cnLandlineDetector, '010-62345678'), ['010-62345678']);
  assert.deepEqual(reported(cnLandlineDetector, '(0755) 86013388'), ['0755-86013388']);
  assert.deepEqual(reported(cnLandlineDetector, '0571-8765432'), ['0571-8765432']);
  assert.deepEqual(reported(cnLandlineDetector, '01062345678'), []);
  assert.deepEqual(reported(cnLandlineDetector, '01062345678', 'telephone'), ['010-62345678']);
  assert.deepEqual(reported(cnLandlineDetector, '01062345678', '座机'), ['010-62345678']);
  for (const s of ['010-12345678', '2023-11-14', '0123-4567890', '010-623456789', '1010-62345678']) assert.deepEqual(reported(cnLandlineDetector, s), [], s);
});

test('cn_uscc: published sample, bad check character, excluded letters', () => {
  assert.deepEqual(reported(cnUsccDetector, '91350100M000100Y43'), ['91350100M000100Y43']);
  assert.deepEqual(reported(cnUsccDetector, '统一社会信用代码：91350100M000100Y43。'), ['91350100M000100Y43']);
  assert.deepEqual(reported(cnUsccDetector, '91350100M000100Y44'), []);
  assert.deepEqual(reported(cnUsccDetector, '91350100M000100Y43A'), []);
  assert.ok(runDetector(cnUsccDetector, '91350100M000100Y43', 'creditCode')[0].confidence > runDetector(cnUsccDetector, '91350100M000100Y43')[0].confidence);
});

test('passport and HK/Macau permit: formats, and reported only with a field hint', () => {
  assert.deepEqual(reported(passportDetector, 'E12345678'), []);
  assert.deepEqual(reported(passportDetector, 'E12345678', 'passportNo'), ['E12345678']);
  assert.deepEqual(reported(passportDetector, 'EA1234567', '护照号码'), ['EA1234567']);
  assert.deepEqual(reported(passportDetector, 'G12345678', 'certNo'), ['G12345678']);
  assert.deepEqual(reported(passportDetector, 'E1234567', 'passport'), []);
  assert.deepEqual(reported(passportDetector, 'EI1234567', 'passport'), []);
  assert.deepEqual(reported(cnHkMacauPermitDetector, 'C12345678', 'hkMacauPermitNo'), ['C12345678']);
  assert.deepEqual(reported(cnHkMacauPermitDetector, 'W12345678', '港澳通行证'), ['W12345678']);
  assert.deepEqual(reported(cnHkMacauPermitDetector, 'C12345678'), []);
  assert.deepEqual(reported(cnHkMacauPermitDetector, 'C123456789', 'permit'), []);
});

test('bank_card: UnionPay 62 and Luhn; order numbers failing Luhn and foreign brands do not match', () => {
  assert.deepEqual(reported(bankCardDetector, '6200000000000005'), ['6200000000000005']);
  assert.deepEqual(reported(bankCardDetector, '6200 0000 0000 0005'), ['6200000000000005']);
  assert.deepEqual(reported(bankCardDetector, '6200000000000006'), []);
  assert.deepEqual(reported(bankCardDetector, '6222021234567890'), [], 'fails Luhn');
  assert.deepEqual(reported(bankCardDetector, '4111111111111111'), [], 'Visa is credit_card');
  assert.deepEqual(reported(bankCardDetector, '4111111111111111', 'bankCardNo'), [], 'Visa even in a bank field');
  assert.deepEqual(reported(bankCardDetector, '16200000000000005'), [], 'longer run');
  assert.deepEqual(reported(bankCardDetector, '6200000000000005', 'orderNo'), []);
});

test('bank_card: an unknown BIN counts only with a bank-card field hint', () => {
  const n = '8800000000000005'; // Luhn by hand: 8*2→7, +8, +5 = 20
  assert.deepEqual(reported(bankCardDetector, n), []);
  assert.deepEqual(reported(bankCardDetector, n, '银行卡号'), [n]);
});

test('cn_license_plate: standard, new-energy and separators; letter-only tails do not match', () => {
  assert.deepEqual(reported(cnLicensePlateDetector, '京A12345'), ['京A12345']);
  assert.deepEqual(reported(cnLicensePlateDetector, '车牌 粤B·D12345 已登记'), ['粤BD12345']);
  assert.deepEqual(reported(cnLicensePlateDetector, '沪A12345D'), ['沪A12345D']);
  assert.deepEqual(reported(cnLicensePlateDetector, '苏E1234学'), ['苏E1234学']);
  assert.deepEqual(reported(cnLicensePlateDetector, '京ABCDE1'), []);
  assert.deepEqual(reported(cnLicensePlateDetector, '京I12345'), [], 'no I');
  assert.deepEqual(reported(cnLicensePlateDetector, '中A12345'), [], 'not a province');
});

test('cn_name: only in name fields, 2-4 Han characters with a surname', () => {
  assert.deepEqual(reported(cnNameDetector, '张三', 'realName'), ['张三']);
  assert.deepEqual(reported(cnNameDetector, '欧阳娜娜', '收货人'), ['欧阳娜娜']);
  assert.deepEqual(reported(cnNameDetector, '王小明', '姓名'), ['王小明']);
  assert.deepEqual(reported(cnNameDetector, '张三', 'remark'), []);
  assert.deepEqual(reported(cnNameDetector, '张三', 'nickname'), []);
  assert.deepEqual(reported(cnNameDetector, '苹果手机', 'name'), []);
  assert.deepEqual(reported(cnNameDetector, 'John', 'realName'), []);
  assert.deepEqual(reported(cnNameDetector, '张三丰王五六', 'realName'), []);
});

test('cn_address: only in address fields and when it reads as an address', () => {
  assert.deepEqual(reported(cnAddressDetector, '北京市朝阳区建国路88号', 'address'), ['北京市朝阳区建国路88号']);
  assert.deepEqual(reported(cnAddressDetector, '广东省深圳市南山区科技园1栋101室', '收货地址'), ['广东省深圳市南山区科技园1栋101室']);
  assert.deepEqual(reported(cnAddressDetector, '北京市朝阳区建国路88号', 'ipAddress'), []);
  assert.deepEqual(reported(cnAddressDetector, '北京市朝阳区建国路88号', 'comment'), []);
  assert.deepEqual(reported(cnAddressDetector, '这是一个很好的产品', 'address'), []);
  assert.deepEqual(reported(cnAddressDetector, 'hello world', 'addr'), []);
});
