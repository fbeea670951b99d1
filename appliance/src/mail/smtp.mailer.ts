/**
 * Outgoing email over SMTP (nodemailer), shared by the email notifier and the scheduled report delivery: the SMTP
 * settings schema the wizard and settings pages edit, a mailer built from them, and SMTP failures explained in words
 * a user understands (shown in the UI next to "send a test email" and in the report delivery history).
 */
import type { Transporter } from 'nodemailer';
import { z } from 'zod';

/** TLS mode: `tls` = implicit TLS (usually port 465); `starttls` = upgrade required; `none` = plain (lab use only). */
export const SmtpSecurity = z.enum(['tls', 'starttls', 'none']);

/** SMTP settings as stored (the password is write-only in the API and never echoed back). */
export const SmtpSettingsSchema = z.object({
  host: z.string().trim().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  security: SmtpSecurity,
  /** Accept self-signed server certificates (internal relays). */
  allowSelfSigned: z.boolean().default(false),
  username: z.string().max(256).default(''),
  password: z.string().max(1024).default(''),
  /** Sender, e.g. `API Radar <radar@example.com>`. */
  from: z.string().trim().min(3).max(320),
  /** Seconds before a connection or command gives up. */
  timeoutSeconds: z.number().int().min(1).max(300).default(30),
});

/** Validated SMTP settings. */
export type SmtpSettings = z.infer<typeof SmtpSettingsSchema>;

/** One attachment: inline images carry a `cid` that the HTML refers to as `cid:<cid>`. */
export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  cid?: string;
}

/** One message. */
export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  /** Extra headers (e.g. `X-API-Radar-Report`). */
  headers?: Record<string, string>;
}

/** What the server said when it accepted a message. */
export interface MailReceipt {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

/** An SMTP failure with a stable code and an explanation for users. */
export class MailError extends Error {
  override readonly name = 'MailError';
  constructor(
    /** Stable code: `smtp_connect`, `smtp_auth`, `smtp_tls`, `smtp_rejected`, `smtp_timeout`, `smtp_error`. */
    readonly code: string,
    /** Explanation in plain words (English; the UI translates by code). */
    message: string,
    /** Whether retrying later may help (network and 4xx problems) or not (auth, 5xx rejections). */
    readonly transient: boolean,
    /** The server's or the library's own text, for the delivery log. */
    readonly detail: string,
  ) {
    super(message);
  }
}

/** Sends mail with one SMTP configuration. */
export interface Mailer {
  /** Sends one message; throws {@link MailError}. */
  send(msg: MailMessage): Promise<MailReceipt>;
  /** Connects and authenticates without sending (the settings form's "check"); throws {@link MailError}. */
  verify(): Promise<void>;
  /** Closes pooled connections. */
  close(): void;
}

/** Builds a mailer for `settings` (validated by {@link SmtpSettingsSchema}). */
export function createMailer(settings: SmtpSettings): Mailer {
  const s = SmtpSettingsSchema.parse(settings);
  const timeout = s.timeoutSeconds * 1000;
  // nodemailer is imported by the first message or check, not with the service (the appliance's boot pays for
  // every import)
  let transporter: Promise<Transporter> | undefined;
  const options = {
    host: s.host,
    port: s.port,
    secure: s.security === 'tls',
    requireTLS: s.security === 'starttls',
    ignoreTLS: s.security === 'none',
    auth: s.username !== '' ? { user: s.username, pass: s.password } : undefined,
    tls: { rejectUnauthorized: !s.allowSelfSigned },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  };
  const transport = (): Promise<Transporter> => (transporter ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(options)));
  return {
    async send(msg: MailMessage): Promise<MailReceipt> {
      if (msg.to.length === 0) throw new MailError('smtp_no_recipients', 'The message has no recipients.', false, '');
      try {
        const info = await (await transport()).sendMail({
          from: s.from,
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          html: msg.html,
          headers: msg.headers,
          attachments: msg.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType, cid: a.cid })),
        });
        return {
          messageId: String(info.messageId ?? ''),
          accepted: (info.accepted ?? []).map(String),
          rejected: (info.rejected ?? []).map(String),
        };
      } catch (err) {
        throw explainSmtpError(err, s);
      }
    },
    async verify(): Promise<void> {
      try {
        await (await transport()).verify();
      } catch (err) {
        throw explainSmtpError(err, s);
      }
    },
    close(): void {
      void transporter?.then((t) => t.close());
    },
  };
}

/** Maps a nodemailer/socket error to a {@link MailError} with an explanation a user can act on. */
export function explainSmtpError(err: unknown, s: Pick<SmtpSettings, 'host' | 'port' | 'security'>): MailError {
  if (err instanceof MailError) return err;
  const e = (err ?? {}) as { code?: string; responseCode?: number; response?: string; message?: string; command?: string };
  const detail = String(e.response ?? e.message ?? err);
  const where = `${s.host}:${s.port}`;
  const code = e.code ?? '';
  if (code === 'EAUTH' || e.responseCode === 535 || e.responseCode === 534)
    return new MailError('smtp_auth', `The SMTP server ${where} rejected the user name or password.`, false, detail);
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || /timeout/i.test(detail))
    return new MailError('smtp_timeout', `The SMTP server ${where} did not answer in time. Check the address, the port and any firewall between the appliance and the server.`, true, detail);
  if (code === 'ECONNREFUSED')
    return new MailError('smtp_connect', `Nothing accepted a connection at ${where}. Check the server address and port.`, true, detail);
  if (code === 'EDNS' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new MailError('smtp_connect', `The SMTP server name ${s.host} could not be resolved. Check the name and the appliance's DNS settings.`, true, detail);
  if (code === 'ESOCKET' || code === 'ECONNECTION' || code === 'ECONNRESET') {
    if (/certificate|self[- ]signed|SSL|TLS|wrong version/i.test(detail))
      return new MailError('smtp_tls', `The TLS connection to ${where} failed (${s.security === 'tls' ? 'the port may expect STARTTLS instead of TLS' : 'certificate or TLS problem'}). Check the security mode, or allow self-signed certificates for an internal relay.`, false, detail);
    return new MailError('smtp_connect', `The connection to ${where} failed or was closed by the server.`, true, detail);
  }
  if (typeof e.responseCode === 'number') {
    const transient = e.responseCode >= 400 && e.responseCode < 500;
    return new MailError('smtp_rejected', `The SMTP server ${where} refused the message (${e.responseCode}). ${transient ? 'It may accept it later.' : 'Check the sender and recipient addresses and the relay permissions.'}`, transient, detail);
  }
  return new MailError('smtp_error', `Sending through ${where} failed: ${detail}`, true, detail);
}
