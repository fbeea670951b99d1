// Unit tests of the detector registry: unique snake_case ids, labels, levels, mask styles, and that the scanner's
// quick reject (mayMatchValue) never rejects a text that a detector's own prefilter would accept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SENSITIVE_DETECTORS, detectorById } from '../../../appliance/src/analyzers/sensitive/detector.registry.ts';
import { MASK_STYLES } from '../../../appliance/src/analyzers/sensitive/masking.ts';
import { TextFeatures } from '../../../appliance/src/analyzers/sensitive/text.features.ts';
import { mayMatchValue, prefilterPasses } from '../../../appliance/src/analyzers/sensitive/sensitive.scanner.ts';

test('registry: unique snake_case ids with labels, levels and explicit mask styles', () => {
  const ids = SENSITIVE_DETECTORS.map((d) => d.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const d of SENSITIVE_DETECTORS) {
    assert.match(d.id, /^[a-z][a-z0-9_]*$/);
    assert.ok(d.label.en.length > 0 && d.label.zh.length > 0, d.id);
    assert.ok([1, 2, 3, 4].includes(d.defaultLevel), d.id);
    assert.ok(MASK_STYLES[d.id] !== undefined, `${d.id} has no mask style`);
    assert.equal(MASK_STYLES[d.id] === 'fingerprint', d.secret, `${d.id}: secrets and only secrets are fingerprinted`);
    assert.ok(d.prefilter !== null || d.triggerHints !== 0, `${d.id} can never run`);
    assert.equal(detectorById(d.id), d);
  }
  for (const id of ['cn_id_card', 'cn_mobile', 'bank_card', 'email', 'password', 'jwt', 'aws_access_key', 'private_key', 'us_ssn', 'iban', 'cn_uscc', 'passport', 'ipv4']) {
    assert.ok(ids.includes(id), `issue type ${id} missing`);
  }
});

test('mayMatchValue accepts the minimal features of every value prefilter', () => {
  for (const d of SENSITIVE_DETECTORS) {
    const p = d.prefilter;
    if (p === null) continue;
    const f = new TextFeatures();
    f.mask = (p.all ?? 0) | (p.any !== undefined ? p.any & -p.any : 0);
    f.digits = p.minDigits ?? 0;
    f.maxDigitGroup = Math.max(p.minDigitGroup ?? 0, p.minDigitRun ?? 0);
    f.maxDigitRun = p.minDigitRun ?? 0;
    f.maxWordRun = p.minWordRun ?? 0;
    f.dots = p.minDots ?? 0;
    f.colons = p.minColons ?? 0;
    assert.equal(prefilterPasses(d, f), true, `${d.id}: minimal features must pass its own prefilter`);
    assert.equal(mayMatchValue(f), true, `${d.id}: the scanner's quick reject would hide it`);
  }
});

test('text features: groups, runs and shapes', () => {
  const f = new TextFeatures();
  f.compute('tel: (010) 6234-5678, id 2023-11-14T22:13:20Z', 0, 44);
  assert.equal(f.maxDigitGroup, 11);
  assert.equal(f.maxDigitRun, 4);
  f.compute('2001:db8::1', 0, 11);
  assert.notEqual(f.mask & 0x10000, 0);
  f.compute('12:30:45', 0, 8);
  assert.equal(f.mask & 0x10000, 0);
});
