/**
 * SQL injection: reads the value as SQL in three contexts (code, inside '...', inside "...") with the SQL
 * tokenizer and looks for the token sequences an injection needs — UNION SELECT, stacked statements, tautologies
 * after a boolean operator, a quote break followed by SQL operators or a comment, time-delay and file/error
 * functions, SELECT ... FROM, ORDER BY probing — plus schema-probe identifiers. Rule ids `sqli.<what>`.
 */
import { ALL_PARTS, CharClass, type AttackDetector, type ScanValue } from '../attack.types.ts';
import { tokenizeSql, type SqlTokens } from '../sql.tokenizer.ts';
import { WORD_PROBES } from '../attack-word.probes.ts';

const TIME_FUNCTIONS = new Set(['sleep', 'benchmark', 'pg_sleep', 'randomblob', 'dbms_lock.sleep', 'dbms_pipe.receive_message', 'sys.dbms_lock.sleep']);
const DANGER_FUNCTIONS = new Set([
  'extractvalue', 'updatexml', 'load_file', 'xp_cmdshell', 'sys_eval', 'sys_exec', 'utl_inaddr.get_host_address',
  'utl_http.request', 'database', 'schema_name', 'db_name', 'user_name', 'current_database', 'version',
  'xmltype', 'dbms_xmlgen.getxml', 'lo_get', 'lo_import', 'pg_read_file', 'group_concat', 'information_schema',
  'is_srvrolemember', 'exp', 'gtid_subset', 'json_keys', 'sqlite_version', 'md5', 'char', 'chr', 'ascii',
  'substring', 'substr', 'mid', 'ord', 'hex', 'unhex', 'concat', 'concat_ws', 'count', 'length', 'if', 'iif',
  'ifnull', 'nullif', 'coalesce', 'cast', 'convert', 'pg_sleep', 'now', 'sysdate',
]);
/** Functions that are SQL-specific enough to flag on their own (the rest need a quote break or boolean context). */
const STRONG_FUNCTIONS = new Set([
  'extractvalue', 'updatexml', 'load_file', 'xp_cmdshell', 'sys_eval', 'sys_exec', 'utl_inaddr.get_host_address',
  'utl_http.request', 'schema_name', 'db_name', 'current_database', 'dbms_xmlgen.getxml', 'lo_get', 'lo_import',
  'pg_read_file', 'is_srvrolemember', 'gtid_subset', 'sqlite_version', 'database',
]);
const SCHEMA_WORDS = [
  'information_schema', 'pg_catalog', 'sysobjects', 'syscolumns', 'sqlite_master', 'mysql.user', 'mysql.db',
  '@@version', 'xp_cmdshell', 'pg_shadow', 'all_tab_columns', 'msysaccessobjects', 'sys.tables', 'sys.objects',
  'pg_user', 'sp_executesql', 'sp_oacreate', 'dba_users', 'sqlite_schema', '@@datadir', '@@hostname', 'msdasql',
  'sqloledb', 'openrowset', 'opendatasource', 'msysaccessobjects', 'msysobjects', 'tempdb', 'msdb',
  '2.2250738585072011e-308', 'northwind', 'schema_name',
];
const PG_CAST = /(\)|[a-z_]+)::(int|integer|text|bigint|varchar|double|numeric|regclass|oid|smallint)\b/;
const LEADING_STATEMENTS = new Set(['delete', 'insert', 'drop', 'alter', 'create', 'truncate', 'exec', 'execute', 'declare', 'update', 'select']);
const STATEMENTS = new Set(['select', 'insert', 'update', 'delete', 'drop', 'create', 'alter', 'exec', 'execute', 'declare', 'shutdown', 'truncate', 'waitfor']);
const COMPARE_KEYWORDS = new Set(['like', 'rlike', 'regexp', 'glob', 'is', 'ilike', 'between', 'in', 'notnull', 'isnull', 'collate', 'sounds', 'similar', 'escape', 'unlikely', 'likelihood']);

