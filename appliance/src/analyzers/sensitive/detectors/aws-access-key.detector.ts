/**
 * AWS access key id: AKIA (long-term) or ASIA (temporary), also ABIA/ACCA, + 16 characters of the base32 alphabet
 * (A-Z, 2-7). Stored only as a fingerprint.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { FieldHint } from '../field.hints.ts';
import { pushMatch, pushRegexMatches } from '../detector.helpers.ts';

const RE = /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/g;

/** The `aws_access_key` detector. */
export const awsAccessKeyDetector: SensitiveDetector = {
  id: 'aws_access_key',
  label: { en: 'AWS access key id', zh: 'AWS 访问密钥 ID' },
  defaultLevel: 4,
  kind: 'value',
  secret: true,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.Upper, minWordRun: 20 },
  triggerHints: 0,
  find(text, ctx, out) {
    return pushRegexMatches(RE, text, (m) => pushMatch(out, 'aws_access_key', m[0], m.index, m.index + 20, (ctx.hints & FieldHint.Secret) !== 0 ? 0.97 : 0.9));
  },
};
