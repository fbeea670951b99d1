/**
 * The block list: addresses and networks that gateways and firewalls should refuse, each with a reason, what put it
 * there (a user, a finding, a policy) and an expiry. Users and the policy engine add entries; expired ones drop out
 * of every export at once and are deleted by `expire()`. Gateways fetch the list with a bearer token (stored as a
 * SHA-256 hash, rotated by an admin) as plain text, an nginx `deny` include or a JSON feed.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ApiError } from '../errors/error.catalogue.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { BlocklistEntry, BlocklistRepository } from '../store/sqlite/blocklist.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { Principal } from '../services/auth.service.ts';
import { cleanText } from '../notifiers/alert.types.ts';
import { parseIpNetwork } from './ip-network.ts';

/** The body of a manual addition. */
export const BlocklistAddSchema = z.object({
  value: z.string().min(1).max(50),
  reason: z.string().trim().min(1).max(200),
  /** Seconds until the entry expires; omitted or null = never. */
  ttlSeconds: z.number().int().min(60).max(10 * 365 * 86_400).nullable().optional(),
});

/** A manual addition, validated. */
export type BlocklistAdd = z.infer<typeof BlocklistAddSchema>;

/** Export formats. */
export type BlocklistFormat = 'plain' | 'nginx' | 'json';

/** An export ready to send. */
export interface BlocklistExport {
  contentType: string;
  body: string;
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** Manages the block list and its exports. */
export class BlocklistService {
  constructor(
    private readonly repo: BlocklistRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Entries in force now. */
  list(): BlocklistEntry[] {
    return this.repo.active(this.clock.now());
  }

  /** Adds (or refreshes) an entry by hand. */
  add(body: BlocklistAdd, who: Principal, ip: string): BlocklistEntry & { created: boolean } {
    const r = this.put(body.value, body.reason, 'manual', who.username, body.ttlSeconds == null ? null : body.ttlSeconds * 1000);
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'blocklist.add', target: `blocklist:${r.id}`, ip, detail: { value: r.value, ttlSeconds: body.ttlSeconds ?? null } });
    return r;
  }

  /**
   * Adds (or refreshes) an entry for the policy engine: `source` names what decided it (`policy:<id>`,
   * `finding:<type>`), `ttlMs` null = never expires. Throws ApiError `validation_failed` for a bad address.
   */
  addAutomatic(value: string, reason: string, source: string, ttlMs: number | null): BlocklistEntry & { created: boolean } {
    return this.put(value, reason, source, 'policy', ttlMs);
  }

  /** Removes entry `id`. */
  remove(id: number, who: Principal, ip: string): void {
    const e = this.repo.get(id);
    if (e === undefined || !this.repo.remove(id)) throw new ApiError('not_found');
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'blocklist.remove', target: `blocklist:${id}`, ip, detail: { value: e.value } });
  }

  /** Deletes expired entries; returns how many. */
  expire(): number {
    return this.repo.deleteExpired(this.clock.now());
  }

  /** Whether an export token exists, and when and by whom it was made (never the token). */
  tokenStatus(): { configured: boolean; createdAt: number | null; createdBy: string | null } {
    const t = this.repo.tokenHash();
    return { configured: t !== undefined, createdAt: t?.createdAt ?? null, createdBy: t?.createdBy ?? null };
  }

  /** Makes a new export token (the old one stops working); returns it once: only its hash is kept. */
  rotateToken(who: Principal, ip: string): string {
    const token = `rbl_${randomBytes(32).toString('base64url')}`;
    this.repo.setTokenHash(sha256(token).toString('hex'), who.username, this.clock.now());
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'blocklist.token_rotate', target: 'blocklist', ip, detail: {} });
    return token;
  }

  /**
   * Checks the `Authorization` header of an export request: `Bearer <token>`, or HTTP Basic with the token as the
   * password (for firewalls that only do Basic). Throws ApiError `blocklist_token_invalid` otherwise.
   */
  authorize(authorization: string | undefined): void {
    const stored = this.repo.tokenHash();
    let presented = '';
    const h = authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(h);
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(h);
    if (bearer !== null) presented = bearer[1];
    else if (basic !== null) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      presented = decoded.slice(decoded.indexOf(':') + 1);
    }
    if (stored === undefined || presented === '' || !timingSafeEqual(sha256(presented), Buffer.from(stored.sha256, 'hex'))) throw new ApiError('blocklist_token_invalid');
  }

  /** The list in force now in `format`. */
  export(format: BlocklistFormat): BlocklistExport {
    const now = this.clock.now();
    const entries = this.repo.active(now);
    if (format === 'plain') return { contentType: 'text/plain; charset=utf-8', body: entries.map((e) => `${e.value}\n`).join('') };
    if (format === 'nginx') {
      const head = `# API Radar block list, ${entries.length} entries, generated ${new Date(now).toISOString()}\n`;
      const lines = entries.map((e) => `deny ${e.value}; # ${e.reason.replace(/[^\x20-\x7e\u00a0-\uffff]/g, ' ')}${e.expiresAt !== null ? ` (until ${iso(e.expiresAt)})` : ''}\n`);
      return { contentType: 'text/plain; charset=utf-8', body: head + lines.join('') };
    }
    const feed = {
      generatedAt: new Date(now).toISOString(),
      count: entries.length,
      entries: entries.map((e) => ({ value: e.value, family: e.family, reason: e.reason, source: e.source, createdAt: iso(e.createdAt), expiresAt: iso(e.expiresAt) })),
    };
    return { contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(feed)}\n` };
  }

  private put(value: string, reason: string, source: string, createdBy: string, ttlMs: number | null): BlocklistEntry & { created: boolean } {
    const net = parseIpNetwork(value);
    if (typeof net === 'string') throw new ApiError('validation_failed', [{ path: 'value', message: net }]);
    const now = this.clock.now();
    const { id, created } = this.repo.upsert({
      value: net.text,
      family: net.family,
      reason: cleanText(reason, 200).trim() || 'no reason given',
      source: cleanText(source, 100),
      createdBy,
      createdAt: now,
      expiresAt: ttlMs === null ? null : now + ttlMs,
    });
    return { ...this.repo.get(id)!, created };
  }
}