/**
 * Values that are nothing but a SQL operator (whitespace collapsed): the fragment an attacker appends to a column or
 * filter name. Single `<`, `>`, `=` and the words `and`, `or`, `like`, `in`, `regexp` are left out — search and
 * filter APIs take them as values.
 */
const OPERATOR_VALUES = new Set([
  '<>', '!=', '==', '>=', '<=', '<=>', '||', '&&', '>>', '<<', '->', '->>', '^=', '!<', '!>', 'xor', 'rlike',
  'is null', 'is not null', 'like null', 'not like', 'not rlike', 'not regexp', 'not in', 'not between', 'sounds like',
  'not null', 'isnull', 'notnull', 'is true', 'is false', 'is unknown',
]);
/** Longest value that can be an {@link OPERATOR_VALUES} entry (with spacing). */
const MAX_OPERATOR_VALUE = 24;

/** Whether the whole value is a bare SQL operator. */
function operatorOnly(s: string): boolean {
  const t = s.trim();
  if (t.length === 0 || t.length > MAX_OPERATOR_VALUE) return false;
  return OPERATOR_VALUES.has(t.indexOf(' ') >= 0 || t.indexOf('\t') >= 0 ? t.split(/\s+/).join(' ') : t);
}

/** Empty inline comments glued to letters (`DR/**\/OP`): removing them joins the pieces into one word. */
const GLUED_COMMENT = /([a-z])\/\*\*\/([a-z])/g;

/** Keywords counted when comments that split words are removed. */
function statementKeywords(t: SqlTokens): number {
  let kw = 0;
  for (let i = 0; i < t.kinds.length; i++) if (t.kinds[i] === 'k' && (LEADING_STATEMENTS.has(t.values[i]) || t.values[i] === 'union')) kw++;
  return kw;
}

/** Tokens before `i` are only operators, separators and numbers (the value starts with non-word characters). */
function nonWordPrefix(kinds: string, i: number): boolean {
  for (let j = 0; j < i; j++) {
    const k = kinds[j];
    if (k !== 'o' && k !== ';' && k !== 'n' && k !== ')' && k !== '(') return false;
  }
  return true;
}

const SCHEMA_RE = new RegExp(`(?:^|[^a-z0-9_])(?:${SCHEMA_WORDS.map((w) => w.replace(/[.@]/g, (c) => '\\' + c)).join('|')})(?![a-z0-9_])`);

/** Characters that SQL injection outside plain keyword text needs. */
const SQL_CHARS = CharClass.Quote | CharClass.Paren | CharClass.Sep | CharClass.Hash | CharClass.Dash2 | CharClass.Equals | CharClass.Star | CharClass.Colon;
/** Classes that separate words: keyword-only injections need one. */
const WORD_BREAKS = CharClass.Space | CharClass.Comma | CharClass.Underscore | CharClass.Dot | CharClass.At | CharClass.Slash;
/** Keywords that can make an injection without any of {@link SQL_CHARS}. */
const SQL_WORDS = /@@|tempdb|msdb|northwind|schema_name|e-308|create\s+table|drop\s+table|truncate|values|select|union|sleep|benchmark|waitfor|information_schema|pg_|sys|order\s+by|having|declare|exec|msdasql|sqloledb|openrowset|opendatasource|msys|mysql\.|sqlite_|dba_|all_tab|except|intersect|procedure|outfile|dumpfile|[0-9]\s+(or|and|xor)\s/;

/**
 * Something every token rule needs: a keyword, a boolean operator, a listed function, a comment, a statement
 * separator, or a quote followed by an operator. Values without any skip the tokenizer.
 */
