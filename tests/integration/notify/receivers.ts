// Real local receivers for the notifier tests, written independently of the code under test: an HTTP webhook
// receiver that answers a planned sequence of statuses, UDP/TCP/TLS syslog listeners that undo octet-counting
// framing, an SMTP server whose messages are parsed by mailparser, and parsers of RFC 5424 and CEF.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createSocket } from 'node:dgram';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** One request the webhook receiver got. */
export interface WebhookHit {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP receiver answering `plan[i]` to the i-th request (the last entry repeats); `hang` never answers. */
export async function startWebhook(plan: Array<number | 'hang'>): Promise<{ url: string; hits: WebhookHit[]; close(): Promise<void> }> {
  const hits: WebhookHit[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const step = plan[Math.min(hits.length - 1, plan.length - 1)];
      if (step === 'hang') return;
      res.writeHead(step, { 'content-type': 'text/plain' });
      res.end(step >= 400 ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Waits until `cond()` holds (polling every 10 ms, at most `ms`). */
export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A UDP syslog listener. */
export async function startUdp(): Promise<{ port: number; messages: string[]; close(): Promise<void> }> {
  const messages: string[] = [];
  const sock = createSocket('udp4');
  sock.on('message', (m) => messages.push(m.toString('utf8')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { port: sock.address().port, messages, close: () => new Promise<void>((r) => sock.close(() => r())) };
}

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

/** A TCP (or TLS with `tls`) syslog listener; `messages` is filled when each connection ends. */
export async function startStream(tls?: { key: Buffer; cert: Buffer }): Promise<{ port: number; messages: string[]; connections: number; close(): Promise<void> }> {
  const state = { port: 0, messages: [] as string[], connections: 0, close: async () => {} };
  const onSocket = (s: Socket) => {
    state.connections++;
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => {
      state.messages.push(...unframe(Buffer.concat(chunks)));
      s.end();
    });
    s.on('error', () => {});
  };
  const server: Server = tls === undefined ? createTcpServer(onSocket) : createTlsServer({ key: tls.key, cert: tls.cert }, onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.port = (server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((r) => server.close(() => r()));
  return state;
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
  const ext = new Map<string, string>();
  const rest = s.slice(i);
  const keyRe = /(?:^| )([A-Za-z0-9_]+)=/g;
  const keys: Array<{ key: string; start: number; valueStart: number }> = [];
  for (let k = keyRe.exec(rest); k !== null; k = keyRe.exec(rest)) {
    if (k.index > 0 && rest[k.index - 1] === '\\') continue;
    keys.push({ key: k[1], start: k.index, valueStart: k.index + k[0].length });
  }
  for (let n = 0; n < keys.length; n++) {
    const raw = rest.slice(keys[n].valueStart, n + 1 < keys.length ? keys[n + 1].start : rest.length);
    ext.set(keys[n].key, raw.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c)));
  }
  const [version, vendor, product, deviceVersion, signatureId, name, severity] = fields;
  return { version, vendor, product, deviceVersion, signatureId, name, severity, ext };
}

/** An SMTP server collecting parsed messages. */
export async function startSmtp(): Promise<{ port: number; mails: ParsedMail[]; close(): Promise<void> }> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    onData(stream, _session, cb) {
      simpleParser(stream).then(
        (m) => {
          mails.push(m);
          cb();
        },
        (err: Error) => cb(err),
      );
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}
