/**
 * Admin-edited appliance settings other than capture: data retention (call-log age and disk budget, whether raw
 * sensitive values may be stored), system (time zone for schedules and reports, NTP servers), unattended security
 * upgrades (on the appliance image the last two reach the host through host-settings.service.ts) and email (the SMTP
 * server reports and the email notifier use, with "send a test email"). Stored in SQLite, validated with zod, every
 * change audited; the SMTP password is never returned.
 */
import { z } from 'zod';
import type { SettingsRepository } from '../store/sqlite/settings.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { Principal } from './auth.service.ts';
import { createMailer, MailError, SmtpSettingsSchema, type SmtpSettings } from '../mail/smtp.mailer.ts';
import { SMTP_SETTINGS_KEY } from '../reports/report.settings.ts';
import { ApiError } from '../errors/error.catalogue.ts';
import { hostTimeZone } from '../jobs/zoned.time.ts';

/** What GET returns instead of a stored password. */
export const MASKED_SECRET = '********';

/** Retention of the call log. */
export const RetentionSettingsSchema = z.object({
  /** Calls older than this are deleted (1–3650 days). */
  maxAgeDays: z.number().int().min(1).max(3650),
  /** Disk budget of the call log in GiB (0: no budget beyond the age limit). */
  maxGiB: z.number().min(0).max(100_000),
  /** Whether raw sensitive values may be stored (off: only masked forms and fingerprints). */
  storeRawSensitive: z.boolean(),
});
/** Retention settings. */
export type RetentionSettings = z.infer<typeof RetentionSettingsSchema>;

const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone').concat(['UTC']));
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Whether `s` is an NTP server the host accepts: an IPv4 address or a DNS host name (RFC 1123 labels; not all
 * digits). The same rule as `valid_host` in image-build/overlay/usr/lib/api-radar/host-validate.sh, which checks the
 * value again as root.
 */
export function isNtpServer(s: string): boolean {
  if (s.length > 253) return false;
  return IPV4.test(s) || (HOST_NAME.test(s) && !/^[\d.]+$/.test(s));
}

/** System settings. */
export const SystemSettingsSchema = z.object({
  /** IANA time zone of schedules and reports, e.g. `Asia/Shanghai`. */
  timezone: z.string().refine((t) => TIME_ZONES.has(t), 'not an IANA time zone'),
  /** NTP servers for systemd-timesyncd (host names or IPv4 addresses). */
  ntpServers: z.array(z.string().max(253).refine(isNtpServer, 'not a host name or IPv4 address')).max(8),
});
/** System settings. */
export type SystemSettings = z.infer<typeof SystemSettingsSchema>;

/** Unattended security upgrades of the appliance's Debian packages. */
export const UpgradeSettingsSchema = z.object({
  /** Whether unattended-upgrades installs Debian security updates daily (no automatic reboot). */
  automaticSecurityUpdates: z.boolean(),
});
/** Upgrade settings. */
export type UpgradeSettings = z.infer<typeof UpgradeSettingsSchema>;

/** On by default: the appliance faces hostile traffic, and Debian's security origin alone is upgraded. */
export const DEFAULT_UPGRADES: UpgradeSettings = { automaticSecurityUpdates: true };

/** Defaults before the wizard sets them. */
export const DEFAULT_RETENTION: RetentionSettings = { maxAgeDays: 30, maxGiB: 0, storeRawSensitive: false };
/** Defaults before the wizard sets them. */
export const DEFAULT_SYSTEM: SystemSettings = { timezone: TIME_ZONES.has(hostTimeZone()) ? hostTimeZone() : 'UTC', ntpServers: ['pool.ntp.org'] };

/** Reads and writes the retention and system settings. */
export class SettingsService {
  private readonly systemListeners: Array<(s: SystemSettings) => void> = [];
  private readonly upgradesListeners: Array<(u: UpgradeSettings) => void> = [];
  private readonly retentionListeners: Array<(r: RetentionSettings) => void> = [];

