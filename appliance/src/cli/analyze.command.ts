/**
 * `api-radar analyze <capture> --json <out.json>`: runs a pcap/pcapng file through the engine offline and writes
 * the analysis report (docs/analyze-format.md). Prints a progress bar on a terminal and a summary when done.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCaptureFile } from '../analysis/offline-analysis.service.ts';
import { loadSpec, SpecError } from '../specs/spec.loader.ts';
import { SpecMatcher, type AttachedSpec } from '../specs/spec.matcher.ts';
import { applySpecsToReport } from '../specs/spec.diff.ts';
import { exportHostOpenApi } from '../specs/openapi.export.ts';
import { serviceVersion } from '../config/version.ts';
import { ProgressBar, formatBytes } from './progress.bar.ts';
import { InputError, UsageError } from './cli.errors.ts';

/** Usage text of the analyze command. */
export const ANALYZE_USAGE = `usage: api-radar analyze <capture.pcap|.pcapng> [--json <out.json|->] [--spec [host=]<spec>]... [--openapi <dir>] [--quiet]

Runs the capture through the passive HTTP engine and writes the analysis report as JSON
(to stdout with "--json -"). Without --json, prints a summary only.
  --spec      a declared OpenAPI 3.0/3.1 or Swagger 2.0 spec (JSON or YAML); repeat for several. Declared templates
              win; shadow_api and zombie_api findings are added. "host=" attaches a spec to a host when its
              servers name none (or another).
  --openapi   writes the reconstructed OpenAPI 3.1 spec of each host to <dir>/<host>.openapi.json.`;

/** Parsed arguments of `analyze`. */
export interface AnalyzeArgs {
  capture: string;
  json: string | null;
  quiet: boolean;
  /** Declared specs: file and the host it is attached to ('' for the hosts the spec names). */
  specs: Array<{ file: string; host: string }>;
  openapiDir: string | null;
}

/** Parses the arguments after "analyze"; throws UsageError with a clear message. */
export function parseAnalyzeArgs(argv: string[]): AnalyzeArgs {
  let capture: string | null = null;
  let json: string | null = null;
  let quiet = false;
  const specs: AnalyzeArgs['specs'] = [];
  let openapiDir: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError('--json needs a file name (or - for stdout)');
      json = v;
    } else if (a === '--quiet' || a === '-q') quiet = true;
    else if (a === '--spec') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError('--spec needs a spec file ([host=]file)');
      const eq = v.indexOf('=');
      specs.push(eq > 0 && !v.slice(0, eq).includes('/') ? { host: v.slice(0, eq).toLowerCase(), file: v.slice(eq + 1) } : { host: '', file: v });
    } else if (a === '--openapi') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError('--openapi needs a directory');
      openapiDir = v;
    }
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else if (capture === null) capture = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (capture === null) throw new UsageError('missing the capture file to analyze');
  return { capture, json, quiet, specs, openapiDir };
}

/** Runs `analyze`; returns the process exit code. */
export async function runAnalyze(argv: string[]): Promise<number> {
  const args = parseAnalyzeArgs(argv);
  const attached: AttachedSpec[] = [];
  for (const [i, s] of args.specs.entries()) {
    let text: string;
    try {
      text = readFileSync(s.file, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read spec ${s.file}: ${(err as Error).message}`);
    }
    try {
      attached.push({ id: i + 1, name: s.file, hosts: s.host === '' ? [] : [s.host], spec: await loadSpec(text) });
    } catch (err) {
      if (err instanceof SpecError) throw new InputError(`${s.file}: ${err.message}`);
      throw err;
    }
  }
  const bar = new ProgressBar(process.stderr, !args.quiet && Boolean(process.stderr.isTTY));
  let report;
  try {
    report = await analyzeCaptureFile(args.capture, {
      onProgress: (read, total, tx) => bar.update(read, total, `${tx.toLocaleString('en-US')} tx`),
    });
  } finally {
    bar.done();
  }
  report = applySpecsToReport(report, new SpecMatcher(attached)).report;
  if (args.openapiDir !== null) {
    mkdirSync(args.openapiDir, { recursive: true });
    const hosts = [...new Set(report.endpoints.map((e) => e.host))];
    for (const host of hosts) {
      const file = join(args.openapiDir, `${host.replace(/[^A-Za-z0-9.-]/g, '_')}.openapi.json`);
      writeFileSync(file, `${JSON.stringify(exportHostOpenApi(host, report.endpoints, serviceVersion()), null, 2)}\n`);
    }
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
