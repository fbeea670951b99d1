// Independent parsers for the syslog tests: RFC 6587 octet-counting frames, RFC 5424 messages (header, structured
// data with escapes, message) and CEF records (header fields split on unescaped |, extension unescaped).
/** Splits an RFC 6587 octet-counted stream into messages; throws on a bad frame. */
export function unframe(stream: Buffer): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < stream.length) {
    const sp = stream.indexOf(0x20, i);
    const len = Number(stream.subarray(i, sp).toString('ascii'));
    if (sp < 0 || !Number.isInteger(len) || len <= 0) throw new Error(`bad frame at ${i}`);
    out.push(stream.subarray(sp + 1, sp + 1 + len).toString('utf8'));
    i = sp + 1 + len;
  }
  return out;
}

/** An RFC 5424 message taken apart. */
export interface Syslog5424 {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: Map<string, Map<string, string>> | null;
  msg: string;
}

/** Parses one RFC 5424 message strictly (header, structured data with escapes, message). */
export function parse5424(line: string): Syslog5424 {
  const m = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(line);
  if (m === null) throw new Error(`not RFC 5424: ${line}`);
  let i = m[0].length;
  let sd: Map<string, Map<string, string>> | null = null;
  if (line[i] === '-') i++;
  else {
    sd = new Map();
    while (line[i] === '[') {
      i++;
      const idEnd = line.indexOf(' ', i);
      const id = line.slice(i, idEnd);
      i = idEnd;
      const params = new Map<string, string>();
      while (line[i] === ' ') {
        i++;
        const eq = line.indexOf('="', i);
        const name = line.slice(i, eq);
        i = eq + 2;
        let v = '';
        while (line[i] !== '"') {
          if (line[i] === '\\' && '"\\]'.includes(line[i + 1])) {
            v += line[i + 1];
            i += 2;
          } else if (line[i] === ']' || i >= line.length) throw new Error('unescaped ] in SD value');
          else v += line[i++];
        }
        i++;
        params.set(name, v);
      }
      if (line[i] !== ']') throw new Error(`bad SD at ${i}`);
      i++;
      sd.set(id, params);
    }
  }
  let msg = line[i] === ' ' ? line.slice(i + 1) : line.slice(i);
  if (msg.startsWith('\uFEFF')) msg = msg.slice(1);
  return { pri: Number(m[1]), version: Number(m[2]), timestamp: m[3], hostname: m[4], appName: m[5], procId: m[6], msgId: m[7], sd, msg };
}

/** A CEF record taken apart. */
export interface Cef {
  version: string;
  vendor: string;
  product: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  severity: string;
  ext: Map<string, string>;
}

/** Parses a CEF record: 7 header fields split on unescaped `|`, then `key=value` pairs with CEF unescaping. */
export function parseCef(s: string): Cef {
  const fields: string[] = [];
  let cur = '';
  let i = 0;
  while (fields.length < 7) {
    if (i >= s.length) throw new Error('short CEF header');
    const c = s[i];
    if (c === '\\' && (s[i + 1] === '|' || s[i + 1] === '\\')) {
      cur += s[i + 1];
      i += 2;
    } else if (c === '|') {
      fields.push(cur);
      cur = '';
      i++;
    } else {
      cur += c;
      i++;
    }
  }
  // Extension: walk left to right keeping escapes; an unescaped space followed by `key=` starts the next pair.
  const ext = new Map<string, string>();
  const rest = s.slice(i);
  let key = /^([A-Za-z0-9_]+)=/.exec(rest);
  if (key === null && rest !== '') throw new Error('extension does not start with key=');
  let j = key === null ? rest.length : key[0].length;
  let value = '';
  while (key !== null) {
    if (j >= rest.length) {
      ext.set(key[1], value);
      break;
    }
    const c = rest[j];
    if (c === '\\') {
      const n = rest[j + 1];
      value += n === 'n' ? '\n' : n === 'r' ? '\r' : n;
      j += 2;
      continue;
    }
    const next = c === ' ' ? /^ ([A-Za-z0-9_]+)=/.exec(rest.slice(j)) : null;
    if (next !== null) {
      ext.set(key[1], value);
      key = next;
      value = '';
      j += next[0].length;
      continue;
    }
    if (c === '=') throw new Error(`unescaped = in the value of ${key[1]}`);
    value += c;
    j++;
  }
  const [version, vendor, product, deviceVersion, signatureId, name, severity] = fields;
  return { version, vendor, product, deviceVersion, signatureId, name, severity, ext };
}

