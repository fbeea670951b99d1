/**
 * Stripe live API key: sk_live_ (secret), rk_live_ (restricted) or pk_live_ (publishable) + at least 24
 * alphanumerics. Test-mode keys (sk_test_) are not reported. Stored only as a fingerprint.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { pushMatch, pushRegexMatches } from '../detector.helpers.ts';

const RE = /(?<![A-Za-z0-9_])(?:sk|rk|pk)_live_[0-9A-Za-z]{24,247}(?![A-Za-z0-9_])/g;

/** The `stripe_key` detector. */
export const stripeKeyDetector: SensitiveDetector = {
  id: 'stripe_key',
  label: { en: 'Stripe live API key', zh: 'Stripe 生产密钥' },
  defaultLevel: 4,
  kind: 'value',
  secret: true,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.Underscore | Feature.Lower, minWordRun: 32 },
  triggerHints: 0,
  find(text, _ctx, out) {
    return pushRegexMatches(RE, text, (m) => pushMatch(out, 'stripe_key', m[0], m.index, m.index + m[0].length, m[0].charCodeAt(0) === 112 ? 0.85 : 0.97));
  },
};
