/**
 * A reader for the small YAML subset that suricata-verify's test.yaml files use: block mappings, block sequences
 * (also at the parent key's indentation), plain scalars folded over several lines, quoted scalars, `|`/`>` block
 * scalars, simple flow sequences and full-line comments. It exists because the project takes no YAML dependency and
 * index.json drops what the conformance test needs from the checks (version gates, non-`http.*` match keys).
 * It is not a general YAML parser: anchors, tags, flow mappings and multi-document streams are not supported.
 */

/** A parsed YAML value. */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
}

const KEY_RE = /^([^\s:#'"[\]{},-][^:]*?|-[^\s:][^:]*?|'[^']*'|"[^"]*"):(?:\s+(.*)|)$/;

/** Parses `text` into a value; never throws (an unreadable document yields null). */
export function parseYamlSubset(text: string): YamlValue {
  const lines: Line[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const noTab = raw.replace(/\t/g, '  ');
    const trimmed = noTab.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed === '---') continue;
    lines.push({ indent: noTab.length - noTab.trimStart().length, text: stripTrailingComment(trimmed) });
  }
  if (lines.length === 0) return null;
  try {
    return new BlockParser(lines).parseNode(0, lines[0].indent).value;
  } catch {
    return null;
  }
}

/** Removes a ` # comment` tail outside quotes. */
function stripTrailingComment(s: string): string {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      if (i === 0 || s[i - 1] === ' ' || s[i - 1] === ':') quote = c;
    } else if (c === '#' && i > 0 && s[i - 1] === ' ') {
      return s.slice(0, i).trimEnd();
    }
  }
  return s;
}

/** Converts a scalar's source text to its value (quoted → string; ints, floats, booleans, null). */
export function yamlScalar(src: string): YamlValue {
  const s = src.trim();
  if (s.length >= 2 && s[0] === "'" && s[s.length - 1] === "'") return s.slice(1, -1).replace(/''/g, "'");
  if (s.length >= 2 && s[0] === '"' && s[s.length - 1] === '"') return unescapeDouble(s.slice(1, -1));
  if (s.startsWith('[') && s.endsWith(']')) {
    const inner = s.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((p) => yamlScalar(p));
  }
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  if (/^[-+]?\d+$/.test(s)) return Number.parseInt(s, 10);
  if (/^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(s)) return Number.parseFloat(s);
  return s;
}

function unescapeDouble(s: string): string {
  return s.replace(/\\(["\\/nrt0]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '0':
        return '\0';
      case 'x':
      case 'u':
        return String.fromCharCode(Number.parseInt(e.slice(1), 16));
      default:
        return e;
    }
  });
}

class BlockParser {
  private pos = 0;
  constructor(private readonly lines: Line[]) {}

  /** Parses the node whose first line is at `this.pos` (or `start`) with indentation `indent`. */
  parseNode(start: number, indent: number): { value: YamlValue } {
    this.pos = start;
    const first = this.lines[start];
    if (first.text === '-' || first.text.startsWith('- ')) return { value: this.parseSequence(indent) };
    if (KEY_RE.test(first.text)) return { value: this.parseMapping(indent) };
    return { value: this.parseFoldedScalar(indent) };
  }

  private parseSequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos];
      if (line.indent !== indent || !(line.text === '-' || line.text.startsWith('- '))) break;
      const rest = line.text === '-' ? '' : line.text.slice(2).trimStart();
      if (rest === '') {
        this.pos++;
        out.push(this.parseChildOrNull(indent, false));
        continue;
      }
      // "- key: value" opens a mapping whose keys sit at the column of "key".
      const itemIndent = indent + (line.text.length - rest.length);
      this.lines[this.pos] = { indent: itemIndent, text: rest };
      out.push(this.parseNode(this.pos, itemIndent).value);
    }
    return out;
  }

  private parseMapping(indent: number): { [key: string]: YamlValue } {
    const out: { [key: string]: YamlValue } = {};
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos];
      if (line.indent !== indent) break;
      const m = KEY_RE.exec(line.text);
      if (m === null) break;
      const key = String(yamlScalar(m[1]));
      const rest = (m[2] ?? '').trim();
      this.pos++;
      if (rest === '') out[key] = this.parseChildOrNull(indent, true);
      else if (rest === '|' || rest === '>' || rest === '|-' || rest === '>-') out[key] = this.parseBlockScalar(indent, rest);
      else out[key] = this.continuePlain(indent, rest);
    }
    return out;
  }

  /** The value under a `key:` or `-` line: a deeper block, a sequence at the same indentation (keys only), or null. */
  private parseChildOrNull(indent: number, allowSameIndentSeq: boolean): YamlValue {
    if (this.pos >= this.lines.length) return null;
    const next = this.lines[this.pos];
    const isSeq = next.text === '-' || next.text.startsWith('- ');
    if (next.indent > indent || (allowSameIndentSeq && isSeq && next.indent === indent)) {
      return this.parseNode(this.pos, next.indent).value;
    }
    return null;
  }

  /** A plain or quoted scalar, folding deeper continuation lines into it with single spaces. */
  private continuePlain(indent: number, first: string): YamlValue {
    let text = first;
    while (this.pos < this.lines.length && this.lines[this.pos].indent > indent && !KEY_RE.test(this.lines[this.pos].text)) {
      text += ' ' + this.lines[this.pos].text;
      this.pos++;
    }
    return yamlScalar(text);
  }

  private parseFoldedScalar(indent: number): YamlValue {
    let text = this.lines[this.pos].text;
    this.pos++;
    while (this.pos < this.lines.length && this.lines[this.pos].indent >= indent && !KEY_RE.test(this.lines[this.pos].text)) {
      text += ' ' + this.lines[this.pos].text;
      this.pos++;
    }
    return yamlScalar(text);
  }

  private parseBlockScalar(indent: number, style: string): string {
    const parts: string[] = [];
    while (this.pos < this.lines.length && this.lines[this.pos].indent > indent) {
      parts.push(this.lines[this.pos].text);
      this.pos++;
    }
    const body = parts.join(style.startsWith('|') ? '\n' : ' ');
    return style.endsWith('-') ? body : body + '\n';
  }
}
