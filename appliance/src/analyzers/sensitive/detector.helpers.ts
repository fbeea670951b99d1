/**
 * Small helpers shared by the detector plug-ins: appending a match with its masked form, turning field hints into a
 * confidence, and character tests for word boundaries.
 */
import type { DetectContext, SensitiveMatch } from './detector.types.ts';
import { FieldHint, TYPE_HINTS } from './field.hints.ts';
import { mask } from './masking.ts';

/** Appends a match (masked per its type) to `out`; returns 1 so `find` can sum what it added. */
export function pushMatch(out: SensitiveMatch[], type: string, value: string, start: number, end: number, confidence: number): number {
  out.push({ type, value, start, end, confidence, masked: mask(type, value) });
  return 1;
}

/** Confidence levels of one detector: without hint, with a matching hint, in a look-alike field, in a field naming another type. */
export interface ConfidenceLevels {
  base: number;
  hinted: number;
  notSensitive: number;
  otherType: number;
}

/** Picks the confidence for a context from a detector's levels; `positive` are the hints that name this type. */
export function confidenceFor(ctx: DetectContext, positive: number, levels: ConfidenceLevels): number {
  const h = ctx.hints;
  if ((h & positive) !== 0) return levels.hinted;
  if ((h & FieldHint.NotSensitive) !== 0) return levels.notSensitive;
  if ((h & TYPE_HINTS) !== 0) return levels.otherType;
  return levels.base;
}

/** [A-Za-z0-9]. */
export function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Upper bound on matches one detector reports for one text (hostile bodies). */
export const MAX_MATCHES_PER_TEXT = 512;

/** True when every character of `s` is a masking character (`*`, `•`, `●`, `x`, `X`) — an already-masked value. */
export function isMaskedValue(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 42 && c !== 0x2022 && c !== 0x25cf && c !== 120 && c !== 88) return false;
  }
  return true;
}

/**
 * Runs a global regex over `text` and calls `onMatch` for each match (at most {@link MAX_MATCHES_PER_TEXT});
 * `onMatch` returns how many matches it added. Returns the total added.
 */
export function pushRegexMatches(re: RegExp, text: string, onMatch: (m: RegExpExecArray) => number): number {
  re.lastIndex = 0;
  let added = 0;
  let m: RegExpExecArray | null;
  while (added < MAX_MATCHES_PER_TEXT && (m = re.exec(text)) !== null) added += onMatch(m);
  return added;
}
