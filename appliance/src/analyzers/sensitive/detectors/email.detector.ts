/**
 * E-mail address: a dot-atom local part, '@', a domain of LDH labels and an alphabetic TLD. Image names such as
 * "icon@2x.png" are excluded by rejecting file-extension TLDs. Canonical value has a lower-case domain.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { FieldHint } from '../field.hints.ts';
import { MAX_MATCHES_PER_TEXT, confidenceFor, pushMatch } from '../detector.helpers.ts';

const RE = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24}))(?![A-Za-z0-9-])/g;
const FILE_TLDS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico', 'js', 'mjs', 'css', 'json', 'html', 'htm', 'xml', 'txt', 'pdf', 'zip', 'gz', 'tar', 'mp3', 'mp4', 'wav', 'woff', 'woff2', 'ttf', 'map']);
const LEVELS = { base: 0.9, hinted: 0.98, notSensitive: 0.7, otherType: 0.85 };

/** The `email` detector. */
export const emailDetector: SensitiveDetector = {
  id: 'email',
  label: { en: 'E-mail address', zh: '电子邮箱' },
  defaultLevel: 3,
  kind: 'value',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.At | Feature.Dot },
  triggerHints: 0,
  find(text, ctx, out) {
    RE.lastIndex = 0;
    let added = 0;
    let m: RegExpExecArray | null;
    while (added < MAX_MATCHES_PER_TEXT && (m = RE.exec(text)) !== null) {
      const v = m[0];
      const domain = m[1];
      if (FILE_TLDS.has(m[2]) || FILE_TLDS.has(m[2].toLowerCase()) || v.includes('..')) continue;
      const lower = /[A-Z]/.test(domain) ? domain.toLowerCase() : domain;
      const canonical = lower === domain ? v : v.slice(0, v.length - domain.length) + lower;
      added += pushMatch(out, 'email', canonical, m.index, m.index + v.length, confidenceFor(ctx, FieldHint.Email, LEVELS));
    }
    return added;
  },
};