const SQL_SIGNAL = new RegExp(
  `\\b(${[
    'select', 'union', 'except', 'intersect', 'insert', 'update', 'delete', 'drop', 'create', 'alter', 'exec', 'execute',
    'declare', 'shutdown', 'truncate', 'waitfor', 'order', 'group', 'having', 'like', 'rlike', 'regexp', 'glob',
    'collate', 'notnull', 'isnull', 'between', 'is', 'in', 'or', 'and', 'xor', 'not', 'when', 'as', 'from', 'into',
    'procedure', 'database', 'ilike', 'similar', 'mod', 'div', 'unlikely', 'likelihood', 'true', 'false', 'values', 'table',
    ...TIME_FUNCTIONS, ...STRONG_FUNCTIONS,
  ].map((w) => w.replace(/\./g, '\\.')).join('|')})\\b|&&|\\|\\||--|#|\\/\\*|;|['"\`]\\s*\\)*\\s*[=<>!|&^+\\-*/%)~]`,
);

function schemaProbe(lower: string): boolean {
  return SCHEMA_RE.test(lower);
}

function isOperand(k: string): boolean {
  return k === 'n' || k === 's' || k === 'w' || k === 'v';
}

function isEquality(op: string): boolean {
  return op === '=' || op === '==' || op === '<>' || op === '!=' || op === '<=>' || op === '^=';
}

/** A comparison operator at `i` (operator or comparison keyword); `loose` also allows < and >. */
function isComparison(t: SqlTokens, i: number, loose: boolean): boolean {
  const k = t.kinds[i];
  if (k === 'o') return isEquality(t.values[i]) || (loose && /^[<>]=?$/.test(t.values[i]));
  return loose && k === 'k' && COMPARE_KEYWORDS.has(t.values[i]);
}

/** Whether token `i` directly follows the quote break (only closing parentheses between). */
function afterBreak(kinds: string, i: number): boolean {
  for (let j = 1; j < i; j++) if (kinds[j] !== ')') return false;
  return i >= 1;
}

