/** Google API key: "AIza" + 35 characters of [0-9A-Za-z_-]. Stored only as a fingerprint. */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { pushMatch, pushRegexMatches } from '../detector.helpers.ts';

const RE = /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g;

/** The `google_api_key` detector. */
export const googleApiKeyDetector: SensitiveDetector = {
  id: 'google_api_key',
  label: { en: 'Google API key', zh: 'Google API 密钥' },
  defaultLevel: 3,
  kind: 'value',
  secret: true,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.Upper | Feature.Lower, minWordRun: 39 },
  triggerHints: 0,
  find(text, _ctx, out) {
    return pushRegexMatches(RE, text, (m) => pushMatch(out, 'google_api_key', m[0], m.index, m.index + 39, 0.92));
  },
};
