/**
 * Chinese vehicle licence plate (车牌号): province abbreviation + issuing-office letter (no I/O) + 5 characters with
 * at least 3 digits (last may be 挂/学/警/港/澳), or a new-energy plate with 6 (D/F + letter/digit + 4 digits, or
 * 5 digits + D/F). An optional '·', space or '-' after the office letter is dropped from the canonical value.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { FieldHint } from '../field.hints.ts';
import { MAX_MATCHES_PER_TEXT, confidenceFor, pushMatch } from '../detector.helpers.ts';

const RE = /(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]([A-HJ-NP-Z])[·• -]?([DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳])(?![A-Za-z0-9])/g;
const LEVELS = { base: 0.8, hinted: 0.95, notSensitive: 0.5, otherType: 0.65 };

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) n++;
  return n;
}

/** The `cn_license_plate` detector. */
export const cnLicensePlateDetector: SensitiveDetector = {
  id: 'cn_license_plate',
  label: { en: 'Chinese vehicle licence plate', zh: '车牌号' },
  defaultLevel: 3,
  kind: 'value',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.Han | Feature.Upper | Feature.Digit },
  triggerHints: 0,
  find(text, ctx, out) {
    RE.lastIndex = 0;
    let added = 0;
    let m: RegExpExecArray | null;
    while (added < MAX_MATCHES_PER_TEXT && (m = RE.exec(text)) !== null) {
      const tail = m[2];
      if (tail.length === 5 && digitCount(tail) < 3) continue;
      const value = m[0][0] + m[1] + tail;
      added += pushMatch(out, 'cn_license_plate', value, m.index, m.index + m[0].length, confidenceFor(ctx, FieldHint.Plate, LEVELS));
    }
    return added;
  },
};
