/**
 * NoSQL (MongoDB-style) injection: query operators where a plain value belongs — JSON keys such as `$ne`, `$gt`,
 * `$regex`, `$where`, parameter names such as `password[$ne]`, operator objects inside string values, and
 * server-side JavaScript in `$where`-style values (`this.password`, `sleep(`, `';return true;`).
 * Rule ids `nosql_injection.<what>`.
 */
import { ALL_PARTS, CharClass, type AttackDetector, type ScanValue } from '../attack.types.ts';

const OPERATORS = new Set([
  '$ne', '$gt', '$gte', '$lt', '$lte', '$eq', '$in', '$nin', '$regex', '$where', '$exists', '$expr', '$or', '$and',
  '$not', '$nor', '$elemmatch', '$function', '$accumulator', '$options', '$type', '$size', '$all', '$mod', '$text',
  '$jsonschema', '$lookup', '$function',
]);

/** Detects NoSQL operator injection. */
export const nosqlDetector: AttackDetector = {
  family: 'nosql_injection',
  needs: CharClass.Dollar | CharClass.Quote,
  triggers: [],
  parts: ALL_PARTS,
  detect(v: ScanValue): string | null {
    const s = v.lower;
    if (v.input.isName) {
      if (OPERATORS.has(s)) return 'nosql_injection.operator_key';
      const b = s.indexOf('[$');
      if (b >= 0) {
        const e = s.indexOf(']', b);
        if (e > b && OPERATORS.has(s.slice(b + 1, e))) return 'nosql_injection.operator_param';
      }
      return null;
    }
    if (v.mask & CharClass.Dollar) {
      const m = /\{\s*["']?(\$[a-z]+)["']?\s*:/.exec(s);
      if (m !== null && OPERATORS.has(m[1])) return 'nosql_injection.operator_object';
      if (/\$where\b/.test(s)) return 'nosql_injection.where_clause';
    }
    if (v.mask & CharClass.Quote && /['"]\s*(;|&&|\|\|)\s*(return\s+(true|1)|this\.[a-z_]+|sleep\s*\(|db\.[a-z]+|while\s*\(\s*true)/.test(s)) return 'nosql_injection.js_injection';
    return null;
  },
};
