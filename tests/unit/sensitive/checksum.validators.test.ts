// Unit tests of the check-digit validators: GB 11643, GB 32100, Luhn, IBAN MOD 97, dates and province codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  gb11643CheckChar, gb32100CheckChar, isValidCnIdCard15, isValidCnIdCard18, isValidDate, isValidIban, isValidUscc, luhnValid, ymdOf,
} from '../../../appliance/src/analyzers/sensitive/checksum.validators.ts';

const TODAY = 20250101;

test('GB 11643: the public sample 11010519491231002X validates, its check char is X', () => {
  assert.equal(gb11643CheckChar('11010519491231002'), 'X');
  assert.equal(isValidCnIdCard18('11010519491231002X', TODAY), true);
  assert.equal(isValidCnIdCard18('110105194912310021', TODAY), false);
  assert.equal(isValidCnIdCard18('11010519491231002', TODAY), false);
});

test('GB 11643: region, birth date and future dates are checked', () => {
  const withCheck = (s17: string) => s17 + gb11643CheckChar(s17);
  assert.equal(isValidCnIdCard18(withCheck('44030619900101123'), TODAY), true);
  assert.equal(isValidCnIdCard18(withCheck('99030619900101123'), TODAY), false, 'province 99');
  assert.equal(isValidCnIdCard18(withCheck('19030619900101123'), TODAY), false, 'province 19');
  assert.equal(isValidCnIdCard18(withCheck('44030618990101123'), TODAY), false, 'year 1899');
  assert.equal(isValidCnIdCard18(withCheck('44030619900230123'), TODAY), false, '30 February');
  assert.equal(isValidCnIdCard18(withCheck('44030620300101123'), TODAY), false, 'born in the future');
  assert.equal(isValidCnIdCard18(withCheck('44030620241231123'), TODAY), true);
});

test('GB 11643: legacy 15-digit numbers need a valid province and 19yy date', () => {
  assert.equal(isValidCnIdCard15('110105491231002'), true);
  assert.equal(isValidCnIdCard15('110105491331002'), false);
  assert.equal(isValidCnIdCard15('990105491231002'), false);
  assert.equal(isValidCnIdCard15('11010549123100X'), false);
});

test('dates: leap years', () => {
  assert.equal(isValidDate(2000, 2, 29), true);
  assert.equal(isValidDate(1900, 2, 29), false);
  assert.equal(isValidDate(2024, 2, 29), true);
  assert.equal(isValidDate(2023, 4, 31), false);
  assert.equal(ymdOf(Date.UTC(2024, 0, 31, 20, 0, 0)), 20240201, 'UTC+8 civil date');
});

test('Luhn: published test numbers pass, one-digit changes fail', () => {
  for (const n of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '3530111333300000', '6200000000000005', '79927398713']) {
    assert.equal(luhnValid(n), true, n);
  }
  for (const n of ['4111111111111112', '6200000000000006', '6222021234567890', '79927398710', '']) assert.equal(luhnValid(n), false, n);
});

test('GB 32100: the published sample 91350100M000100Y43 validates', () => {
  assert.equal(gb32100CheckChar('91350100M000100Y4'), '3');
  assert.equal(isValidUscc('91350100M000100Y43'), true);
  assert.equal(isValidUscc('91350100M000100Y44'), false);
  assert.equal(isValidUscc('91350100M000I00Y43'), false, 'I is not in the alphabet');
  assert.equal(isValidUscc('01350100M000100Y43'), false, 'registration authority 0');
});

test('IBAN: registry examples validate; wrong length, country or checksum fail', () => {
  assert.equal(isValidIban('GB82WEST12345698765432'), true);
  assert.equal(isValidIban('DE89370400440532013000'), true);
  assert.equal(isValidIban('FR1420041010050500013M02606'), true);
  assert.equal(isValidIban('GB82WEST12345698765433'), false);
  assert.equal(isValidIban('GB82WEST1234569876543'), false);
  assert.equal(isValidIban('ZZ82WEST12345698765432'), false);
});
