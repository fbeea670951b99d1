/**
 * Email notifier: sends the alert through the shared SMTP mailer (mail/smtp.mailer.ts) as plain text plus a simple
 * HTML table (every value HTML-escaped: evidence comes from traffic), with the subject in English or simplified
 * Chinese by the channel's `language`. SMTP failures keep the mailer's explanation in words.
 */
import { z } from 'zod';
import { createMailer, MailError, SmtpSettingsSchema, type Mailer } from '../../mail/smtp.mailer.ts';
import { alertFields, alertText, alertTitle, alertUrl, TEST_TYPE, testAlert, type AlertLanguage } from '../alert.format.ts';
import type { Alert } from '../alert.types.ts';
import { NotifierError, type Notifier, type NotifierContext, type NotifierPlugin, type SendResult } from '../notifier.types.ts';

/** Email settings: the SMTP server, the recipients and the language. */
export const EmailSettingsSchema = z.object({
  smtp: SmtpSettingsSchema,
  to: z.array(z.email().max(320)).min(1).max(50),
  language: z.enum(['en', 'zh-CN']).default('en'),
});

/** Validated email settings. */
export type EmailSettings = z.infer<typeof EmailSettingsSchema>;

const SUBJECT_PREFIX: Record<AlertLanguage, { alert: string; test: string }> = {
  en: { alert: '[API Radar]', test: '[API Radar] Test message' },
  'zh-CN': { alert: '【API Radar】', test: '【API Radar】测试消息' },
};

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** The subject line of `a` in `lang`. */
export function emailSubject(a: Alert, lang: AlertLanguage): string {
  const p = SUBJECT_PREFIX[lang];
  return a.type === TEST_TYPE ? p.test : `${p.alert}${lang === 'en' ? ' ' : ''}${alertTitle(a, lang)}`.slice(0, 250);
}

/** The HTML body: the title and a two-column table; the link only when it is an http(s) URL. */
export function emailHtml(a: Alert, lang: AlertLanguage, publicUrl: string): string {
  const url = alertUrl(a, publicUrl);
  const rows = alertFields(a, lang, publicUrl)
    .map(([k, v]) => {
      const cell = v === url && /^https?:\/\//.test(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` : escapeHtml(v);
      return `<tr><th style="text-align:left;padding:4px 12px 4px 0;vertical-align:top;color:#555">${escapeHtml(k)}</th><td style="padding:4px 0;white-space:pre-wrap;word-break:break-all">${cell}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(emailSubject(a, lang))}</title></head><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222"><h2 style="font-size:16px">${escapeHtml(alertTitle(a, lang))}</h2><table style="border-collapse:collapse">${rows}</table></body></html>`;
}

/** A configured email channel. */
export class EmailNotifier implements Notifier {
  private mailer: Mailer | null = null;

  constructor(
    private readonly s: EmailSettings,
    private readonly ctx: NotifierContext,
  ) {}

  async send(alert: Alert): Promise<SendResult> {
    this.mailer ??= createMailer(this.s.smtp);
    const lang = this.s.language;
    try {
      const r = await this.mailer.send({
        to: this.s.to,
        subject: emailSubject(alert, lang),
        text: alertText(alert, lang, this.ctx.publicUrl),
        html: emailHtml(alert, lang, this.ctx.publicUrl),
        headers: { 'X-API-Radar-Alert': alert.type },
      });
      if (r.accepted.length === 0) throw new NotifierError('The SMTP server accepted none of the recipients.', 1, false, r.rejected.join(', '));
      return { attempts: 1, detail: `message ${r.messageId} accepted for ${r.accepted.length} recipient(s)${r.rejected.length > 0 ? `, rejected for ${r.rejected.join(', ')}` : ''}` };
    } catch (err) {
      if (err instanceof MailError) throw new NotifierError(err.message, 1, err.transient, err.detail);
      throw err;
    }
  }

  test(): Promise<SendResult> {
    return this.send(testAlert(this.ctx.now()));
  }

  close(): void {
    this.mailer?.close();
    this.mailer = null;
  }
}

/** The email plug-in. */
export const plugin: NotifierPlugin<EmailSettings> = {
  kind: 'email',
  label: { en: 'Email', 'zh-CN': '电子邮件' },
  settings: EmailSettingsSchema,
  secretFields: ['smtp.password'],
  create: (s, ctx) => new EmailNotifier(s, ctx),
};
