// Real local receivers for the notifier tests, written independently of the code under test: an HTTP webhook
// receiver that answers a planned sequence of statuses, UDP/TCP/TLS syslog listeners that undo octet-counting
// framing, and an SMTP server whose messages are parsed by mailparser.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createSocket } from 'node:dgram';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { unframe } from '../../unit/notify/syslog.parse.ts';

export { parse5424, parseCef, unframe } from '../../unit/notify/syslog.parse.ts';

/** One request the webhook receiver got. */
export interface WebhookHit {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP receiver answering `plan[i]` to the i-th request (the last entry repeats; tests may change `plan`); `hang` never answers. */
export async function startWebhook(plan: Array<number | 'hang'>): Promise<{ url: string; hits: WebhookHit[]; plan: Array<number | 'hang'>; close(): Promise<void> }> {
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
    plan,
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
