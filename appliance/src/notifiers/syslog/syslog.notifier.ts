/**
 * Syslog notifier: RFC 5424 messages (plain text with structured data, or CEF for SIEMs) over UDP (RFC 5426, one
 * datagram per message), TCP or TLS (RFC 6587 / 5425, octet-counting framing). Stream transports connect per message
 * (alerts are rate-limited, so there are few) and retry with backoff; UDP is fire-and-forget by nature.
 */
import { createSocket } from 'node:dgram';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { z } from 'zod';
import { testAlert } from '../alert.format.ts';
import type { Alert } from '../alert.types.ts';
import { NotifierError, type Notifier, type NotifierContext, type NotifierPlugin, type SendResult } from '../notifier.types.ts';
import { FACILITIES, octetFrame, syslogMessage, type Facility } from './syslog.format.ts';

/** Syslog settings. */
export const SyslogSettingsSchema = z.object({
  host: z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.:_-]+$/, 'a host name or address'),
  port: z.number().int().min(1).max(65535).default(514),
  transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
  format: z.enum(['rfc5424', 'cef']).default('rfc5424'),
  facility: z.enum(Object.keys(FACILITIES) as [Facility, ...Facility[]]).default('local0'),
  /** HOSTNAME field ('' = this machine's name). */
  hostname: z.string().max(255).default(''),
  appName: z.string().max(48).default('api-radar'),
  /** PEM of the CA that signed the receiver's certificate (TLS; '' = the system's CAs). */
  caPem: z.string().max(20_000).default(''),
  /** Accept any certificate (TLS; lab use). */
  allowSelfSigned: z.boolean().default(false),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  /** Retries after the first try (TCP and TLS). */
  retries: z.number().int().min(0).max(10).default(2),
  backoffMs: z.number().int().min(1).max(60_000).default(1000),
  /** Longest message in bytes; longer evidence is cut. */
  maxMessageBytes: z.number().int().min(480).max(65_000).default(8192),
});

/** Validated syslog settings. */
export type SyslogSettings = z.infer<typeof SyslogSettingsSchema>;

function cutBytes(s: string, max: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= max) return s;
  return b.subarray(0, max).toString('utf8').replace(/\uFFFD$/, '');
}

function explain(e: NodeJS.ErrnoException, s: SyslogSettings): string {
  const where = `${s.host}:${s.port} (${s.transport.toUpperCase()})`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `Nothing accepted a connection at ${where}. Check the address, the port and the transport.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The syslog server name ${s.host} could not be resolved.`;
    case 'ETIMEDOUT':
      return `The syslog server ${where} did not answer in time.`;
    default:
      if (/certificate|self[- ]signed|SSL|TLS|alert/i.test(e.message)) return `The TLS connection to ${where} failed (${e.message}). Give the receiver's CA certificate, or allow self-signed certificates.`;
      return `Sending to ${where} failed: ${e.message}`;
  }
}

function sendUdp(s: SyslogSettings, msg: string): Promise<void> {
  const sock = createSocket(isIP(s.host) === 6 ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sock.close();
      reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    }, s.timeoutMs);
    sock.send(Buffer.from(msg, 'utf8'), s.port, s.host, (err) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve();
    });
  });
}

function sendStream(s: SyslogSettings, msg: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let sock: Socket;
    const onConnect = () => sock.end(octetFrame(msg));
    if (s.transport === 'tls') {
      sock = tlsConnect({ host: s.host, port: s.port, servername: isIP(s.host) === 0 ? s.host : undefined, ca: s.caPem !== '' ? s.caPem : undefined, rejectUnauthorized: !s.allowSelfSigned }, onConnect);
    } else {
      sock = tcpConnect({ host: s.host, port: s.port }, onConnect);
    }
    sock.setTimeout(s.timeoutMs, () => sock.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    sock.on('error', reject);
    sock.on('data', () => {});
    sock.on('close', (hadError) => {
      if (!hadError) resolve();
    });
  });
}

/** A configured syslog destination. */
export class SyslogNotifier implements Notifier {
  constructor(
    private readonly s: SyslogSettings,
    private readonly ctx: NotifierContext,
  ) {}

  async send(alert: Alert): Promise<SendResult> {
    const msg = cutBytes(syslogMessage(alert, { facility: this.s.facility, hostname: this.s.hostname !== '' ? this.s.hostname : hostname(), appName: this.s.appName, format: this.s.format, version: this.ctx.version, publicUrl: this.ctx.publicUrl }, this.ctx.now()), this.s.maxMessageBytes);
    const tries = this.s.transport === 'udp' ? 1 : this.s.retries + 1;
    let last: NodeJS.ErrnoException = new Error('not sent');
    for (let attempt = 1; attempt <= tries; attempt++) {
      if (attempt > 1) await this.ctx.sleep(this.s.backoffMs * 2 ** (attempt - 2));
      try {
        if (this.s.transport === 'udp') await sendUdp(this.s, msg);
        else await sendStream(this.s, msg);
        return { attempts: attempt, detail: `${Buffer.byteLength(msg)} bytes over ${this.s.transport.toUpperCase()}` };
      } catch (err) {
        last = err as NodeJS.ErrnoException;
      }
    }
    throw new NotifierError(`${explain(last, this.s)}${tries > 1 ? ` Gave up after ${tries} tries.` : ''}`, tries, true, last.message);
  }

  test(): Promise<SendResult> {
    return this.send(testAlert(this.ctx.now()));
  }

  close(): void {}
}

/** The syslog plug-in. */
export const plugin: NotifierPlugin<SyslogSettings> = {
  kind: 'syslog',
  label: { en: 'Syslog (RFC 5424 / CEF)', 'zh-CN': 'Syslog（RFC 5424 / CEF）' },
  settings: SyslogSettingsSchema,
  secretFields: [],
  create: (s, ctx) => new SyslogNotifier(s, ctx),
};