/** The rule a token sequence matches, or null. `quoted` means the sequence starts after a quote break. */
function matchTokens(t: SqlTokens, quoted: boolean): string | null {
  const { kinds, values } = t;
  const n = kinds.length;
  for (let i = 0; i < n; i++) {
    const k = kinds[i];
    const v = values[i];
    if (k === 'k') {
      if (v === 'union' || v === 'except' || v === 'intersect') {
        let j = i + 1;
        while (j < n && (kinds[j] === '(' || values[j] === 'all' || values[j] === 'distinct')) j++;
        if (values[j] === 'select' || (v !== 'union' && (values[j] === 'values' || values[j]?.startsWith('select.')))) return 'sqli.union_select';
      } else if (v === 'select') {
        const nk = kinds[i + 1];
        const nv = values[i + 1];
        if (nk === 'f' || nk === 'v' || (nk === 'o' && nv === '*') || nv === 'null' || nv === 'distinct' || nv === 'top' || nv === 'case') return 'sqli.select';
        if (nk === '(' && (values[i + 2] === 'case' || values[i + 2] === 'select')) return 'sqli.select';
        if (nk === 'w' && TIME_FUNCTIONS.has(nv)) return 'sqli.time_function';
        if ((nk === 'n' || nk === 's') && (kinds[i + 2] === ',' || values[i + 2] === 'from' || i + 2 >= n || kinds[i + 2] === 'c')) return 'sqli.select';
        if (nk === 'w' && values[i + 2] === 'from' && (kinds[i + 3] === 'w' || kinds[i + 3] === 'f') && (values[i + 4] === 'where' || values[i + 4] === 'limit' || kinds[i + 4] === 'c')) return 'sqli.select';
      } else if (v === 'waitfor') {
        if (values[i + 1] === 'delay' || values[i + 1] === 'time') return 'sqli.time_function';
      } else if (v === 'into' && (values[i + 1] === 'outfile' || values[i + 1] === 'dumpfile')) {
        return 'sqli.file_write';
      } else if (v === 'procedure' && values[i + 1] === 'analyse') {
        return 'sqli.function';
      } else if (v === 'database' && kinds[i + 1] === '(') {
        return 'sqli.function';
      } else if ((v === 'exec' || v === 'execute') && i === 0 && (kinds[1] === '(' || kinds[1] === 'v') && (kinds[2] === 'v' || kinds[1] === 'v' || n === 2)) {
        return 'sqli.statement';
      } else if ((v === 'exec' || v === 'execute') && i === 0 && n === 2 && kinds[1] === 'w' && !quoted) {
        return 'sqli.statement';
      } else if (v === 'values' && kinds[i + 1] === '(' && (kinds[i + 2] === 's' || kinds[i + 2] === 'n') && kinds[i + 3] === ',' && (kinds[i + 4] === 's' || kinds[i + 4] === 'n')) {
        return 'sqli.statement';
      } else if ((v === 'create' || v === 'drop' || v === 'truncate') && values[i + 1] === 'table' && kinds[i + 2] === 'w' && (i + 3 >= n || kinds[i + 3] === '(' || kinds[i + 3] === ';' || kinds[i + 3] === 'c') && nonWordPrefix(kinds, i)) {
        return 'sqli.statement';
      } else if ((v === 'div' || v === 'mod') && i === 0 && kinds[1] === '(' && /^\(o?n,o?n\)$/.test(kinds.slice(1))) {
        return 'sqli.function';
      } else if (v === 'as' && !quoted && nonWordPrefix(kinds, i) && (values[i + 1] === 'from' || (values[i + 1] === 'not' && values[i + 2] === 'from'))) {
        return 'sqli.alias_from';
      } else if (v === 'declare' && kinds[i + 1] === 'v') {
        return 'sqli.statement';
      } else if (v === 'as' && i > 0 && (kinds[i - 1] === ')' || values[i - 1] === '`' || kinds[i - 1] === 'n' || kinds[i - 1] === 's') && (kinds[i + 1] === 'w' || kinds[i + 1] === 's') && values[i + 2] === 'from') {
        return 'sqli.alias_from';
      } else if (v === 'when' && i > 0 && kinds[i - 1] === ')' && (kinds[i + 1] === 'n' || kinds[i + 1] === 's') && values[i + 2] === 'then') {
        return 'sqli.case_when';
      } else if ((v === 'alter' || v === 'create') && i === 0 && values[1] === 'table' && (kinds[2] === 'w') && /^(add|change|modify|drop|rename|column|engine)$/.test(values[3] ?? '')) {
        return 'sqli.statement';
      } else if (v === 'having' && i === 0 && (kinds[1] === 'n' || kinds[1] === 's') && isComparison(t, 2, true)) {
        return 'sqli.boolean_injection';
      } else if (v === 'from' && i === 0 && !quoted) {
        let j = 1;
        let named = false;
        while (j < n && j < 6 && (kinds[j] === 'w' || kinds[j] === 'o')) {
          if (kinds[j] === 'w' && (values[j] === '`' || values[j].indexOf('_') >= 0 || values[j].indexOf('.') >= 0)) named = true;
          j++;
        }
        const next = values[j];
        if (j > 1 && ((next === 'where' && kinds[j + 1] === 'w' && isComparison(t, j + 2, true)) || ((next === 'group' || next === 'order') && values[j + 1] === 'by') || (named && (next === 'limit' || next === 'where' || next === 'join')))) return 'sqli.sql_fragment';
      } else if (v === 'order' || v === 'group') {
        if (values[i + 1] === 'by' && i === 0 && n === 2 && !quoted) return 'sqli.order_by';
        if (values[i + 1] === 'by' && kinds[i + 2] === 'n' && (quoted || i === 0 || kinds[i - 1] === 'n') && (i + 3 >= n || kinds[i + 3] === 'c' || kinds[i + 3] === ',')) return 'sqli.order_by';
      }
    } else if (k === 'f') {
      const after = kinds[i + 2];
      const hasArg = kinds[i + 1] === '(' && (after === 'n' || after === 'f' || after === 'v' || after === 's' || after === ')' || after === 'o' || after === 'w' || after === 'k' || after === '(');
      if (kinds[i + 1] === '(' && i + 2 >= n && STRONG_FUNCTIONS.has(v)) return 'sqli.function';
      if (hasArg) {
        const name = v.startsWith('sys.') ? v.slice(4) : v;
        if (TIME_FUNCTIONS.has(name)) return 'sqli.time_function';
        if (STRONG_FUNCTIONS.has(name)) return 'sqli.function';
        if (quoted && DANGER_FUNCTIONS.has(name) && i > 0 && (kinds[i - 1] === 'b' || kinds[i - 1] === 'o' || kinds[i - 1] === '(' || kinds[i - 1] === ';' || kinds[i - 1] === ',')) return 'sqli.function';
      }
    } else if (k === ';') {
      const nv = values[i + 1];
      if (kinds[i + 1] === 'k' && STATEMENTS.has(nv)) {
        const a = values[i + 2] ?? '';
        const ak = kinds[i + 2] ?? '';
        if (nv === 'shutdown' && (ak === '' || ak === 'c' || ak === ';')) return 'sqli.stacked';
        if ((nv === 'drop' || nv === 'create' || nv === 'alter' || nv === 'truncate') && (a === 'table' || a === 'database' || a === 'procedure' || a === 'user' || a === 'function')) return 'sqli.stacked';
        if (nv === 'insert' && a === 'into') return 'sqli.stacked';
        if (nv === 'delete' && a === 'from') return 'sqli.stacked';
        if (nv === 'update' && values[i + 3] === 'set') return 'sqli.stacked';
        if ((nv === 'exec' || nv === 'execute') && (ak === 'w' || ak === 'f' || ak === '(')) return 'sqli.stacked';
        if (nv === 'declare' && ak === 'v') return 'sqli.stacked';
        if (nv === 'select' && (ak === 'f' || ak === 'v' || ak === 'n' || a === '*' || a === 'null')) return 'sqli.stacked';
      }
      if (quoted && i === 1 && (kinds[i + 1] === 'c' || i + 1 >= n || kinds[i + 1] === 'w' || kinds[i + 1] === 'k')) return 'sqli.quote_break';
    } else if (k === 'b') {
      // operand b operand cmp operand: a tautology or contradiction test
      const left = kinds[i - 1];
      const leftOk = quoted ? afterBreak(kinds, i) : left === 'n' || left === 's';
      if (leftOk && i + 3 < n + 0 && isOperand(kinds[i + 1]) && isComparison(t, i + 2, quoted) && isOperand(kinds[i + 3] ?? '')) {
        if (quoted || (kinds[i + 1] !== 'w' && kinds[i + 3] !== 'w')) return 'sqli.tautology';
      }
      if (!quoted && (left === 'n' || left === 's') && (values[i + 1] === 'true' || values[i + 1] === 'false')) return 'sqli.tautology';
      if (!quoted && i === 0 && (kinds[1] === 'n' || kinds[1] === 's') && (kinds[2] === 'c' || (isComparison(t, 2, false) && (kinds[3] === 'n' || kinds[3] === 's')))) return 'sqli.boolean_injection';
      if (quoted && leftOk) {
        const r = kinds[i + 1];
        if (r === 'f' || r === '(' || (r === 'k' && (values[i + 1] === 'not' || values[i + 1] === 'true' || values[i + 1] === 'false' || values[i + 1] === 'exists'))) return 'sqli.boolean_injection';
        if (isOperand(r ?? '') && (i + 2 >= n || kinds[i + 2] === 'c')) return 'sqli.boolean_injection';
        if (isOperand(r ?? '') && isComparison(t, i + 2, true)) return 'sqli.boolean_injection';
        if (r === 'w' && kinds[i + 2] === 'k' && COMPARE_KEYWORDS.has(values[i + 2])) return 'sqli.boolean_injection';
      }
    }
  }
  if (quoted) {
    let j = 1;
    while (j < n && kinds[j] === ')') j++;
    const nk = kinds[j];
    if (nk === 'c' && (j > 1 || n === 2)) return 'sqli.comment_truncation';
    if (n === 2 && kinds[1] === 'b') return 'sqli.boolean_injection';
    if ((nk === 'o' || nk === 'b' || nk === 'k') && kinds[n - 1] === 'c' && n - j <= 12) return 'sqli.quote_break';
    if (nk === 'k' && (values[j] === 'union' || values[j] === 'select' || values[j] === 'alter' || values[j] === 'drop' || values[j] === 'insert' || values[j] === 'delete' || values[j] === 'exec' || values[j] === 'having' || values[j] === 'waitfor') && j + 1 < n && kinds[j + 1] !== 's') return 'sqli.quote_break';
    if (nk === 'k' && COMPARE_KEYWORDS.has(values[j]) && (kinds.indexOf('c', j) > 0 || n - j <= 3)) return 'sqli.operator_injection';
    if (nk === 'o' && isEquality(values[j]) && (kinds[j + 1] === 's' || kinds[j + 1] === 'n')) return 'sqli.tautology';
    if (nk === ',' && kinds.slice(j).match(/^,s(o|,)s/)) return 'sqli.tautology';
  }
  if (!quoted && values[0] === 'in' && kinds[1] === '(' && /^\(n(,o?n)+\)$/.test(kinds.slice(1)) && kinds.length >= 6) return 'sqli.operator_injection';
  if (!quoted && n >= 4 && (kinds[0] === 'n' || kinds[0] === 's') && kinds[1] === 'o' && isEquality(values[1]) && (kinds[2] === 'n' || kinds[2] === 's') && (kinds[3] === 'b' || kinds[3] === 'c')) return 'sqli.tautology';
  if (!quoted && kinds[0] === 'k' && kinds[n - 1] === 'c' && n <= 8 && kinds.indexOf(';') > 0) {
    const a = values[0];
    const b = values[1];
    if ((a === 'delete' && b === 'from') || (a === 'insert' && b === 'into') || ((a === 'drop' || a === 'truncate' || a === 'alter' || a === 'create') && (kinds[1] === 'w' || b === 'table'))) return 'sqli.statement';
  }
  for (let i = 1; i + 2 < n && i <= 3; i++) {
    if (!/^[)b,]*$/.test(kinds.slice(1, i))) break;
    if ((kinds[i] === 's' || kinds[i] === 'n') && quoted && isEquality(values[i + 1] ?? '') && kinds[i + 1] === 'o' && kinds[i + 2] === kinds[i]) return 'sqli.tautology';
  }
  return null;
}

