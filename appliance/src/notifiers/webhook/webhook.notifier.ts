/**
 * Webhook notifier: POSTs the alert as JSON. With a secret, each request carries
 * `X-API-Radar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` so the receiver can check both
 * origin and freshness. Network errors, timeouts, 429 and 5xx answers are retried with exponential backoff; other
 * 4xx answers are not (the request itself is wrong).
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { z } from 'zod';
import { alertPayload, testAlert } from '../alert.format.ts';
import type { Alert } from '../alert.types.ts';
import { NotifierError, type Notifier, type NotifierContext, type NotifierPlugin, type SendResult } from '../notifier.types.ts';

/** Name of the signature header. */
export const SIGNATURE_HEADER = 'x-api-radar-signature';

const HeaderName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'letters, digits and - only');

/** Webhook settings. */
export const WebhookSettingsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  /** HMAC key; '' sends unsigned requests. */
  secret: z.string().max(256).default(''),
  /** Extra request headers (e.g. an API key the receiver wants); their values are secrets like `secret`. */
  headers: z.record(HeaderName, z.string().max(1000).regex(/^[^\r\n]*$/, 'one line')).default({}),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  /** Retries after the first try. */
  retries: z.number().int().min(0).max(10).default(3),
  /** First retry delay; doubled each time. */
  backoffMs: z.number().int().min(1).max(60_000).default(1000),
  /** Accept a self-signed certificate at the receiver. */
  allowSelfSigned: z.boolean().default(false),
});

/** Validated webhook settings. */
export type WebhookSettings = z.infer<typeof WebhookSettingsSchema>;

/** The signature header value for `body` at unix second `t`. */
export function signWebhook(secret: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

interface Answer {
  status: number;
  text: string;
}

function post(s: WebhookSettings, body: string, headers: Record<string, string>): Promise<Answer> {
  const u = new URL(s.url);
  const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    timeout: s.timeoutMs,
    rejectUnauthorized: !s.allowSelfSigned,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), s.timeoutMs);
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 2048) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, 300) });
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    req.end(body);
  });
}

function explainNetwork(e: NodeJS.ErrnoException, url: string): string {
  const host = new URL(url).host;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `Nothing accepted a connection at ${host}. Check the URL and that the receiver is running.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The name in ${host} could not be resolved. Check the URL and the appliance's DNS settings.`;
    case 'ETIMEDOUT':
      return `${host} did not answer in time. Check the URL, the receiver and any firewall in between.`;
    case 'ECONNRESET':
      return `${host} closed the connection before answering.`;
    default:
      if (/certificate|self[- ]signed|SSL|TLS/i.test(e.message)) return `The TLS connection to ${host} failed (${e.message}). Check the certificate, or allow self-signed certificates.`;
      return `Sending to ${host} failed: ${e.message}`;
  }
}

/** A configured webhook. */
export class WebhookNotifier implements Notifier {
  constructor(
    private readonly s: WebhookSettings,
    private readonly ctx: NotifierContext,
  ) {}

  async send(alert: Alert): Promise<SendResult> {
    const body = JSON.stringify(alertPayload(alert, this.ctx.publicUrl, this.ctx.version));
    let lastError = '';
    let lastDetail = '';
    for (let attempt = 1; attempt <= this.s.retries + 1; attempt++) {
      if (attempt > 1) await this.ctx.sleep(this.s.backoffMs * 2 ** (attempt - 2));
      const headers: Record<string, string> = { ...this.s.headers, 'user-agent': `API-Radar/${this.ctx.version}` };
      if (this.s.secret !== '') headers[SIGNATURE_HEADER] = signWebhook(this.s.secret, Math.floor(this.ctx.now() / 1000), body);
      let answer: Answer;
      try {
        answer = await post(this.s, body, headers);
      } catch (err) {
        lastError = explainNetwork(err as NodeJS.ErrnoException, this.s.url);
        lastDetail = String((err as Error).message);
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return { attempts: attempt, detail: `HTTP ${answer.status}` };
      lastDetail = `HTTP ${answer.status} ${answer.text}`.trim();
      if (answer.status >= 500 || answer.status === 429) {
        lastError = `The receiver answered ${answer.status} (a server-side problem).`;
        continue;
      }
      if (answer.status >= 300 && answer.status < 400) throw new NotifierError(`The receiver answered ${answer.status} (a redirect, not followed); put the final URL in the settings.`, attempt, false, lastDetail);
      const why = answer.status === 401 || answer.status === 403 ? 'it refused the request: check the secret or the extra headers it expects' : answer.status === 404 ? 'check the URL path' : 'it rejected the request';
      throw new NotifierError(`The receiver answered ${answer.status}; ${why}. Not retried.`, attempt, false, lastDetail);
    }
    throw new NotifierError(`${lastError} Gave up after ${this.s.retries + 1} tries.`, this.s.retries + 1, true, lastDetail);
  }

  test(): Promise<SendResult> {
    return this.send(testAlert(this.ctx.now()));
  }

  close(): void {}
}

/** The webhook plug-in. */
export const plugin: NotifierPlugin<WebhookSettings> = {
  kind: 'webhook',
  label: { en: 'Webhook (JSON)', 'zh-CN': 'Webhook（JSON）' },
  settings: WebhookSettingsSchema,
  secretFields: ['secret', 'headers.*'],
  create: (s, ctx) => new WebhookNotifier(s, ctx),
};
