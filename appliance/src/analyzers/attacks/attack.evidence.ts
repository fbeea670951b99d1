/**
 * Evidence text of an attack detection: where the payload was (part and name), a short excerpt of the decoded
 * payload with control and bidirectional-override characters replaced, long digit runs, e-mail addresses and
 * token-like strings masked, and secret-named fields not shown at all — then the rule id and the grading reason.
 * Consumers render it as text, never as HTML.
 */
import type { AttackMatch } from './attack.types.ts';

/** Longest payload excerpt in evidence, in characters. */
export const MAX_EXCERPT = 80;

const SECRET_NAME = /(pass(word|wd)?|pwd|secret|token|api[-_]?key|auth|session|credential|card|cvv|pin$|idcard|ssn)/i;

/** `s` with control characters, DEL, C1 controls and bidi overrides replaced by a space. */
export function stripControl(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || (c >= 127 && c < 160) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f || c === 0xfeff) out += ' ';
    else out += s[i];
  }
  return out;
}

/** Masks values that may be personal or secret inside a payload excerpt. */
export function maskExcerpt(s: string): string {
  return s
    .replace(/[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\.[A-Za-z0-9.-]+)/g, (_m, domain: string) => `***@${domain}`)
    .replace(/[A-Za-z0-9+/_-]{24,}={0,2}/g, (m) => `${m.slice(0, 4)}***`)
    .replace(/\d{6,}/g, (m) => `${m.slice(0, 2)}${'*'.repeat(m.length - 4)}${m.slice(-2)}`);
}

/** A short, safe excerpt of a matched payload (or a placeholder for secret-named fields). */
export function payloadExcerpt(m: AttackMatch): string {
  if (m.input.name !== '' && SECRET_NAME.test(m.input.name) && !m.input.isName) return `<${m.text.length} characters, not shown: secret field>`;
  let t = stripControl(m.text).replace(/ {2,}/g, ' ').trim();
  if (t.length > MAX_EXCERPT) t = t.slice(0, MAX_EXCERPT - 1) + '…';
  return maskExcerpt(t);
}

/** Where a match was: `query "id"`, `header "User-Agent"`, `path`, `json key "x"`. */
export function placeText(m: AttackMatch): string {
  const name = stripControl(m.input.name).slice(0, 40);
  const part = m.input.isName ? `${m.input.part} name` : m.input.part;
  return name === '' ? part : `${part} "${maskExcerpt(name)}"`;
}

/** The evidence text of one match with its grading reason. */
export function evidenceText(m: AttackMatch, reason: string): string {
  return `${m.family} in ${placeText(m)}: ${payloadExcerpt(m)} (rule ${m.rule}); ${reason}`;
}