/** A name-like value ending in a lone quote after a space (`admin '`): the quote break of a login bypass. */
const TRAILING_QUOTE = /^[a-z0-9_.@-]+(?: [a-z0-9_.@-]+)? +'$/;

/**
 * Quote forms the three-context tokenizer does not see: a backslash before the quote (`\\'and`, for escaping
 * functions that double the backslash), quotes around an alias before FROM (`6 as" from`), and a trailing quote
 * break after a name.
 */
function quoteVariants(s: string): string | null {
  if (s.length <= 64 && TRAILING_QUOTE.test(s)) return 'sqli.quote_break';
  if (s.indexOf("\\'") >= 0) {
    const r = matchTokens(tokenizeSql(s.replace(/\\'/g, "'"), 39), true);
    if (r !== null) return r;
  }
  if (s.indexOf('as') >= 0 && s.indexOf('from') > 0) {
    const r = matchTokens(tokenizeSql(s.replace(/['"`]/g, ' '), 0), false);
    if (r === 'sqli.alias_from') return r;
  }
  return null;
}

/** Detects SQL injection. */
export const sqliDetector: AttackDetector = {
  family: 'sqli',
  // every keyword a rule needs when the value has no SQL punctuation, schema and probe words, and `e` (1.e.)
  triggers: [
    'select', 'union', 'except', 'intersect', 'waitfor', 'outfile', 'dumpfile', 'procedure', 'exec', 'execute', 'declare',
    'create', 'drop', 'truncate', 'alter', 'having', 'from', 'by', 'values', 'or', 'and', 'xor', 'rlike', 'null', 'like',
    'regexp', 'between', 'sounds', 'isnull', 'notnull', 'is', 'not', 'e', 'mysql', 'sys', 'version',
    ...SCHEMA_WORDS.flatMap((w) => w.split(/[^a-z0-9_]+/)).filter((w) => /[a-z]/.test(w)),
    ...[...WORD_PROBES.keys()].map((w) => w.replace(/^-/, '')),
  ],
  needs: CharClass.Angle | CharClass.Quote | CharClass.Paren | CharClass.Sep | CharClass.Hash | CharClass.Dash2 | CharClass.Equals | CharClass.Comma | CharClass.Star | CharClass.At | CharClass.Underscore | CharClass.Space | CharClass.Colon | CharClass.Dot | CharClass.Backslash,
  parts: ALL_PARTS,
  detect(v: ScanValue): string | null {
    const s = v.lower;
    if (s.length <= MAX_OPERATOR_VALUE && operatorOnly(s)) return 'sqli.operator_only';
    if ((v.mask & SQL_CHARS) === 0) {
      if ((v.mask & WORD_BREAKS) === 0) return s.length >= 4 && s.length <= 40 && schemaProbe(s) ? 'sqli.schema_probe' : null;
      if (!SQL_WORDS.test(s)) return null;
    }
    if (schemaProbe(s)) return 'sqli.schema_probe';
    if (v.mask & CharClass.Colon && s.indexOf('::') > 0 && PG_CAST.test(s)) return 'sqli.pg_cast';
    if (v.mask & CharClass.Star && s.indexOf('/*') >= 0 && /[a-z]\/\*.*?\*\/[a-z@]/.test(s)) {
      const t = tokenizeSql(s, 0);
      let kw = 0;
      for (let i = 0; i < t.kinds.length; i++) if (t.kinds[i] === 'k' && LEADING_STATEMENTS.has(t.values[i])) kw++;
      if (kw >= 1) return 'sqli.comment_obfuscation';
    }
    if (v.mask & CharClass.Star && /\/\*!\d{5}/.test(s)) return 'sqli.comment_obfuscation';
    if (v.mask & CharClass.Star && s.indexOf('*/') > 0) {
      const joined = s.replace(GLUED_COMMENT, '$1$2');
      if (joined !== s && statementKeywords(tokenizeSql(joined, 0)) > statementKeywords(tokenizeSql(s, 0))) return 'sqli.comment_obfuscation';
    }
    if (v.mask & CharClass.Quote) {
      const r = quoteVariants(s);
      if (r !== null) return r;
    }
    if (v.mask & CharClass.Dot && /\d\.e[.(]/.test(s)) return 'sqli.scientific_notation';
    if (v.mask & CharClass.Quote && /(^|\s)(like|rlike|regexp|=|<>|!=)\s*['"`]\s*$/.test(s)) return 'sqli.quote_break';
    if (!SQL_SIGNAL.test(s)) return null;
    const rule = matchTokens(tokenizeSql(s, 0), false);
    if (rule !== null) return rule;
    if (s.indexOf("'") >= 0) {
      const r = matchTokens(tokenizeSql(s, 39), true);
      if (r !== null) return r;
    }
    if (s.indexOf('"') >= 0) {
      const r = matchTokens(tokenizeSql(s, 34), true);
      if (r !== null) return r;
    }
    if (s.indexOf('`') >= 0) {
      const r = matchTokens(tokenizeSql(s, 96), true);
      if (r !== null) return r;
    }
    if (s.indexOf('/*!') >= 0 && /\/\*!\d*\s*(select|union|and|or|from|where)/.test(s)) return 'sqli.comment_obfuscation';
    return null;
  },
};
