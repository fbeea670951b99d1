/**
 * Command line of the traffic generator (`npm run gen:traffic -- ...`): writes scenario captures with their golden
 * expectations, or a large benchmark capture.
 *
 *   --out <dir> [--scenario <name>|all] [--format pcap|pcapng] [--seed N]   one <name>.pcap(ng) + <name>.expected.json each
 *   --bench <transactions> --out <file> [--format pcap|pcapng] [--seed N]   a benchmark capture
 *   --list                                                                 the scenario names and descriptions
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeBenchCapture } from './bench.writer.ts';
import { generateScenario, listScenarios, writeScenarioCapture } from './scenario.catalog.ts';
import type { CaptureFormat } from './scenario.types.ts';

const USAGE = `usage:
  npm run gen:traffic -- --out <dir> [--scenario <name>|all] [--format pcap|pcapng] [--seed N]
  npm run gen:traffic -- --bench <transactions> --out <file.pcap> [--format pcap|pcapng] [--seed N]
  npm run gen:traffic -- --list`;

/** Parsed command line. */
interface CliArgs {
  out: string | null;
  scenario: string;
  format: CaptureFormat | null;
  seed: number;
  bench: number | null;
  list: boolean;
}

/** Parses and validates the arguments; returns an error message instead of throwing. */
export function parseCli(argv: string[]): CliArgs | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        scenario: { type: 'string' },
        format: { type: 'string' },
        seed: { type: 'string' },
        bench: { type: 'string' },
        list: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return (e as Error).message;
  }
  const format = values.format ?? null;
  if (format !== null && format !== 'pcap' && format !== 'pcapng') return `--format must be pcap or pcapng, not "${format}"`;
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return `--seed must be an integer in [0, 2^32), not "${values.seed}"`;
  let bench: number | null = null;
  if (values.bench !== undefined) {
    bench = Number(values.bench);
    if (!Number.isInteger(bench) || bench < 1) return `--bench needs a positive number of transactions, not "${values.bench}"`;
  }
  const scenario = values.scenario ?? 'all';
  if (scenario !== 'all' && !listScenarios().some((s) => s.name === scenario)) return `unknown scenario "${scenario}" (see --list)`;
  if (bench !== null && values.scenario !== undefined) return '--bench and --scenario cannot be combined';
  if (!values.list && values.out === undefined) return '--out is required';
  return { out: values.out ?? null, scenario, format, seed, bench, list: values.list ?? false };
}

async function main(): Promise<number> {
  const args = parseCli(process.argv.slice(2));
  if (typeof args === 'string') {
    console.error(`gen:traffic: ${args}\n${USAGE}`);
    return 2;
  }
  if (args.list) {
    for (const s of listScenarios()) console.log(`${s.name.padEnd(24)} ${s.lossy ? '[lossy] ' : ''}${s.description}`);
    return 0;
  }
  const out = args.out!;
  if (args.bench !== null) {
    const t0 = performance.now();
    const r = await writeBenchCapture(out, { transactions: args.bench, seed: args.seed, format: args.format ?? 'pcap' });
    const sec = (performance.now() - t0) / 1000;
    console.log(
      `${out}: ${r.transactions} transactions, ${r.connections} connections, ${r.packets} packets, ${(r.bytes / 1e6).toFixed(1)} MB ` +
        `in ${sec.toFixed(2)} s (${Math.round(r.transactions / sec)} tx/s, ${(r.bytes / 1e6 / sec).toFixed(1)} MB/s)`,
    );
    return 0;
  }
  mkdirSync(out, { recursive: true });
  const names = args.scenario === 'all' ? listScenarios().map((s) => s.name) : [args.scenario];
  for (const name of names) {
    const sc = generateScenario(name, args.seed);
    const format = args.format && sc.info.formats.includes(args.format) ? args.format : sc.info.formats[0];
    const file = join(out, `${name}.${format}`);
    const w = writeScenarioCapture(file, sc, { format });
    writeFileSync(join(out, `${name}.expected.json`), `${JSON.stringify({ scenario: sc.info, seed: sc.seed, format, transactions: sc.expected }, null, 2)}\n`);
    const note = args.format && format !== args.format ? ` (${args.format} not possible for this scenario)` : '';
    console.log(`${file}: ${w.packets} packets, ${sc.expected.length} transactions${note}`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`gen:traffic: ${(e as Error).stack ?? String(e)}`);
      process.exit(1);
    },
  );
}
