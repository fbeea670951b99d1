/**
 * Admin-edited appliance settings other than capture: data retention (call-log age and disk budget, whether raw
 * sensitive values may be stored) and system (time zone for schedules and reports, NTP servers). Stored in SQLite,
 * validated with zod, every change audited.
 */
import { z } from 'zod';
import type { SettingsRepository } from '../store/sqlite/settings.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { Principal } from './auth.service.ts';

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
const NTP_SERVER = /^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9-]{1,63})*$|^\d{1,3}(\.\d{1,3}){3}$/i;

/** System settings. */
export const SystemSettingsSchema = z.object({
  /** IANA time zone of schedules and reports, e.g. `Asia/Shanghai`. */
  timezone: z.string().refine((t) => TIME_ZONES.has(t), 'not an IANA time zone'),
  /** NTP servers for systemd-timesyncd (host names or IPv4 addresses). */
  ntpServers: z.array(z.string().max(253).regex(NTP_SERVER, 'not a host name or address')).max(8),
});
/** System settings. */
export type SystemSettings = z.infer<typeof SystemSettingsSchema>;

/** Defaults before the wizard sets them. */
export const DEFAULT_RETENTION: RetentionSettings = { maxAgeDays: 30, maxGiB: 0, storeRawSensitive: false };
/** Defaults before the wizard sets them. */
export const DEFAULT_SYSTEM: SystemSettings = { timezone: 'UTC', ntpServers: ['pool.ntp.org'] };

/** Reads and writes the retention and system settings. */
export class SettingsService {
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
    return this.retention();
  }

  system(): SystemSettings {
    return this.read('system', SystemSettingsSchema, DEFAULT_SYSTEM);
  }

  setSystem(v: SystemSettings, who: Principal, ip: string): SystemSettings {
    this.write('system', v, who, ip);
    return this.system();
  }
}
