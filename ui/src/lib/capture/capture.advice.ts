// What the wizard's "check for traffic" result means for the user, and which addresses the appliance answers on
// (the management network summary). Pure functions (tested in tests/unit/ui/).
import type { NetworkInterface, ProbeResult } from '../api/api.types.ts';

/** Verdict of a probe: nothing arrived, packets but no HTTP, or HTTP traffic seen. */
export type ProbeVerdict = 'no_packets' | 'no_http' | 'traffic';

/** Judges a probe result. */
export function probeVerdict(p: ProbeResult): ProbeVerdict {
  if (p.packets === 0) return 'no_packets';
  if (p.transactions === 0) return 'no_http';
  return 'traffic';
}

/** One address the management network reaches the appliance on. */
export interface ManagementAddress {
  iface: string;
  address: string;
  prefixLength: number | null;
  /** The URL of the appliance on this address (same scheme and port as the page). */
  url: string;
}

/**
 * The addresses of the appliance's interfaces a browser could use (loopback, pseudo devices and IPv6 link-local
 * addresses left out), each with the URL of the UI on it, built from the page's own origin (scheme and port).
 */
export function managementAddresses(interfaces: readonly NetworkInterface[], origin: string): ManagementAddress[] {
  const base = new URL(origin);
  const port = base.port === '' ? '' : `:${base.port}`;
  const out: ManagementAddress[] = [];
  for (const i of interfaces) {
    if (i.pseudo || i.flags?.loopback === true) continue;
    for (const a of i.addresses) {
      if (a.family === 'IPv6' && /^fe80:/i.test(a.address)) continue;
      if (a.address === '127.0.0.1' || a.address === '::1') continue;
      const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      out.push({ iface: i.name, address: a.address, prefixLength: a.prefixLength, url: `${base.protocol}//${host}${port}` });
    }
  }
  return out;
}

/** Whether an interface's link is up (operstate up, or running when the driver reports 'unknown'). */
export function linkUp(i: NetworkInterface): boolean {
  if (i.operState === 'up') return true;
  if (i.operState === 'down') return false;
  return i.flags?.running === true;
}
