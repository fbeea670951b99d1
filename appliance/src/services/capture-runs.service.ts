/**
 * Capture uploads: a pcap/pcapng streamed through the API is written to the data directory (size-capped, its format
 * checked from the first bytes), analysed in a child process by the same engine and analyzers as `api-radar
 * analyze` (so the API stays responsive), and its report kept for the inventory, sensitive-data and findings views.
 */
import type { RawSample } from '../analyzers/sensitive/sensitive.analyzer.ts';
import { childEntry } from '../pipeline/child.entry.ts';
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { detectCaptureFormat } from '../engine/source/capture-file.reader.ts';
import type { AnalysisReport } from '../analysis/analysis-report.types.ts';
import type { CaptureRun, CaptureRunsRepository } from '../store/sqlite/capture-runs.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import { ApiError } from '../errors/error.catalogue.ts';
import type { Principal } from './auth.service.ts';
import type { WorkerMessage } from '../pipeline/capture-analysis.worker.ts';
import type { CallEventStore } from '../store/events/call-event.types.ts';
import type { Policy, PolicyAction } from '../policies/policy.types.ts';
import type { TemplateDecision } from '../analyzers/inventory/path.templater.ts';
import type { ActivityDelta, ActorLink } from '../analyzers/tracing/actor-links.repository.ts';

/** Largest capture accepted by upload. */
export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

const WORKER = fileURLToPath(new URL('../pipeline/capture-analysis.worker.ts', import.meta.url));
/** The child's entry: bundled beside the service in the appliance image, else the TypeScript file through tsx. */
const entry = childEntry(WORKER);

/** Progress of a running analysis. */
export interface RunProgress {
  bytesRead: number;
  totalBytes: number;
  transactions: number;
}

/** Runs capture uploads and their analyses. */
export class CaptureRunsService {
  private readonly dir: string;
  private readonly progress = new Map<number, RunProgress>();
  private readonly workers = new Map<number, ChildProcess>();
  private cached: { id: number; report: AnalysisReport } | null = null;
  /** Called with each finished run's report (the runtime merges it into the stored inventory). */
  onDone: (id: number, report: AnalysisReport, contentSha256: string) => Promise<void> | void = () => undefined;
  private readonly hashes = new Map<number, string>();
  /** The policies and time zone the pipeline applies (set by the runtime); none when it returns null. */
  policies: () => { policies: Policy[]; timeZone: string } | null = () => null;
  /** The user decisions on endpoint templates the pipeline honours (set by the runtime). */
  inventoryDecisions: () => TemplateDecision[] = () => [];
  /** The user's sensitivity levels (type id, level) the pipeline applies (set by the runtime). */
  sensitiveLevels: () => Array<[string, number]> = () => [];
  /** Raw sensitive values to keep per endpoint × field × type (0: raw storage off), and where the kept ones go. */
  sensitiveRawSamples: () => number = () => 0;
  onSensitiveRaw: (samples: RawSample[]) => void = () => undefined;
  /** Receives the notify/block actions policies raised. */
  onPolicyAction: (a: PolicyAction) => void = () => undefined;
  /** Receives actor-link deltas (which IP used which identity, what each touched). */
  onActors: (links: ActorLink[], activity: ActivityDelta[]) => void = () => undefined;

  constructor(
    dataDir: string,
    private readonly runs: CaptureRunsRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    private readonly maxBytes: number = MAX_UPLOAD_BYTES,
    /** The call log the analysed calls go to; null keeps only the report. */
    private readonly events: CallEventStore | null = null,
  ) {
    this.dir = join(dataDir, 'captures');
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    runs.failInterrupted(clock.now());
  }

