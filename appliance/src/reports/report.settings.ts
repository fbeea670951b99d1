/**
 * Where reports find their settings in the state database: the SMTP server (`mail.smtp`, shared with the email
 * notifier) and the appliance's time zone (the `timezone` of the `system` settings, edited by PUT /settings/system;
 * falling back to the process's zone).
 */
import { SmtpSettingsSchema, type SmtpSettings } from '../mail/smtp.mailer.ts';
import { hostTimeZone, isValidTimeZone } from '../jobs/zoned.time.ts';

/** Settings key of the SMTP settings. */
export const SMTP_SETTINGS_KEY = 'mail.smtp';
/** Settings key of the system settings, whose `timezone` is the appliance's IANA time zone. */
export const TIME_ZONE_KEY = 'system';

/** The reader these functions need (the settings repository). */
export interface SettingsReader {
  get<T>(key: string): T | undefined;
}

/** The stored SMTP settings, or null when missing or invalid. */
export function smtpSettingsFrom(settings: SettingsReader): SmtpSettings | null {
  const parsed = SmtpSettingsSchema.safeParse(settings.get<unknown>(SMTP_SETTINGS_KEY));
  return parsed.success ? parsed.data : null;
}

/** The appliance's time zone: the stored one when valid, else the process's (TZ), else UTC. */
export function applianceTimeZone(settings: SettingsReader): string {
  const stored = settings.get<{ timezone?: unknown }>(TIME_ZONE_KEY)?.timezone;
  return typeof stored === 'string' && isValidTimeZone(stored) ? stored : hostTimeZone();
}
