/**
 * International Bank Account Number: country code, 2 check digits and the BBAN, compact or in groups of four,
 * with the registry length for the country and ISO 7064 MOD 97-10.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { FieldHint } from '../field.hints.ts';
import { isValidIban } from '../checksum.validators.ts';
import { MAX_MATCHES_PER_TEXT, confidenceFor, pushMatch } from '../detector.helpers.ts';

const RE = /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)(?![A-Za-z0-9])/g;
const LEVELS = { base: 0.9, hinted: 0.98, notSensitive: 0.6, otherType: 0.8 };

/** The `iban` detector. */
export const ibanDetector: SensitiveDetector = {
  id: 'iban',
  label: { en: 'IBAN (international bank account number)', zh: '国际银行账号（IBAN）' },
  defaultLevel: 4,
  kind: 'value',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.Upper, minDigits: 8, minDigitGroup: 9 },
  triggerHints: 0,
  find(text, ctx, out) {
    if (ctx.features.maxWordRun < 15 && (ctx.features.mask & Feature.Space) === 0) return 0;
    RE.lastIndex = 0;
    let added = 0;
    let m: RegExpExecArray | null;
    while (added < MAX_MATCHES_PER_TEXT && (m = RE.exec(text)) !== null) {
      const v = m[0].replace(/ /g, '');
      if (isValidIban(v)) added += pushMatch(out, 'iban', v, m.index, m.index + m[0].length, confidenceFor(ctx, FieldHint.Iban, LEVELS));
    }
    return added;
  },
};
