/**
 * Slack token: xoxb- (bot), xoxp- (user), xoxa- (app), xoxr- (refresh), then numeric ids joined by '-' and a
 * final alphanumeric secret part. Stored only as a fingerprint.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { pushMatch, pushRegexMatches } from '../detector.helpers.ts';

const RE = /(?<![A-Za-z0-9-])xox[bpar]-[0-9]{1,20}(?:-[0-9]{1,20}){0,3}-[A-Za-z0-9]{8,64}(?![A-Za-z0-9-])/g;

/** The `slack_token` detector. */
export const slackTokenDetector: SensitiveDetector = {
  id: 'slack_token',
  label: { en: 'Slack token', zh: 'Slack 令牌' },
  defaultLevel: 4,
  kind: 'value',
  secret: true,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.Dash | Feature.Lower | Feature.Digit, minWordRun: 16 },
  triggerHints: 0,
  find(text, _ctx, out) {
    return pushRegexMatches(RE, text, (m) => pushMatch(out, 'slack_token', m[0], m.index, m.index + m[0].length, 0.95));
  },
};
