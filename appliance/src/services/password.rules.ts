/**
 * The password rules of the appliance, shared by the service (which enforces them) and the UI (which shows them
 * while the user types). Pure code, no dependencies.
 */

/** Minimum password length. */
export const MIN_PASSWORD_LENGTH = 10;

/** A rule a password breaks. */
export type PasswordRule = 'too_short' | 'too_few_classes' | 'contains_username';

/** English wording of each rule (the UI translates by rule id). */
export const PASSWORD_RULE_TEXT: Readonly<Record<PasswordRule, string>> = {
  too_short: `at least ${MIN_PASSWORD_LENGTH} characters`,
  too_few_classes: 'at least three of: lower case, upper case, digits, symbols',
  contains_username: 'must not contain the user name',
};

/** The rules `password` breaks (empty when acceptable). */
export function passwordRuleViolations(password: string, username: string): PasswordRule[] {
  const out: PasswordRule[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) out.push('too_short');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3) out.push('too_few_classes');
  if (username.length > 0 && password.toLowerCase().includes(username.toLowerCase())) out.push('contains_username');
  return out;
}

/** A 0–4 strength score for the meter: length and character variety. */
export function passwordStrength(password: string): number {
  if (password.length === 0) return 0;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  let score = password.length >= MIN_PASSWORD_LENGTH ? 1 : 0;
  if (password.length >= 14) score++;
  if (classes >= 3) score++;
  if (classes === 4 && password.length >= 12) score++;
  return score;
}
