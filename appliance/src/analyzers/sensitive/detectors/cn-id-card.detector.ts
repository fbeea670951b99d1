/**
 * Chinese resident identity number (居民身份证号): 18 characters with the GB 11643 check character (MOD 11-2, 'X' for
 * 10), a province code and a real birth date (1900..today); also the 15-digit legacy number (valid date), which is
 * reported only where a field name says it is an ID number. Spaced form "110105 19491231 002X" is accepted.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { FieldHint } from '../field.hints.ts';
import { isValidCnIdCard15, isValidCnIdCard18 } from '../checksum.validators.ts';
import { confidenceFor, pushMatch } from '../detector.helpers.ts';
import { Sep } from '../digit.groups.ts';

const LEVELS_18 = { base: 0.9, hinted: 0.99, notSensitive: 0.7, otherType: 0.8 };
const LEVELS_15 = { base: 0.45, hinted: 0.9, notSensitive: 0.2, otherType: 0.3 };

/** The `cn_id_card` detector. */
export const cnIdCardDetector: SensitiveDetector = {
  id: 'cn_id_card',
  label: { en: 'Chinese resident ID number', zh: '居民身份证号' },
  defaultLevel: 4,
  kind: 'value',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: { minDigitGroup: 15, minDigitRun: 6 },
  triggerHints: 0,
  find(text, ctx, out) {
    const g = ctx.digitGroups(text);
    const n = g.candidates(text, 15, 18, true);
    let added = 0;
    for (let k = 0; k < n; k++) {
      const d = g.candDigits[k];
      if (g.candSeparated[k] === 1 && (g.candSep[k] !== Sep.Space || g.candRuns[k] !== 3 || g.candFirstRun[k] !== 6)) continue;
      if (d.length === 18) {
        if (isValidCnIdCard18(d, ctx.todayYmd)) added += pushMatch(out, 'cn_id_card', d, g.candStart[k], g.candEnd[k], confidenceFor(ctx, FieldHint.IdCard, LEVELS_18));
      } else if (d.length === 15 && d.charCodeAt(14) !== 88 && isValidCnIdCard15(d)) {
        added += pushMatch(out, 'cn_id_card', d, g.candStart[k], g.candEnd[k], confidenceFor(ctx, FieldHint.IdCard, LEVELS_15));
      }
    }
    return added;
  },
};
