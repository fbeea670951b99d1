/** User policies and the notify/block actions they raised. */
import type { StateDatabase } from './state.database.ts';
import type { Policy, PolicyAction, PolicyInput } from '../../policies/policy.types.ts';

interface Row {
  id: number;
  name: string;
  description: string;
  enabled: number;
  builtin_key: string | null;
  conditions: string;
  actions: string;
  updated_at: number;
}

function toPolicy(r: Row): Policy {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    enabled: r.enabled === 1,
    builtin: r.builtin_key !== null,
    ...(r.builtin_key !== null ? { builtinKey: r.builtin_key } : {}),
    conditions: JSON.parse(r.conditions) as Policy['conditions'],
    actions: JSON.parse(r.actions) as Policy['actions'],
    updatedAt: r.updated_at,
  };
}

/** A recorded policy action. */
export interface PolicyEvent extends PolicyAction {
  id: number;
  at: number;
}

/** Stores policies. */
export class PoliciesRepository {
  constructor(private readonly db: StateDatabase) {}

  list(): Policy[] {
    return (this.db.prepare('SELECT * FROM policies ORDER BY id').all() as Row[]).map(toPolicy);
  }

  get(id: number): Policy | undefined {
    const r = this.db.prepare('SELECT * FROM policies WHERE id = ?').get(id) as Row | undefined;
    return r === undefined ? undefined : toPolicy(r);
  }

  /** Inserts a policy; `builtinKey` marks a shipped one (inserted once: an existing key is left as the user edited it). */
  insert(p: PolicyInput, nowMs: number, builtinKey: string | null = null): number | null {
    const r = this.db
      .prepare('INSERT INTO policies (name, description, enabled, builtin_key, conditions, actions, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (builtin_key) DO NOTHING')
      .run(p.name, p.description, p.enabled ? 1 : 0, builtinKey, JSON.stringify(p.conditions), JSON.stringify(p.actions), nowMs);
    return r.changes === 0 ? null : Number(r.lastInsertRowid);
  }

  update(id: number, p: PolicyInput, nowMs: number): boolean {
    return (
      this.db
        .prepare('UPDATE policies SET name = ?, description = ?, enabled = ?, conditions = ?, actions = ?, updated_at = ? WHERE id = ?')
        .run(p.name, p.description, p.enabled ? 1 : 0, JSON.stringify(p.conditions), JSON.stringify(p.actions), nowMs, id).changes > 0
    );
  }

  /** Deletes a user policy (built-in ones cannot be deleted); false when there was none. */
  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM policies WHERE id = ? AND builtin_key IS NULL').run(id).changes > 0;
  }

  /** Records an action a policy raised. */
  recordEvent(a: PolicyAction, atMs: number): number {
    return Number(
      this.db
        .prepare('INSERT INTO policy_events (at, policy_id, policy_name, host, method, path, client, identity, severity, evidence, notify, block_minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(atMs, a.policyId, a.policyName, a.host, a.method, a.path, a.client, a.identity, a.severity, a.evidence, JSON.stringify(a.notify), a.blockMinutes).lastInsertRowid,
    );
  }

  /** Recent actions, newest first. */
  events(limit = 200): PolicyEvent[] {
    const rows = this.db.prepare('SELECT * FROM policy_events ORDER BY id DESC LIMIT ?').all(Math.min(limit, 5000)) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: Number(r.id),
      at: Number(r.at),
      policyId: Number(r.policy_id),
      policyName: String(r.policy_name),
      tsUs: Number(r.at) * 1000,
      host: String(r.host),
      method: String(r.method),
      path: String(r.path),
      client: String(r.client),
      identity: String(r.identity),
      severity: String(r.severity),
      evidence: String(r.evidence),
      notify: JSON.parse(String(r.notify)) as number[],
      blockMinutes: r.block_minutes === null ? null : Number(r.block_minutes),
    }));
  }
}
