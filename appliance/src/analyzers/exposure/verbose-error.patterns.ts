/**
 * Signatures of verbose errors in responses: stack traces of Java, Python, Node.js, .NET, PHP and Go, and error
 * messages of SQL databases (MySQL, PostgreSQL, Oracle, SQL Server, SQLite, DB2) that leak internals to clients.
 * Each signature names its platform; a response is tested against all of them in one pass per regex.
 */

/** One verbose-error signature. */
export interface VerboseErrorSignature {
  /** e.g. `java`, `python`, `node`, `dotnet`, `php`, `go`, `sql`. */
  platform: string;
  /** Short name shown in evidence. */
  name: string;
  re: RegExp;
}

/** The built-in signatures, most specific first. */
export const VERBOSE_ERROR_SIGNATURES: readonly VerboseErrorSignature[] = [
  { platform: 'java', name: 'Java stack trace', re: /\bat (?:[a-zA-Z_$][\w$]*\.){2,}[\w$<>]+\((?:[\w$]+\.java:\d+|Native Method|Unknown Source)\)/ },
  { platform: 'java', name: 'Java exception', re: /\b(?:java|javax|jakarta|org\.springframework|org\.hibernate)\.[\w.$]*(?:Exception|Error)\b(?::|\s+at\b)/ },
  { platform: 'python', name: 'Python traceback', re: /Traceback \(most recent call last\):|File "[^"\n]{1,300}", line \d+, in \w+/ },
  { platform: 'node', name: 'Node.js stack trace', re: /\bat (?:[\w$.<>]+ )?\(?(?:\/[^\s():]{1,300}\.(?:js|mjs|cjs|ts)|node:internal\/[\w/]+|file:\/\/[^\s()]{1,300}):\d+:\d+\)?/ },
  { platform: 'dotnet', name: '.NET stack trace', re: /\bat [\w.`<>]+\([^)\n]{0,300}\) in [^\n]{1,300}\.cs:line \d+|\bSystem\.(?:[A-Z]\w+\.)*[A-Z]\w*Exception\b:|Server Error in '[^'\n]{0,200}' Application/ },
  { platform: 'php', name: 'PHP error', re: /\b(?:Fatal error|Parse error|Warning|Notice|Deprecated)<\/b>?:? .{1,300} on line <b>?\d+|PHP (?:Fatal error|Warning|Parse error|Notice):|Stack trace:\s*#0 [^\n]{1,300}\.php\(\d+\)|\bUncaught (?:\w+\\)*\w*Exception\b/ },
  { platform: 'go', name: 'Go panic', re: /\bpanic: [^\n]{1,300}\n+goroutine \d+ \[[\w ]+\]:|\bgoroutine \d+ \[running\]:\n/ },
  { platform: 'sql', name: 'MySQL error', re: /You have an error in your SQL syntax|\bmysqli?_(?:fetch|query|num_rows|connect)\w*\(|\bMySqlException\b|com\.mysql\.jdbc|SQLSTATE\[\w+\]/ },
  { platform: 'sql', name: 'PostgreSQL error', re: /\bPG::[A-Z]\w+Error\b|\bpsycopg2?\.(?:errors\.)?\w+Error\b|\bERROR:\s+(?:syntax error at or near|relation "[^"\n]{1,100}" does not exist|column "[^"\n]{1,100}" does not exist)|org\.postgresql\.util\.PSQLException/ },
  { platform: 'sql', name: 'Oracle error', re: /\bORA-\d{5}:|\bPLS-\d{5}:|oracle\.jdbc\.\w+/ },
  { platform: 'sql', name: 'SQL Server error', re: /Unclosed quotation mark after the character string|Incorrect syntax near\b|Microsoft OLE DB Provider for SQL Server|System\.Data\.SqlClient\.SqlException|\[SQL Server\]/ },
  { platform: 'sql', name: 'SQLite error', re: /\bSQLite3?::\w+Exception\b|\bsqlite3\.OperationalError\b|SQLITE_ERROR|near "[^"\n]{1,60}": syntax error/ },
  { platform: 'sql', name: 'DB2 error', re: /\bDB2 SQL error:|\bSQLCODE=-\d+/ },
];

/** The first verbose-error signature found in `text`, with the matched snippet (at most 120 characters). */
export function findVerboseError(text: string, signatures: readonly VerboseErrorSignature[] = VERBOSE_ERROR_SIGNATURES): { signature: VerboseErrorSignature; snippet: string } | null {
  for (const sig of signatures) {
    const m = sig.re.exec(text);
    if (m !== null) {
      // eslint-disable-next-line no-control-regex
      const snippet = m[0].replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 120);
      return { signature: sig, snippet };
    }
  }
  return null;
}

/** Cheap pre-test: the text may contain a signature (avoids running every regex on ordinary bodies). */
export function mayHaveVerboseError(text: string): boolean {
  return /(?:at |Traceback|Exception|Error|error|panic:|goroutine|ORA-|PLS-|SQLSTATE|SQL|sqlite|line \d|Warning|Notice|Deprecated|Unclosed quotation|Incorrect syntax|mysql)/.test(text);
}
