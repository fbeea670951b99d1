/**
 * US Social Security number: area 001-899 except 666, group 01-99, serial 0001-9999. Matches the dashed form
 * "123-45-6789" alone, and nine plain digits only where the field name says SSN.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { FieldHint } from '../field.hints.ts';
import { confidenceFor, pushMatch } from '../detector.helpers.ts';
import { Sep } from '../digit.groups.ts';

const LEVELS = { base: 0.7, hinted: 0.95, notSensitive: 0.3, otherType: 0.45 };

/** Area/group/serial rules of a 9-digit SSN. */
export function isValidSsn(d: string): boolean {
  const area = Number(d.slice(0, 3));
  const group = Number(d.slice(3, 5));
  const serial = Number(d.slice(5, 9));
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

/** The `us_ssn` detector. */
export const usSsnDetector: SensitiveDetector = {
  id: 'us_ssn',
  label: { en: 'US Social Security number', zh: '美国社会安全号' },
  defaultLevel: 4,
  kind: 'value',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: { minDigitGroup: 9, minDigitRun: 2 },
  triggerHints: 0,
  find(text, ctx, out) {
    const g = ctx.digitGroups(text);
    const n = g.candidates(text, 9, 9, false);
    let added = 0;
    for (let k = 0; k < n; k++) {
      const d = g.candDigits[k];
      const s = g.candStart[k];
      let c: number;
      if (g.candSeparated[k] === 1) {
        if (g.candSep[k] !== Sep.Dash || g.candRuns[k] !== 3 || g.candFirstRun[k] !== 3 || text.charCodeAt(s + 6) !== 45) continue;
        c = confidenceFor(ctx, FieldHint.Ssn, LEVELS);
      } else {
        if ((ctx.hints & FieldHint.Ssn) === 0) continue;
        c = 0.85;
      }
      if (isValidSsn(d)) added += pushMatch(out, 'us_ssn', d.slice(0, 3) + '-' + d.slice(3, 5) + '-' + d.slice(5), s, g.candEnd[k], c);
    }
    return added;
  },
};
