/**
 * Unified social credit code (统一社会信用代码, GB 32100): 18 characters over the 31-character alphabet (no I, O, Z,
 * S, V) — registration authority, category, 6-digit division code with a valid province, organisation code — and
 * the MOD 31 check character. All-digit codes get a lower confidence unless the field name says credit code.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { FieldHint } from '../field.hints.ts';
import { isValidUscc } from '../checksum.validators.ts';
import { MAX_MATCHES_PER_TEXT, confidenceFor, pushMatch } from '../detector.helpers.ts';

const RE = /(?<![A-Za-z0-9])[0-9A-Y]{18}(?![A-Za-z0-9])/g;
const LEVELS = { base: 0.85, hinted: 0.98, notSensitive: 0.5, otherType: 0.7 };
const LEVELS_DIGITS = { base: 0.62, hinted: 0.95, notSensitive: 0.3, otherType: 0.45 };

/** The `cn_uscc` detector. */
export const cnUsccDetector: SensitiveDetector = {
  id: 'cn_uscc',
  label: { en: 'Unified social credit code', zh: '统一社会信用代码' },
  defaultLevel: 2,
  kind: 'value',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: { minWordRun: 18, minDigitRun: 7 },
  triggerHints: 0,
  find(text, ctx, out) {
    RE.lastIndex = 0;
    let added = 0;
    let m: RegExpExecArray | null;
    while (added < MAX_MATCHES_PER_TEXT && (m = RE.exec(text)) !== null) {
      const v = m[0];
      if (!isValidUscc(v)) continue;
      const allDigits = /^[0-9]+$/.test(v);
      added += pushMatch(out, 'cn_uscc', v, m.index, m.index + 18, confidenceFor(ctx, FieldHint.Uscc, allDigits ? LEVELS_DIGITS : LEVELS));
    }
    return added;
  },
};
