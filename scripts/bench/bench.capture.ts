/**
 * Shared by the benchmark scripts: the generated bench capture of N transactions (written once under tmp/bench and
 * reused), and CPU seconds of this process, which other work on a shared machine disturbs less than wall time.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchCapture } from '../traffic/bench.writer.ts';

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
