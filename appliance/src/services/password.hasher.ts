/** Password hashing with argon2id (@node-rs/argon2), and the password rules (password.rules.ts) as words. */
import { hash, verify } from '@node-rs/argon2';
import { PASSWORD_RULE_TEXT, passwordRuleViolations } from './password.rules.ts';

/** Hashes a password with argon2id (OWASP-recommended memory and time costs). */
export function hashPassword(password: string): Promise<string> {
  // algorithm 2 = Argon2id
  return hash(password, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

/** Whether `password` matches `stored` (false on a malformed hash). */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Problems with a new password, in words (empty when acceptable). */
export function passwordProblems(password: string, username: string): string[] {
  return passwordRuleViolations(password, username).map((r) => PASSWORD_RULE_TEXT[r]);
}
