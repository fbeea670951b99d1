/**
 * IPv4 address in message bodies (not in headers such as X-Forwarded-For, which carry addresses by design).
 * Four decimal octets 0-255 without leading zeros. Not reported in version fields (`version`, `appVer`, ...),
 * nor when part of a longer dotted number ("1.2.3.4.5"), nor after a single '/' as in "Chrome/120.0.0.0"
 * (a URL's "//10.0.0.1" is kept), nor the unspecified address 0.0.0.0.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { BODY_LOCATIONS } from '../detector.types.ts';
import { FieldHint } from '../field.hints.ts';
import { MAX_MATCHES_PER_TEXT, confidenceFor, pushMatch } from '../detector.helpers.ts';

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const RE = new RegExp(`(?<![0-9A-Za-z_.-])${OCTET}(?:\\.${OCTET}){3}(?![0-9A-Za-z_-]|\\.[0-9])`, 'g');
const LEVELS = { base: 0.7, hinted: 0.95, notSensitive: 0.4, otherType: 0.55 };

/** The `ipv4` detector. */
export const ipv4Detector: SensitiveDetector = {
  id: 'ipv4',
  label: { en: 'IPv4 address', zh: 'IPv4 地址' },
  defaultLevel: 2,
  kind: 'value',
  secret: false,
  locations: BODY_LOCATIONS,
  prefilter: { minDots: 3, minDigits: 4 },
  triggerHints: 0,
  find(text, ctx, out) {
    if ((ctx.hints & FieldHint.Version) !== 0) return 0;
    RE.lastIndex = 0;
    let added = 0;
    let m: RegExpExecArray | null;
    while (added < MAX_MATCHES_PER_TEXT && (m = RE.exec(text)) !== null) {
      const s = m.index;
      if (s > 0 && text.charCodeAt(s - 1) === 47 && (s < 2 || text.charCodeAt(s - 2) !== 47)) continue;
      if (m[0] === '0.0.0.0') continue;
      added += pushMatch(out, 'ipv4', m[0], s, s + m[0].length, confidenceFor(ctx, FieldHint.Ip, LEVELS));
    }
    return added;
  },
};
