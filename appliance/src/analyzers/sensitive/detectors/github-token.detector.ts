/**
 * GitHub token: classic tokens ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server),
 * ghr_ (refresh) + 36 alphanumerics, and fine-grained github_pat_ tokens. Stored only as a fingerprint.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { pushMatch, pushRegexMatches } from '../detector.helpers.ts';

const RE = /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])/g;

/** The `github_token` detector. */
export const githubTokenDetector: SensitiveDetector = {
  id: 'github_token',
  label: { en: 'GitHub token', zh: 'GitHub 令牌' },
  defaultLevel: 4,
  kind: 'value',
  secret: true,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.Underscore | Feature.Lower, minWordRun: 33 },
  triggerHints: 0,
  find(text, _ctx, out) {
    return pushRegexMatches(RE, text, (m) => pushMatch(out, 'github_token', m[0], m.index, m.index + m[0].length, 0.95));
  },
};
