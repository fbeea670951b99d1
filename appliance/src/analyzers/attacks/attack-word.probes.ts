/**
 * Whole values that are an attack on their own although they are plain tokens — letters, digits, `-` and `_`, which
 * the extractor and scanner otherwise skip unread: SQL Server and Access schema names (`tempdb`, `Northwind`,
 * `MSysAccessObjects`), `schema_name`, bare SQL operators spelt as words (`xor`, `rlike`) and the integer-overflow
 * probes of numeric parameters (`4294967296`). Looked up after a cheap length and first-character test, so plain
 * values are not lower-cased or sliced.
 */
import type { AttackFamily } from './attack.types.ts';

/** A probe word's family and rule id. */
export interface WordProbe {
  family: AttackFamily;
  rule: string;
}

const SCHEMA: WordProbe = { family: 'sqli', rule: 'sqli.schema_probe' };
const OPERATOR: WordProbe = { family: 'sqli', rule: 'sqli.operator_only' };
const OVERFLOW: WordProbe = { family: 'sqli', rule: 'sqli.integer_overflow' };

/** The probe words, lower-case. */
export const WORD_PROBES: ReadonlyMap<string, WordProbe> = new Map([
  ...['tempdb', 'msdb', 'northwind', 'msysaccessobjects', 'msysobjects', 'msysqueries', 'msysrelationships', 'schema_name', 'information_schema', 'sqlite_master', 'pg_catalog', 'sysobjects', 'syscolumns'].map((w) => [w, SCHEMA] as const),
  ...['xor', 'rlike'].map((w) => [w, OPERATOR] as const),
  // Not 2147483647 and 4294967295: they are common "no limit" sentinels.
  ...['4294967296', '2147483648', '-2147483648', '-2147483649', '9223372036854775808', '18446744073709551616'].map((w) => [w, OVERFLOW] as const),
]);

/** Length and lower-cased first character of every probe word, as `length * 128 + char`. */
const KEYS = new Set([...WORD_PROBES.keys()].map((w) => w.length * 128 + w.charCodeAt(0)));

/** The probe that `s[start, end)` spells (case-insensitively), or null. */
export function wordProbe(s: string, start: number, end: number): WordProbe | null {
  const c = s.charCodeAt(start);
  if (!KEYS.has((end - start) * 128 + (c >= 65 && c <= 90 ? c + 32 : c))) return null;
  return WORD_PROBES.get(s.slice(start, end).toLowerCase()) ?? null;
}
