/**
 * Chinese landline number (固定电话): area code (010, 02x, or 0 + 3 digits starting 3-9) and a 7-8 digit local
 * number not starting with 0 or 1. Written with a separator ("010-12345678", "(0755) 86013388") it matches alone;
 * an unseparated number matches only when the field name says phone/tel/landline. Canonical value "area-local".
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { FieldHint } from '../field.hints.ts';
import { confidenceFor, pushMatch } from '../detector.helpers.ts';

const LEVELS = { base: 0.7, hinted: 0.93, notSensitive: 0.3, otherType: 0.55 };
const LEVELS_PLAIN = { base: 0, hinted: 0.85, notSensitive: 0, otherType: 0 };

/** Area-code length (3 or 4) implied by the digits after the leading 0, or 0 when not an area code. */
function areaLength(d: string): number {
  if (d.charCodeAt(0) !== 48) return 0;
  const c1 = d.charCodeAt(1);
  if (c1 === 49) return d.charCodeAt(2) === 48 ? 3 : 0;
  if (c1 === 50) return 3;
  return c1 >= 51 && c1 <= 57 ? 4 : 0;
}

function localOk(d: string, from: number): boolean {
  const len = d.length - from;
  const c = d.charCodeAt(from);
  return len >= 7 && len <= 8 && c >= 50 && c <= 57;
}

/** The `cn_landline` detector. */
export const cnLandlineDetector: SensitiveDetector = {
  id: 'cn_landline',
  label: { en: 'Chinese landline number', zh: '固定电话' },
  defaultLevel: 2,
  kind: 'value',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: { minDigitGroup: 10, minDigitRun: 3 },
  triggerHints: 0,
  find(text, ctx, out) {
    const g = ctx.digitGroups(text);
    const n = g.candidates(text, 10, 12, false);
    let added = 0;
    for (let k = 0; k < n; k++) {
      const d = g.candDigits[k];
      const area = areaLength(d);
      if (area === 0 || !localOk(d, area)) continue;
      let c: number;
      if (g.candSeparated[k] === 1) {
        if (g.candRuns[k] !== 2 || g.candFirstRun[k] !== area) continue;
        c = confidenceFor(ctx, FieldHint.Landline, LEVELS);
      } else {
        c = confidenceFor(ctx, FieldHint.Landline, LEVELS_PLAIN);
        if (c === 0) continue;
      }
      added += pushMatch(out, 'cn_landline', d.slice(0, area) + '-' + d.slice(area), g.candStart[k], g.candEnd[k], c);
    }
    return added;
  },
};
