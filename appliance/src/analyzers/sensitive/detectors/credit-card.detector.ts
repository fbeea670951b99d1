/**
 * International payment card number: Visa (4; 13/16/19), Mastercard (51-55, 2221-2720; 16), American Express
 * (34/37; 15), Discover (6011, 644-649, 65; 16-19) and JCB (3528-3589; 16-19), each passing Luhn. UnionPay (62)
 * numbers are reported as bank_card instead.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { FieldHint } from '../field.hints.ts';
import { luhnValid } from '../checksum.validators.ts';
import { confidenceFor, pushMatch } from '../detector.helpers.ts';
import { Sep } from '../digit.groups.ts';

const LEVELS = { base: 0.8, hinted: 0.97, notSensitive: 0.45, otherType: 0.65 };

function prefix(d: string, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 10 + (d.charCodeAt(i) - 48);
  return v;
}

/** The card brand implied by prefix and length ('visa', 'mastercard', 'amex', 'discover', 'jcb'), or ''. */
export function creditCardBrand(d: string): string {
  const len = d.length;
  const c0 = d.charCodeAt(0);
  if (c0 === 52) return len === 13 || len === 16 || len === 19 ? 'visa' : '';
  const p2 = prefix(d, 2);
  const p4 = prefix(d, 4);
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return len === 16 ? 'mastercard' : '';
  if (p2 === 34 || p2 === 37) return len === 15 ? 'amex' : '';
  const p3 = prefix(d, 3);
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65) return len >= 16 && len <= 19 ? 'discover' : '';
  if (p4 >= 3528 && p4 <= 3589) return len >= 16 && len <= 19 ? 'jcb' : '';
  return '';
}

/** The `credit_card` detector. */
export const creditCardDetector: SensitiveDetector = {
  id: 'credit_card',
  label: { en: 'Credit card number (Visa, Mastercard, Amex, Discover, JCB)', zh: '信用卡号（国际卡组织）' },
  defaultLevel: 4,
  kind: 'value',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: { minDigitGroup: 13, minDigitRun: 4 },
  triggerHints: 0,
  find(text, ctx, out) {
    const g = ctx.digitGroups(text);
    const n = g.candidates(text, 13, 19, false);
    let added = 0;
    for (let k = 0; k < n; k++) {
      const d = g.candDigits[k];
      if (g.candSeparated[k] === 1 && ((g.candSep[k] & Sep.Paren) !== 0 || g.candFirstRun[k] < 4)) continue;
      if (creditCardBrand(d) === '' || !luhnValid(d)) continue;
      added += pushMatch(out, 'credit_card', d, g.candStart[k], g.candEnd[k], confidenceFor(ctx, FieldHint.BankCard, LEVELS));
    }
    return added;
  },
};
