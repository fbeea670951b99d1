/**
 * Making traffic-derived text safe for a report: control, bidi-override and zero-width characters removed, length
 * bounded, a last masking pass over long digit runs and long tokens (evidence is masked by the analyzers already;
 * this catches what slipped through), and HTML escaping. Everything from traffic goes through {@link html}.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const LONG_DIGITS = /\d[\d -]{9,}\d/g;
const LONG_TOKEN = /[A-Za-z0-9+/_=.-]{32,}/g;

/** Removes unsafe characters and cuts to `max` characters (an ellipsis marks the cut). */
export function cleanText(s: string, max = 300): string {
  const out = String(s).replace(UNSAFE_CHARS, '');
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

/** Masks long digit runs (keeps the first 3 and last 4 digits) and long tokens (keeps 6 characters). */
export function maskLeftovers(s: string): string {
  return s
    .replace(LONG_DIGITS, (m) => {
      const d = m.replace(/[^\d]/g, '');
      return d.length < 11 ? m : `${d.slice(0, 3)}****${d.slice(-4)}`;
    })
    .replace(LONG_TOKEN, (m) => (/^[a-z]+(?:[./_-][a-z]+)*$/i.test(m) ? m : `${m.slice(0, 6)}…`));
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** Traffic text ready for HTML: cleaned, bounded, escaped. */
export function html(s: string, max = 300): string {
  return escapeHtml(cleanText(s, max));
}

/** Evidence ready for HTML: cleaned, masked once more, bounded, escaped. */
export function evidenceHtml(s: string, max = 200): string {
  return escapeHtml(cleanText(maskLeftovers(cleanText(s, 2000)), max));
}
