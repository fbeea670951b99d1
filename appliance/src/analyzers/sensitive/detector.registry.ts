/**
 * The list of sensitive-data detectors. Adding a detector: one file under ./detectors/, one line here, a mask
 * style in masking.ts (else it is fingerprinted) and its tests under tests/unit/sensitive/.
 */
import type { SensitiveDetector } from './detector.types.ts';
import { cnIdCardDetector } from './detectors/cn-id-card.detector.ts';
import { cnMobileDetector } from './detectors/cn-mobile.detector.ts';
import { cnLandlineDetector } from './detectors/cn-landline.detector.ts';
import { cnUsccDetector } from './detectors/cn-uscc.detector.ts';
import { passportDetector } from './detectors/passport.detector.ts';
import { cnHkMacauPermitDetector } from './detectors/cn-hk-macau-permit.detector.ts';
import { bankCardDetector } from './detectors/bank-card.detector.ts';
import { creditCardDetector } from './detectors/credit-card.detector.ts';
import { cnLicensePlateDetector } from './detectors/cn-license-plate.detector.ts';
import { cnNameDetector } from './detectors/cn-name.detector.ts';
import { cnAddressDetector } from './detectors/cn-address.detector.ts';
import { emailDetector } from './detectors/email.detector.ts';
import { ibanDetector } from './detectors/iban.detector.ts';
import { usSsnDetector } from './detectors/us-ssn.detector.ts';
import { ipv4Detector } from './detectors/ipv4.detector.ts';
import { ipv6Detector } from './detectors/ipv6.detector.ts';
import { jwtDetector } from './detectors/jwt.detector.ts';
import { privateKeyDetector } from './detectors/private-key.detector.ts';
import { awsAccessKeyDetector } from './detectors/aws-access-key.detector.ts';
import { githubTokenDetector } from './detectors/github-token.detector.ts';
import { slackTokenDetector } from './detectors/slack-token.detector.ts';
import { stripeKeyDetector } from './detectors/stripe-key.detector.ts';
import { googleApiKeyDetector } from './detectors/google-api-key.detector.ts';
import { passwordDetector } from './detectors/password.detector.ts';
import { secretDetector } from './detectors/secret.detector.ts';
import { bearerTokenInUrlDetector } from './detectors/bearer-token-in-url.detector.ts';

/** Every built-in detector. Value detectors first; field detectors (decided by field name) last. */
export const SENSITIVE_DETECTORS: readonly SensitiveDetector[] = [
  cnIdCardDetector,
  cnMobileDetector,
  cnLandlineDetector,
  cnUsccDetector,
  passportDetector,
  cnHkMacauPermitDetector,
  bankCardDetector,
  creditCardDetector,
  cnLicensePlateDetector,
  emailDetector,
  ibanDetector,
  usSsnDetector,
  ipv4Detector,
  ipv6Detector,
  jwtDetector,
  privateKeyDetector,
  awsAccessKeyDetector,
  githubTokenDetector,
  slackTokenDetector,
  stripeKeyDetector,
  googleApiKeyDetector,
  bearerTokenInUrlDetector,
  cnNameDetector,
  cnAddressDetector,
  passwordDetector,
  secretDetector,
];

/** The built-in detector with this id, or undefined. */
export function detectorById(id: string): SensitiveDetector | undefined {
  return SENSITIVE_DETECTORS.find((d) => d.id === id);
}
