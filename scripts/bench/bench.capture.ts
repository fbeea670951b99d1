/**
 * Shared by the benchmark scripts: the generated bench capture of N transactions (written once under tmp/bench and
 * reused), and CPU seconds of this process, which other work on a shared machine disturbs less than wall time.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchCapture } from '../traffic/bench.writer.ts';
import type { Transaction } from '../../appliance/src/engine/transaction.types.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The bench capture at `path` (default tmp/bench/bench-N.pcap), generated with `seed` when it is not there yet. */
export async function benchCapture(transactions: number, path: string = join(root, 'tmp', 'bench', `bench-${transactions}.pcap`), seed?: number): Promise<string> {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    await writeBenchCapture(path, seed === undefined ? { transactions } : { transactions, seed });
  }
  return path;
}

/** CPU seconds (user + system, all threads of the process) since `from`. */
export function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/**
 * Reads the parts of a transaction every analyzer reads (header names and values, path, bodies), as the engine did
 * just before in production, so the first analyzer in a set is not charged the cache misses of a cold call.
 * Returns a number to keep the reads from being optimised away.
 */
export function touchTransaction(tx: Transaction): number {
  let n = tx.path.charCodeAt(0) + tx.clientIp.length;
  const lists = [tx.requestHeaders, tx.responseHeaders];
  for (const hs of lists) for (let i = 0; i < hs.length; i++) n += hs[i][0].charCodeAt(0) + hs[i][1].charCodeAt(hs[i][1].length >> 1);
  return n + (tx.requestBody?.data[0] ?? 0) + (tx.responseBody?.data[0] ?? 0);
}

/** The value after `name` on the command line, or undefined. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `n` with thousands separators and `d` decimals. */
export const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
