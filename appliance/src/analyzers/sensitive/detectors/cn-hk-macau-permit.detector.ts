/**
 * Exit-entry permit for travelling to Hong Kong and Macau (往来港澳通行证): C (card type) or W (booklet) + 8 digits.
 * Like passports, reported only where the field name says permit or a document number.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { FieldHint } from '../field.hints.ts';
import { MAX_MATCHES_PER_TEXT, confidenceFor, pushMatch } from '../detector.helpers.ts';

const RE = /(?<![A-Za-z0-9])[CW][0-9]{8}(?![A-Za-z0-9])/g;
const LEVELS = { base: 0.55, hinted: 0.95, notSensitive: 0.25, otherType: 0.45 };

/** The `cn_hk_macau_permit` detector. */
export const cnHkMacauPermitDetector: SensitiveDetector = {
  id: 'cn_hk_macau_permit',
  label: { en: 'Hong Kong/Macau travel permit number', zh: '往来港澳通行证号' },
  defaultLevel: 4,
  kind: 'value',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.Upper, minDigitRun: 8 },
  triggerHints: 0,
  find(text, ctx, out) {
    RE.lastIndex = 0;
    let added = 0;
    let m: RegExpExecArray | null;
    while (added < MAX_MATCHES_PER_TEXT && (m = RE.exec(text)) !== null) {
      const c = (ctx.hints & FieldHint.IdCard) !== 0 && (ctx.hints & FieldHint.Permit) === 0 ? 0.8 : confidenceFor(ctx, FieldHint.Permit, LEVELS);
      added += pushMatch(out, 'cn_hk_macau_permit', m[0], m.index, m.index + 9, c);
    }
    return added;
  },
};
