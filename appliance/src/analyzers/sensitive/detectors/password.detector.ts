/**
 * Password, by field name only (password, passwd, pwd, pass, passcode, 密码, 口令, ...): any non-empty value that
 * is not a JSON literal (true/false/null) and not already masked ("******"). Stored only as a fingerprint.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { FieldHint } from '../field.hints.ts';
import { isMaskedValue, pushMatch } from '../detector.helpers.ts';

const MAX_LEN = 1024;

/** True for values a credential field can hold that are not credentials: empty, JSON literals, masked. */
export function isPlaceholderValue(v: string): boolean {
  return v.length === 0 || v === 'true' || v === 'false' || v === 'null' || v === 'undefined' || isMaskedValue(v);
}

/** The `password` detector. */
export const passwordDetector: SensitiveDetector = {
  id: 'password',
  label: { en: 'Password', zh: '密码' },
  defaultLevel: 4,
  kind: 'field',
  secret: true,
  locations: ALL_LOCATIONS,
  prefilter: null,
  triggerHints: FieldHint.Password,
  find(text, ctx, out) {
    if ((ctx.hints & FieldHint.Password) === 0) return 0;
    const v = text.trim();
    if (isPlaceholderValue(v) || v.length > MAX_LEN) return 0;
    return pushMatch(out, 'password', v, 0, text.length, 0.9);
  },
};
