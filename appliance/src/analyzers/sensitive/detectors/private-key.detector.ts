/**
 * PEM private key: "-----BEGIN [RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP ]PRIVATE KEY[ BLOCK]-----", through the
 * matching END line when present (at most 16 KiB). Stored only as a fingerprint.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { MAX_MATCHES_PER_TEXT, pushMatch } from '../detector.helpers.ts';

const RE = /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----/g;
const MAX_BLOCK = 16 * 1024;

/** The `private_key` detector. */
export const privateKeyDetector: SensitiveDetector = {
  id: 'private_key',
  label: { en: 'Private key (PEM)', zh: '私钥（PEM）' },
  defaultLevel: 4,
  kind: 'value',
  secret: true,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.Dash | Feature.Upper, minWordRun: 10 },
  triggerHints: 0,
  find(text, _ctx, out) {
    if (text.indexOf('-----BEGIN ') < 0) return 0;
    RE.lastIndex = 0;
    let added = 0;
    let m: RegExpExecArray | null;
    while (added < MAX_MATCHES_PER_TEXT && (m = RE.exec(text)) !== null) {
      const endLine = `-----END ${m[1]}-----`;
      const e = text.indexOf(endLine, RE.lastIndex);
      const end = e >= 0 && e - m.index <= MAX_BLOCK ? e + endLine.length : RE.lastIndex;
      added += pushMatch(out, 'private_key', text.slice(m.index, end), m.index, end, 0.99);
      RE.lastIndex = end;
    }
    return added;
  },
};