  /** Streams an upload to disk and starts its analysis; returns the run. Throws ApiError for a non-capture or oversize body. */
  async upload(body: Readable, name: string, who: Principal, ip: string): Promise<CaptureRun> {
    const safeName = name.replace(/[^\w.\- ]/g, '_').slice(0, 128) || 'capture';
    const id = this.runs.start(safeName, 0, who.username, this.clock.now());
    const path = join(this.dir, `${id}.cap`);
    let size = 0;
    let head = Buffer.alloc(0);
    const hash = createHash('sha256');
    try {
      await new Promise<void>((resolve, reject) => {
        const out = createWriteStream(path, { mode: 0o640 });
        body.on('data', (chunk: Buffer) => {
          size += chunk.length;
          hash.update(chunk);
          if (head.length < 8) head = Buffer.concat([head, chunk.subarray(0, 8)]);
          if (size > this.maxBytes) {
            body.destroy();
            out.destroy();
            reject(new ApiError('payload_too_large'));
          }
        });
        body.on('error', reject);
        out.on('error', reject);
        out.on('finish', resolve);
        body.pipe(out);
      });
      if (detectCaptureFormat(head) === null) throw new ApiError('validation_failed', [{ path: 'body', message: 'not a pcap or pcapng capture' }], 'The upload is not a pcap or pcapng capture.');
    } catch (err) {
      rmSync(path, { force: true });
      const message = err instanceof ApiError ? err.message : 'upload failed';
      this.runs.fail(id, this.clock.now(), message);
      throw err instanceof ApiError ? err : new ApiError('bad_request', undefined, message);
    }
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'capture.upload', target: `capture:${id}`, ip, detail: { name: safeName, bytes: size } });
    this.hashes.set(id, hash.digest('hex'));
    this.startAnalysis(id, path, size);
    return this.runs.get(id)!;
  }

  /** Sends the user's sensitivity levels to the running upload analyses (they apply at once, no restart). */
  updateSensitiveLevels(): void {
    const levels = this.sensitiveLevels();
    for (const w of this.workers.values()) if (w.connected) w.send({ type: 'sensitiveLevels', levels });
  }

  private startAnalysis(id: number, capture: string, size: number): void {
    const reportPath = join(this.dir, `${id}.report.json`);
    this.progress.set(id, { bytesRead: 0, totalBytes: size, transactions: 0 });
    const args = this.events === null ? [capture, reportPath] : [capture, reportPath, `upload:${id}`];
    const policies = this.policies();
    if (policies !== null && this.events !== null) {
      const file = join(this.dir, `${id}.policies.json`);
      writeFileSync(file, JSON.stringify({ ...policies, inventoryDecisions: this.inventoryDecisions(), sensitiveLevels: this.sensitiveLevels(), sensitiveRawSamples: this.sensitiveRawSamples() }), { mode: 0o640 });
      args.push(file);
    }
    const child = fork(entry.file, args, { execArgv: entry.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    this.workers.set(id, child);
    let outcome: WorkerMessage | null = null;
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      if (stderr.length < 4000) stderr += c.toString('utf8');
    });
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') this.progress.set(id, { bytesRead: m.bytesRead, totalBytes: m.totalBytes, transactions: m.transactions });
      else if (m.type === 'calls') this.events?.appendColumns(m.batch);
      else if (m.type === 'policyAction') this.onPolicyAction(m.action);
      else if (m.type === 'actors') this.onActors(m.links, m.activity);
      else if (m.type === 'sensitiveRaw') this.onSensitiveRaw(m.samples);
      else outcome = m;
    });
    // 'exit' can come before the last messages are read: settle once the channel is closed too.
    let exitCode: number | null | undefined;
    let channelOpen = child.connected;
    const settleWhenDone = (): void => {
      if (exitCode !== undefined && !channelOpen) void this.settle(id, exitCode, outcome, stderr);
    };
    child.on('disconnect', () => {
      channelOpen = false;
      settleWhenDone();
    });
    child.on('exit', (code) => {
      exitCode = code;
      settleWhenDone();
    });
  }

  /** Records how an analysis ended, once its calls are durable in the call log. */
  private async settle(id: number, code: number | null, outcome: WorkerMessage | null, stderr: string): Promise<void> {
    try {
      await this.events?.flush();
    } catch {
      // The writer retries failed batches on its next flush and counts what it finally loses.
    }
    this.workers.delete(id);
    this.progress.delete(id);
    rmSync(join(this.dir, `${id}.policies.json`), { force: true });
    const o = outcome;
    const hashDone = (): void => void this.hashes.delete(id);
    setImmediate(hashDone);
    if (o !== null && o.type === 'done' && code === 0) {
      try {
        const report = this.readReport(id);
        try {
          await this.onDone(id, report, this.hashes.get(id) ?? String(id));
        } catch (err) {
          console.error(`capture run ${id}: merging into the inventory failed:`, (err as Error).message);
        }
        this.runs.finish(id, this.clock.now(), { transactions: report.stats.transactions, endpoints: report.endpoints.length, findings: report.findings.length });
        return;
      } catch (err) {
        this.runs.fail(id, this.clock.now(), `the report could not be read: ${(err as Error).message}`);
        return;
      }
    }
    const message = o !== null && o.type === 'failed' ? o.message : `the analysis stopped (exit ${code ?? 'signal'})${stderr ? `: ${stderr.split('\n')[0]}` : ''}`;
    this.runs.fail(id, this.clock.now(), message);
  }

  /** A run with its live progress while it runs. */
  get(id: number): (CaptureRun & { progress: RunProgress | null }) | undefined {
    const r = this.runs.get(id);
    return r === undefined ? undefined : { ...r, progress: this.progress.get(id) ?? null };
  }

  /** The newest runs. */
  list(limit = 50): CaptureRun[] {
    return this.runs.list(limit);
  }

  /** The report of run `id`, or of the newest finished run; undefined when none. */
  report(id?: number): { run: CaptureRun; report: AnalysisReport } | undefined {
    const run = id === undefined ? this.runs.latestDone() : this.runs.get(id);
    if (run === undefined || run.status !== 'done') return undefined;
    return { run, report: this.readReport(run.id) };
  }

  private readReport(id: number): AnalysisReport {
    if (this.cached?.id === id) return this.cached.report;
    const report = JSON.parse(readFileSync(join(this.dir, `${id}.report.json`), 'utf8')) as AnalysisReport;
    this.cached = { id, report };
    return report;
  }

  /** Analyses running now. */
  running(): number {
    return this.workers.size;
  }

  /** Stops running analyses (service shutdown). */
  stopAll(): void {
    for (const w of this.workers.values()) w.kill('SIGTERM');
  }
}