  constructor(
    private readonly repo: SettingsRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  private read<T>(key: string, schema: z.ZodType<T>, defaults: T): T {
    const parsed = schema.safeParse({ ...(defaults as object), ...(this.repo.get<object>(key) ?? {}) });
    return parsed.success ? parsed.data : defaults;
  }

  private write(key: string, value: unknown, who: Principal, ip: string): void {
    this.repo.set(key, value, this.clock.now());
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: `settings.${key}`, target: key, ip, detail: value as Record<string, unknown> });
  }

  retention(): RetentionSettings {
    return this.read('retention', RetentionSettingsSchema, DEFAULT_RETENTION);
  }

  setRetention(v: RetentionSettings, who: Principal, ip: string): RetentionSettings {
    this.write('retention', v, who, ip);
    for (const l of this.retentionListeners) l(this.retention());
    return this.retention();
  }

  /** The SMTP settings with the password masked; null until set. */
  email(): (SmtpSettings & { passwordSet: boolean }) | null {
    const r = SmtpSettingsSchema.safeParse(this.repo.get<unknown>(SMTP_SETTINGS_KEY));
    if (!r.success) return null;
    return { ...r.data, password: r.data.password === '' ? '' : MASKED_SECRET, passwordSet: r.data.password !== '' };
  }

  /** Stores SMTP settings; a password of `********` keeps the stored one. */
  setEmail(v: SmtpSettings, who: Principal, ip: string): SmtpSettings & { passwordSet: boolean } {
    const stored = SmtpSettingsSchema.safeParse(this.repo.get<unknown>(SMTP_SETTINGS_KEY));
    const password = v.password === MASKED_SECRET ? (stored.success ? stored.data.password : '') : v.password;
    this.repo.set(SMTP_SETTINGS_KEY, { ...v, password }, this.clock.now());
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'settings.email', target: 'email', ip, detail: { host: v.host, port: v.port, security: v.security, username: v.username, from: v.from } });
    return this.email()!;
  }

  /**
   * Sends a test email with the stored settings (or `override`, password `********` meaning the stored one) to `to`.
   * ApiError `mail_failed` with the reason in words when the server refuses.
   */
  async testEmail(to: string[], override: SmtpSettings | undefined, language: 'en' | 'zh-CN'): Promise<{ messageId: string; accepted: string[] }> {
    const stored = SmtpSettingsSchema.safeParse(this.repo.get<unknown>(SMTP_SETTINGS_KEY));
    let settings: SmtpSettings;
    if (override !== undefined) settings = { ...override, password: override.password === MASKED_SECRET && stored.success ? stored.data.password : override.password };
    else if (stored.success) settings = stored.data;
    else throw new ApiError('validation_failed', [{ path: 'smtp', message: 'no SMTP server is set' }], 'Set the SMTP server first.');
    const mailer = createMailer(settings);
    const zh = language === 'zh-CN';
    try {
      const r = await mailer.send({
        to,
        subject: zh ? 'API Radar 测试邮件' : 'API Radar test email',
        text: zh ? '这是一封来自 API Radar 的测试邮件：邮件设置可以正常工作。' : 'This is a test email from API Radar: the email settings work.',
        headers: { 'X-API-Radar': 'test' },
      });
      return { messageId: r.messageId, accepted: r.accepted };
    } catch (err) {
      if (err instanceof MailError) throw new ApiError('mail_failed', { reason: err.code }, err.message);
      throw err;
    } finally {
      mailer.close();
    }
  }

  system(): SystemSettings {
    return this.read('system', SystemSettingsSchema, DEFAULT_SYSTEM);
  }

  setSystem(v: SystemSettings, who: Principal, ip: string): SystemSettings {
    this.write('system', v, who, ip);
    const now = this.system();
    for (const l of this.systemListeners) l(now);
    return now;
  }

  /** Calls `listener` after each change of the retention settings (raw sensitive samples go when their switch goes off). */
  onRetentionChange(listener: (r: RetentionSettings) => void): void {
    this.retentionListeners.push(listener);
  }

  /** Calls `listener` after each change of the system settings (the scheduler and pipelines follow the time zone). */
  onSystemChange(listener: (s: SystemSettings) => void): void {
    this.systemListeners.push(listener);
  }

  upgrades(): UpgradeSettings {
    return this.read('upgrades', UpgradeSettingsSchema, DEFAULT_UPGRADES);
  }

  setUpgrades(v: UpgradeSettings, who: Principal, ip: string): UpgradeSettings {
    this.write('upgrades', v, who, ip);
    const now = this.upgrades();
    for (const l of this.upgradesListeners) l(now);
    return now;
  }

  /** Calls `listener` after each change of the upgrade settings. */
  onUpgradesChange(listener: (u: UpgradeSettings) => void): void {
    this.upgradesListeners.push(listener);
  }
}
