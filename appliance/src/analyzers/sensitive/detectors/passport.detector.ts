/**
 * Chinese passport number (护照号): E or G + 8 digits, or the newer E + letter + 7 digits (e.g. EA1234567). The
 * pattern alone is weak (product codes look the same), so it is reported only where the field name says passport
 * or a document number.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { FieldHint } from '../field.hints.ts';
import { MAX_MATCHES_PER_TEXT, confidenceFor, pushMatch } from '../detector.helpers.ts';

const RE = /(?<![A-Za-z0-9])(?:[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7})(?![A-Za-z0-9])/g;
const LEVELS = { base: 0.55, hinted: 0.95, notSensitive: 0.25, otherType: 0.45 };

/** The `passport` detector. */
export const passportDetector: SensitiveDetector = {
  id: 'passport',
  label: { en: 'Passport number (China)', zh: '护照号码' },
  defaultLevel: 4,
  kind: 'value',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.Upper, minDigitRun: 7 },
  triggerHints: 0,
  find(text, ctx, out) {
    RE.lastIndex = 0;
    let added = 0;
    let m: RegExpExecArray | null;
    while (added < MAX_MATCHES_PER_TEXT && (m = RE.exec(text)) !== null) {
      const c = (ctx.hints & FieldHint.IdCard) !== 0 && (ctx.hints & FieldHint.Passport) === 0 ? 0.8 : confidenceFor(ctx, FieldHint.Passport, LEVELS);
      added += pushMatch(out, 'passport', m[0], m.index, m.index + m[0].length, c);
    }
    return added;
  },
};
