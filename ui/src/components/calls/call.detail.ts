// Pure parts of the call detail view: the call and findings `GET /calls/:id` answers with, the names of the capture
// flags set on a call and of its highest detection severity (tested in tests/unit/ui/call.detail.test.ts).
import { txFlagNames } from '../../../../appliance/src/engine/transaction.types.ts';
import { SEVERITY_RANKS } from '../../../../appliance/src/store/events/call-event.types.ts';
import type { CallView } from '../../lib/api/api.types.ts';
import type { Finding } from '../inventory/inventory.types.ts';

/** `GET /calls/:id`: every stored column of the call and the findings it counts in. */
export interface CallDetailView {
  call: CallView & { flags: number };
  findings: Finding[];
}

/** The capture flags of `flags` by name (`Gap`, `Truncated`, …), in bit order; names key `call.flag.<name>`. */
export function callFlags(flags: number): string[] {
  return txFlagNames(flags);
}

/** The severity name of a call's highest detection rank (1 info … 5 critical), null for 0 or an unknown rank. */
export function severityName(rank: number): string | null {
  for (const [name, r] of Object.entries(SEVERITY_RANKS)) if (r === rank) return name;
  return null;
}

/** The attacker-view link of a client address or identity. */
export function traceLink(seed: { ip: string } | { identity: string }): string {
  return 'ip' in seed ? `/threats/trace?ip=${encodeURIComponent(seed.ip)}` : `/threats/trace?identity=${encodeURIComponent(seed.identity)}`;
}
