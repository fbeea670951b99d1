/**
 * IPv6 address in message bodies: eight groups of 1-4 hex digits, or fewer with exactly one "::" (at least two
 * groups then, so "::" alone and C++ "std::x" do not match), optionally ending in a dotted IPv4 address. Clock
 * times ("12:30:45") and MAC addresses have neither eight groups nor "::" and are not matched.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { BODY_LOCATIONS } from '../detector.types.ts';
import { FieldHint } from '../field.hints.ts';
import { Feature } from '../text.features.ts';
import { MAX_MATCHES_PER_TEXT, confidenceFor, pushMatch } from '../detector.helpers.ts';

const RE = /(?<![0-9A-Za-z_:.])[0-9A-Fa-f:][0-9A-Fa-f:.]{2,44}(?![0-9A-Za-z_:.])/g;
const V4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
const HEX = /^[0-9A-Fa-f]{1,4}$/;
const LEVELS = { base: 0.8, hinted: 0.95, notSensitive: 0.45, otherType: 0.6 };

/** True when `s` is a textual IPv6 address as described above. */
export function isIpv6(s: string): boolean {
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return false;
  const parts = dbl >= 0 ? [s.slice(0, dbl), s.slice(dbl + 2)] : [s];
  let groups = 0;
  let v4 = false;
  for (let p = 0; p < parts.length; p++) {
    if (parts[p] === '') continue;
    const gs = parts[p].split(':');
    for (let i = 0; i < gs.length; i++) {
      const g = gs[i];
      if (p === parts.length - 1 && i === gs.length - 1 && g.includes('.')) {
        if (!V4.test(g)) return false;
        v4 = true;
        groups += 2;
      } else if (HEX.test(g)) groups++;
      else return false;
    }
  }
  if (dbl >= 0) return groups >= 2 && groups <= 7;
  return groups === 8 && (v4 || !s.includes('.'));
}

/** The `ipv6` detector. */
export const ipv6Detector: SensitiveDetector = {
  id: 'ipv6',
  label: { en: 'IPv6 address', zh: 'IPv6 地址' },
  defaultLevel: 2,
  kind: 'value',
  secret: false,
  locations: BODY_LOCATIONS,
  prefilter: { all: Feature.Ipv6Shape, minColons: 2 },
  triggerHints: 0,
  find(text, ctx, out) {
    if ((ctx.hints & FieldHint.Version) !== 0) return 0;
    RE.lastIndex = 0;
    let added = 0;
    let m: RegExpExecArray | null;
    while (added < MAX_MATCHES_PER_TEXT && (m = RE.exec(text)) !== null) {
      const v = m[0];
      if (!isIpv6(v)) continue;
      added += pushMatch(out, 'ipv6', v.toLowerCase(), m.index, m.index + v.length, confidenceFor(ctx, FieldHint.Ip, LEVELS));
    }
    return added;
  },
};
