/**
 * `api-radar analyze <capture> --json <out.json>`: runs a pcap/pcapng file through the engine offline and writes
 * the analysis report (docs/analyze-format.md). Prints a progress bar on a terminal and a summary when done.
 */
import { writeFileSync } from 'node:fs';
import { analyzeCaptureFile } from '../analysis/offline-analysis.service.ts';
import { ProgressBar, formatBytes } from './progress.bar.ts';
import { UsageError } from './cli.errors.ts';

/** Usage text of the analyze command. */
export const ANALYZE_USAGE = `usage: api-radar analyze <capture.pcap|.pcapng> [--json <out.json|->] [--quiet]

Runs the capture through the passive HTTP engine and writes the analysis report as JSON
(to stdout with "--json -"). Without --json, prints a summary only.`;

/** Parsed arguments of `analyze`. */
export interface AnalyzeArgs {
  capture: string;
  json: string | null;
  quiet: boolean;
}

/** Parses the arguments after "analyze"; throws UsageError with a clear message. */
export function parseAnalyzeArgs(argv: string[]): AnalyzeArgs {
  let capture: string | null = null;
  let json: string | null = null;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError('--json needs a file name (or - for stdout)');
      json = v;
    } else if (a === '--quiet' || a === '-q') quiet = true;
    else if (a === '--spec' || a === '--openapi') throw new UsageError(`${a} is not available yet: declared-spec comparison and OpenAPI export come with the inventory stage`);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else if (capture === null) capture = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (capture === null) throw new UsageError('missing the capture file to analyze');
  return { capture, json, quiet };
}

/** Runs `analyze`; returns the process exit code. */
export async function runAnalyze(argv: string[]): Promise<number> {
  const args = parseAnalyzeArgs(argv);
  const bar = new ProgressBar(process.stderr, !args.quiet && Boolean(process.stderr.isTTY));
  let report;
  try {
    report = await analyzeCaptureFile(args.capture, {
      onProgress: (read, total, tx) => bar.update(read, total, `${tx.toLocaleString('en-US')} tx`),
    });
  } finally {
    bar.done();
  }
  const text = `${JSON.stringify(report, null, 2)}\n`;
  if (args.json === '-') process.stdout.write(text);
  else if (args.json !== null) writeFileSync(args.json, text);
  if (!args.quiet) {
    const s = report.stats;
    const rate = s.durationMs > 0 ? Math.round((s.transactions / s.durationMs) * 1000) : s.transactions;
    const out = args.json === '-' ? process.stderr : process.stdout;
    out.write(
      `${s.packets.toLocaleString('en-US')} packets, ${formatBytes(s.bytes)}, ${s.flows.toLocaleString('en-US')} flows, ` +
        `${s.transactions.toLocaleString('en-US')} transactions (${rate.toLocaleString('en-US')}/s), ` +
        `${report.endpoints.length} endpoints, ${s.parseErrors} parse errors, ${s.tcpGaps} gap bytes, ${s.durationMs} ms\n`,
    );
  }
  return 0;
}
