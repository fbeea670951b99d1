/**
 * A small SQL tokenizer for injection detection. It reads a (lower-cased) value as SQL starting in one of three
 * contexts: as code, or as if the value were pasted inside a single- or double-quoted string literal or a backtick
 * identifier (so the first matching quote ends it — the "quote break" an injection needs). Block comments are dropped (MySQL
 * `/*! ... *\/` bodies are kept as code), `--` and `#` end the input. Bounded to {@link MAX_SQL_TOKENS} tokens.
 *
 * Token kinds (one character each, so sequences can be checked as strings):
 *   s string   n number   k keyword   b boolean operator (and, or, xor, &&, ||)   f word followed by "("
 *   w other word   v @variable   o operator   ( ) , ;   c comment
 */

/** Most tokens read from one value in one context. */
export const MAX_SQL_TOKENS = 64;

const KEYWORDS = new Set([
  'select', 'union', 'from', 'where', 'insert', 'into', 'update', 'delete', 'drop', 'create', 'alter', 'exec',
  'execute', 'declare', 'shutdown', 'truncate', 'waitfor', 'delay', 'grant', 'table', 'database', 'order', 'group',
  'by', 'having', 'limit', 'offset', 'like', 'rlike', 'regexp', 'glob', 'collate', 'notnull', 'isnull', 'between',
  'is', 'in', 'null', 'not', 'case', 'when', 'then', 'else', 'end', 'all', 'distinct', 'top', 'values', 'set',
  'procedure', 'outfile', 'dumpfile', 'escape', 'as', 'join', 'exists', 'true', 'false', 'any', 'some', 'div',
  'mod', 'sounds', 'similar', 'ilike', 'unlikely', 'likelihood', 'load', 'data', 'infile', 'print', 'except',
  'intersect', 'analyse',
]);

const BOOLEAN = new Set(['and', 'or', 'xor', '&&', '||']);

/** Tokens of one value in one context. */
export interface SqlTokens {
  /** One kind character per token. */
  kinds: string;
  /** Token text (words, keywords, operators, numbers; '' for strings and punctuation). */
  values: string[];
}

function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}

function isWordChar(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === 36 || c === 46;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 160 || c === 43;
}

const OPERATOR_CHARS = '=<>!|&+-*/%^~:';

/** Index after the string literal whose content starts at `i` and that `q` closes (or the text end). */
function stringEnd(s: string, i: number, q: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 92) {
      i += 2;
      continue;
    }
    if (c === q) {
      if (s.charCodeAt(i + 1) === q) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return s.length;
}

/**
 * Tokenizes `s` (lower-cased) starting in context `quote`: 0 for code, 39 or 34 for inside a '...' or "..." literal.
 */
export function tokenizeSql(s: string, quote: 0 | 34 | 39 | 96): SqlTokens {
  let kinds = '';
  const values: string[] = [];
  const push = (k: string, v: string): void => {
    kinds += k;
    values.push(v);
  };
  let i = 0;
  const n = s.length;
  if (quote === 96) {
    const e = s.indexOf('`');
    i = e < 0 ? n : e + 1;
    push('w', '`');
  } else if (quote !== 0) {
    i = stringEnd(s, 0, quote);
    push('s', '');
  }
  while (i < n && kinds.length < MAX_SQL_TOKENS) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 47 && s.charCodeAt(i + 1) === 42) {
      if (s.charCodeAt(i + 2) === 33) {
        i += 3;
        while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
        continue;
      }
      const e = s.indexOf('*/', i + 2);
      if (e < 0) {
        push('c', '/*');
        break;
      }
      i = e + 2;
      continue;
    }
    if (c === 42 && s.charCodeAt(i + 1) === 47) {
      i += 2;
      continue;
    }
    if ((c === 45 && s.charCodeAt(i + 1) === 45) || c === 35) {
      push('c', c === 35 ? '#' : '--');
      break;
    }
    if (c === 39 || c === 34) {
      i = stringEnd(s, i + 1, c);
      push('s', '');
      continue;
    }
    if (c === 96) {
      const e = s.indexOf('`', i + 1);
      i = e < 0 ? n : e + 1;
      push('w', '`');
      continue;
    }
    if (c === 64) {
      let j = i + 1;
      if (s.charCodeAt(j) === 64) j++;
      while (j < n && isWordChar(s.charCodeAt(j))) j++;
      push('v', s.slice(i, j));
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && isWordChar(s.charCodeAt(j))) j++;
      const text = s.slice(i, j);
      push(/^(0x[0-9a-f]+|[0-9]+(\.[0-9]*)?(e[+-]?[0-9]+)?)$/.test(text) ? 'n' : 'w', text);
      i = j;
      continue;
    }
    if (c === 46 && s.charCodeAt(i + 1) >= 48 && s.charCodeAt(i + 1) <= 57) {
      let j = i + 1;
      while (j < n && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
      push('n', s.slice(i, j));
      i = j;
      continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordChar(s.charCodeAt(j))) j++;
      const word = s.slice(i, j);
      i = j;
      let k = j;
      while (k < n && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
      if (BOOLEAN.has(word)) push('b', word);
      else if (s.charCodeAt(k) === 40 && !KEYWORDS.has(word)) push('f', word);
      else push(KEYWORDS.has(word) ? 'k' : 'w', word);
      continue;
    }
    if (c === 40 || c === 41 || c === 44 || c === 59) {
      push(s[i], '');
      i++;
      continue;
    }
    if (OPERATOR_CHARS.indexOf(s[i]) >= 0) {
      let j = i + 1;
      while (j < n && j < i + 3 && OPERATOR_CHARS.indexOf(s[j]) >= 0 && !(s.charCodeAt(j) === 45 && s.charCodeAt(j + 1) === 45)) j++;
      const op = s.slice(i, j);
      push(op === '&&' || op === '||' ? 'b' : 'o', op);
      i = j;
      continue;
    }
    i++;
  }
  return { kinds, values };
}
