/**
 * Raw sensitive values: kept only while the user enabled raw storage (settings → retention → `storeRawSensitive`,
 * off by default), at most {@link RAW_PER_FIELD} per endpoint × field × type, encrypted at rest with AES-256-GCM under
 * a key file in the data directory (`sensitive-raw.key`, mode 0600, made on first use). Listing shows masked forms
 * only; revealing one value is an admin-only action written to the audit log (who, which sample, when), refused with
 * `raw_storage_off` while storage is off. Switching storage off deletes every sample; samples older than the
 * retention age are deleted too. Raw values never go to logs, reports or exports: they leave this service only as the
 * answer to a reveal.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawSample } from '../analyzers/sensitive/sensitive.analyzer.ts';
import type { RawSampleRow, SensitiveRawRepository } from '../store/sqlite/sensitive-raw.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { Principal } from './auth.service.ts';
import { ApiError } from '../errors/error.catalogue.ts';

/** Raw values kept per endpoint × field × type (the analyzers keep as many per run). */
export const RAW_PER_FIELD = 3;

const KEY_FILE = 'sensitive-raw.key';
const DAY_MS = 86_400_000;

/** The two settings the service follows (read on every call, so a change applies at once). */
export interface RawStorageSettings {
  storeRawSensitive: boolean;
  /** Retention age in days (0: no age limit). */
  maxAgeDays: number;
}

/** Stores, lists and reveals raw sensitive samples; see the file header. */
export class SensitiveRawService {
  private key: Buffer | null = null;

  constructor(
    private readonly repo: SensitiveRawRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    private readonly dataDir: string,
    private readonly settings: () => RawStorageSettings,
  ) {}

  /** Raw values the pipelines should keep per endpoint × field × type: {@link RAW_PER_FIELD} when storage is on, else 0. */
  perField(): number {
    return this.settings().storeRawSensitive ? RAW_PER_FIELD : 0;
  }

  /** Stores the samples of a finished analysis (nothing while storage is off); returns how many were new. */
  store(samples: readonly RawSample[]): number {
    if (!this.settings().storeRawSensitive) return 0;
    this.expire();
    const key = this.encryptionKey();
    const macKey = createHmac('sha256', key).update('sensitive-raw value mac').digest();
    const rows = [];
    for (const g of samples) {
      for (const v of g.values.slice(0, RAW_PER_FIELD)) {
        rows.push({
          host: g.host, method: g.method, path: g.path, direction: g.direction, location: g.location, field: g.field, typeId: g.type,
          masked: v.masked,
          valueMac: createHmac('sha256', macKey).update(v.raw).digest('hex'),
          ciphertext: encrypt(key, v.raw),
          seenUs: v.seenUs,
        });
      }
    }
    return this.repo.insert(rows, RAW_PER_FIELD, this.clock.now() * 1000);
  }

  /** Stored samples, masked forms only, newest first; empty (and purged) while storage is off. */
  list(filter: { typeId?: string; host?: string; limit?: number } = {}): { enabled: boolean; samples: RawSampleRow[] } {
    if (!this.settings().storeRawSensitive) {
      this.repo.deleteAll();
      return { enabled: false, samples: [] };
    }
    this.expire();
    return { enabled: true, samples: this.repo.list({ typeId: filter.typeId, host: filter.host, limit: filter.limit ?? 100 }) };
  }

  /**
   * The raw value of sample `id` for an admin: audited (`sensitive.raw_reveal`, with the sample's endpoint, field and
   * type, never the value). `raw_storage_off` while storage is off, `not_found` for an unknown or expired sample.
   */
  reveal(id: number, who: Principal, ip: string): { id: number; typeId: string; masked: string; value: string } {
    if (who.role !== 'admin') throw new ApiError('forbidden');
    if (!this.settings().storeRawSensitive) {
      this.repo.deleteAll();
      throw new ApiError('raw_storage_off');
    }
    this.expire();
    const s = this.repo.get(id);
    if (s === null) throw new ApiError('not_found');
    const value = decrypt(this.encryptionKey(), s.ciphertext);
    this.audit.append({
      at: this.clock.now(),
      userId: who.userId,
      username: who.username,
      action: 'sensitive.raw_reveal',
      target: `sensitive_sample:${id}`,
      ip,
      detail: { typeId: s.typeId, host: s.host, method: s.method, path: s.path, direction: s.direction, location: s.location, field: s.field, masked: s.masked },
    });
    return { id, typeId: s.typeId, masked: s.masked, value };
  }

  /** Follows a settings change: storage switched off deletes every sample. Returns how many were deleted. */
  settingsChanged(): number {
    return this.settings().storeRawSensitive ? this.expire() : this.repo.deleteAll();
  }

  /** Deletes samples older than the retention age; returns how many. */
  private expire(): number {
    const days = this.settings().maxAgeDays;
    if (days <= 0) return 0;
    return this.repo.deleteStoredBefore((this.clock.now() - days * DAY_MS) * 1000);
  }

  /** The AES-256 key, read from (or first written to) the data directory. */
  private encryptionKey(): Buffer {
    if (this.key !== null) return this.key;
    const path = join(this.dataDir, KEY_FILE);
    if (!existsSync(path)) writeFileSync(path, randomBytes(32), { mode: 0o600, flag: 'wx' });
    const key = readFileSync(path);
    if (key.length !== 32) throw new Error(`${KEY_FILE} must hold 32 bytes`);
    this.key = key;
    return key;
  }
}

/** nonce (12) | tag (16) | AES-256-GCM ciphertext of `text`. */
function encrypt(key: Buffer, text: string): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  const data = Buffer.concat([c.update(text, 'utf8'), c.final()]);
  return Buffer.concat([nonce, c.getAuthTag(), data]);
}

function decrypt(key: Buffer, blob: Buffer): string {
  const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
  d.setAuthTag(blob.subarray(12, 28));
  return Buffer.concat([d.update(blob.subarray(28)), d.final()]).toString('utf8');
}
