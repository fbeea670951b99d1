/**
 * Chinese mobile number (手机号): 11 digits whose first three are a prefix assigned to a mobile carrier (China
 * Mobile, Unicom, Telecom, Broadnet, virtual operators; data-card 145/147/149), optionally with +86 / 0086 / 86
 * and space or '-' separators. Never matched inside a longer digit run or a word.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { FieldHint } from '../field.hints.ts';
import { confidenceFor, pushMatch } from '../detector.helpers.ts';
import { Sep } from '../digit.groups.ts';

/** Assigned 11-digit mobile prefixes 130..199 (IoT-only 140-144/146/148 and unassigned blocks excluded). */
const PREFIXES = [
  130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 145, 147, 149, 150, 151, 152, 153, 155, 156, 157, 158, 159, 162, 165,
  166, 167, 170, 171, 172, 173, 174, 175, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191,
  192, 193, 195, 196, 197, 198, 199,
];
const PREFIX_OK = new Uint8Array(200);
for (const p of PREFIXES) PREFIX_OK[p] = 1;

/** True when an 11-digit string starts with an assigned mobile prefix. */
export function isCnMobilePrefix(d: string): boolean {
  const p = (d.charCodeAt(0) - 48) * 100 + (d.charCodeAt(1) - 48) * 10 + (d.charCodeAt(2) - 48);
  return p >= 130 && p < 200 && PREFIX_OK[p] === 1;
}

const LEVELS = { base: 0.75, hinted: 0.97, notSensitive: 0.35, otherType: 0.5 };

/** The `cn_mobile` detector. */
export const cnMobileDetector: SensitiveDetector = {
  id: 'cn_mobile',
  label: { en: 'Chinese mobile number', zh: '手机号码' },
  defaultLevel: 3,
  kind: 'value',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: { minDigitGroup: 11, minDigitRun: 3 },
  triggerHints: 0,
  find(text, ctx, out) {
    const g = ctx.digitGroups(text);
    const n = g.candidates(text, 11, 15, false);
    let added = 0;
    for (let k = 0; k < n; k++) {
      const d = g.candDigits[k];
      const separated = g.candSeparated[k] === 1;
      if (separated && (g.candSep[k] & Sep.Paren) !== 0) continue;
      const plus = g.candPlus[k] === 1;
      let core = d;
      if (d.length === 13) {
        if (!d.startsWith('86')) continue;
        const prefixed = plus || (separated && g.candFirstRun[k] === 2) || (ctx.hints & FieldHint.Mobile) !== 0;
        if (!prefixed) continue;
        core = d.slice(2);
      } else if (d.length === 15) {
        if (!d.startsWith('0086')) continue;
        core = d.slice(4);
      } else if (d.length !== 11 || plus) continue;
      if (!isCnMobilePrefix(core)) continue;
      let c = confidenceFor(ctx, FieldHint.Mobile, LEVELS);
      if ((separated || core !== d) && c < 0.9) c += 0.05;
      added += pushMatch(out, 'cn_mobile', core, g.candStart[k], g.candEnd[k], c);
    }
    return added;
  },
};
