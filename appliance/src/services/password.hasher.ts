/** Password hashing with argon2id (@node-rs/argon2) and the password rules the UI shows. */
import { hash, verify } from '@node-rs/argon2';

/** Minimum password length. */
export const MIN_PASSWORD_LENGTH = 10;

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

/** Problems with a new password (empty when acceptable). */
export function passwordProblems(password: string, username: string): string[] {
  const out: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) out.push(`at least ${MIN_PASSWORD_LENGTH} characters`);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3) out.push('at least three of: lower case, upper case, digits, symbols');
  if (username.length > 0 && password.toLowerCase().includes(username.toLowerCase())) out.push('must not contain the user name');
  return out;
}
