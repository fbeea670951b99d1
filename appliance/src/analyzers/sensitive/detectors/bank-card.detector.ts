/**
 * Bank card number (银行卡号), the Chinese card networks: 16-19 digits passing Luhn with a UnionPay IIN (62) or an
 * old domestic BIN of ICBC (9558) or ABC (95599, 19 digits). A Luhn-valid 16-19 digit number with another prefix
 * counts only when the field name says bank card and it is not an international brand (see credit_card).
 * Decision: a 62 number is always `bank_card`, never `credit_card`.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { FieldHint } from '../field.hints.ts';
import { luhnValid } from '../checksum.validators.ts';
import { confidenceFor, pushMatch } from '../detector.helpers.ts';
import { Sep } from '../digit.groups.ts';
import { creditCardBrand } from './credit-card.detector.ts';

const LEVELS = { base: 0.85, hinted: 0.97, notSensitive: 0.5, otherType: 0.7 };

/** True when a card number has a known Chinese bank / UnionPay prefix for its length. */
export function isChineseBankBin(d: string): boolean {
  if (d.startsWith('62')) return true;
  if (d.startsWith('9558')) return true;
  return d.length === 19 && d.startsWith('95599');
}

/** The `bank_card` detector. */
export const bankCardDetector: SensitiveDetector = {
  id: 'bank_card',
  label: { en: 'Bank card number (UnionPay / Chinese banks)', zh: '银行卡号' },
  defaultLevel: 4,
  kind: 'value',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: { minDigitGroup: 16, minDigitRun: 4 },
  triggerHints: 0,
  find(text, ctx, out) {
    const g = ctx.digitGroups(text);
    const n = g.candidates(text, 16, 19, false);
    let added = 0;
    for (let k = 0; k < n; k++) {
      const d = g.candDigits[k];
      if (g.candSeparated[k] === 1 && ((g.candSep[k] & Sep.Paren) !== 0 || g.candFirstRun[k] < 4)) continue;
      if (!luhnValid(d)) continue;
      let c: number;
      if (isChineseBankBin(d)) c = confidenceFor(ctx, FieldHint.BankCard, LEVELS);
      else if ((ctx.hints & FieldHint.BankCard) !== 0 && creditCardBrand(d) === '') c = 0.8;
      else continue;
      added += pushMatch(out, 'bank_card', d, g.candStart[k], g.candEnd[k], c);
    }
    return added;
  },
};
