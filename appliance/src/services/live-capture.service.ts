/**
 * Live capture: keeps one capture child process (pipeline/live-capture.child.ts) running on the interface chosen in
 * settings, feeds its calls to the call log, keeps its latest counters and report for the API, restarts it with
 * back-off when it dies, and runs short probes for the wizard's "is traffic arriving?" check.
 *
 * Settings live in SQLite under the key `capture`; a change is applied at once by restarting the child.
 */
import { childEntry } from '../pipeline/child.entry.ts';
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ApiError } from '../errors/error.catalogue.ts';
import type { AnalysisReport } from '../analysis/analysis-report.types.ts';
import type { LiveChildConfig, LiveChildMessage, LiveChildStats, LiveParentMessage, ProbeResult } from '../pipeline/live-capture.child.ts';
import type { Policy, PolicyAction } from '../policies/policy.types.ts';
import type { TemplateDecision } from '../analyzers/inventory/path.templater.ts';
import type { ActivityDelta, ActorLink } from '../analyzers/tracing/actor-links.repository.ts';
import { hostEntryError } from '../pipeline/host.filter.ts';
import type { CallEventStore } from '../store/events/call-event.types.ts';
import type { SettingsRepository } from '../store/sqlite/settings.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { Principal } from './auth.service.ts';
import type { NetworkInterfaceInfo } from '../engine/source/network-interfaces.reader.ts';

const CHILD = fileURLToPath(new URL('../pipeline/live-capture.child.ts', import.meta.url));
/** The child's entry: bundled beside the service in the appliance image, else the TypeScript file through tsx. */
const entry = childEntry(CHILD);

const HostEntry = z
  .string()
  .max(253)
  .superRefine((v, ctx) => {
    const why = hostEntryError(v);
    if (why !== null) ctx.addIssue({ code: 'custom', message: why });
  });

/** A BPF filter expression (pcap-filter syntax): printable text; libpcap checks the syntax when the capture starts. */
export const BpfFilterSchema = z
  .string()
  .max(2048)
  .refine((v) => ![...v].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f), 'no control characters');

/** An interface name as the kernel spells it. */
export const InterfaceNameSchema = z.string().max(64).regex(/^[\w.:@-]*$/, 'not an interface name');

/** The capture settings (stored under `capture`). */
export const CaptureSettingsSchema = z
  .object({
    enabled: z.boolean(),
    /** Interface name ('' until chosen). */
    iface: InterfaceNameSchema,
    /** BPF filter (pcap-filter syntax); '' captures everything. */
    bpf: BpfFilterSchema,
    promiscuous: z.boolean(),
    /**
     * Kernel capture ring in MiB. With libpcap's immediate mode each packet takes a snap-length frame, so the ring
     * holds ~40,000 packets per 64 MiB on a 1,500-byte MTU link but only ~1,000 on loopback (64 KiB MTU).
     */
    bufferMiB: z.number().int().min(8).max(1024).default(64),
    /** Hosts, wildcard names, addresses or CIDR networks to watch (empty: all). */
    watch: z.array(HostEntry).max(1000),
    /** … and to ignore (wins over watch). */
    ignore: z.array(HostEntry).max(1000),
  })
  .refine((s) => !s.enabled || s.iface !== '', { message: 'choose an interface before enabling capture', path: ['iface'] });

/** Capture settings. */
export type CaptureSettings = z.infer<typeof CaptureSettingsSchema>;

/** Defaults before the wizard sets them. */
export const DEFAULT_CAPTURE_SETTINGS: CaptureSettings = { enabled: false, iface: '', bpf: 'tcp', promiscuous: true, bufferMiB: 64, watch: [], ignore: [] };

/** State of the live capture. */
export type LiveState = 'stopped' | 'starting' | 'running' | 'restarting' | 'failed';

/** What the API shows about the live capture. */
export interface LiveStatus {
  state: LiveState;
  iface: string;
  /** When the current child started capturing (ms), null when not running. */
  since: number | null;
  restarts: number;
  lastError: { code: string; message: string; at: number } | null;
  stats: LiveChildStats | null;
}

/** Error codes the operator must fix (no automatic restart, except a missing or down link, retried slowly). */
const OPERATOR_ERRORS = new Set(['permission_denied', 'invalid_filter', 'bad_config', 'worker_thread']);
const LINK_ERRORS = new Set(['no_such_interface', 'interface_down']);

/** Options (tests shorten the timings). */
export interface LiveCaptureOptions {
  reportEveryMs?: number;
  /** First restart delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Lists interfaces (injected so the service need not load libpcap in tests of other parts). */
  listInterfaces: () => NetworkInterfaceInfo[];
}

/** Scheduling priority asked for the capture process (the kernel ring is small on interfaces with a large MTU). */
export const CAPTURE_NICE = -10;

/**
 * Gives the capture process priority over the API, reports and uploads, where allowed (root or CAP_SYS_NICE): a
 * starved capture loses packets when libpcap's ring fills — with immediate mode every packet takes a snap-length frame,
 * so a 64 MiB ring holds only ~1,000 packets on loopback (MTU 64 KiB) but ~40,000 on a 1,500-byte MTU NIC.
 */
function raisePriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, CAPTURE_NICE);
  } catch {
    // Not permitted: the capture runs at normal priority.
  }
}

/** Runs the live capture. */
export class LiveCaptureService {
  private child: ChildProcess | null = null;
  private state: LiveState = 'stopped';
  private since: number | null = null;
  private restarts = 0;
  private backoff: number;
  private lastError: LiveStatus['lastError'] = null;
  private stats: LiveChildStats | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private wantRunning = false;
  private readonly reportPath: string;
  private cachedReport: { mtimeMs: number; report: AnalysisReport } | null = null;
  /** The policies and time zone the pipeline applies (set by the runtime). */
  policies: () => { policies: Policy[]; timeZone: string } = () => ({ policies: [], timeZone: 'UTC' });
  /** The user decisions on endpoint templates the pipeline honours (set by the runtime). */
  inventoryDecisions: () => TemplateDecision[] = () => [];
  /** The user's sensitivity levels (type id, level) the pipeline applies (set by the runtime). */
  sensitiveLevels: () => Array<[string, number]> = () => [];
  /** Receives the notify/block actions policies raised. */
  onPolicyAction: (a: PolicyAction) => void = () => undefined;
  /** Receives actor-link deltas (which IP used which identity, what each touched). */
  onActors: (links: ActorLink[], activity: ActivityDelta[]) => void = () => undefined;
  /** Called with each report snapshot and its source label `live:<iface>:<start ms>` (inventory merge). */
  onReport: (report: AnalysisReport, source: string) => Promise<void> | void = () => undefined;

  constructor(
    dataDir: string,
    private readonly settingsRepo: SettingsRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    private readonly events: CallEventStore,
    private readonly opts: LiveCaptureOptions,
  ) {
    this.reportPath = join(dataDir, 'live.report.json');
    this.backoff = opts.backoffMs ?? 1000;
  }

  /** The stored capture settings (defaults until set). */
  settings(): CaptureSettings {
    const stored = this.settingsRepo.get<CaptureSettings>('capture');
    const parsed = CaptureSettingsSchema.safeParse({ ...DEFAULT_CAPTURE_SETTINGS, ...(stored ?? {}) });
    return parsed.success ? parsed.data : DEFAULT_CAPTURE_SETTINGS;
  }

  /** Interfaces with addresses and counters (the capture NIC and the management NIC). */
  interfaces(): NetworkInterfaceInfo[] {
    return this.opts.listInterfaces();
  }

  private checkInterface(iface: string): void {
    if (!this.interfaces().some((i) => i.name === iface)) throw new ApiError('validation_failed', [{ path: 'iface', message: `no interface named ${iface}` }]);
  }

  /** Stores new settings and applies them (restart, start or stop). Returns the status after the change. */
  async update(next: CaptureSettings, who: Principal, ip: string): Promise<LiveStatus> {
    if (next.iface !== '') this.checkInterface(next.iface);
    this.settingsRepo.set('capture', next, this.clock.now());
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'settings.capture', target: 'capture', ip, detail: { enabled: next.enabled, iface: next.iface, bpf: next.bpf } });
    await this.stop();
    if (next.enabled) await this.start();
    return this.status();
  }

  /** Starts capturing with the stored settings when they enable it (service start). */
  async startIfEnabled(): Promise<void> {
    if (this.settings().enabled) await this.start();
  }

  /** Current state and counters. */
  status(): LiveStatus {
    return { state: this.state, iface: this.settings().iface, since: this.since, restarts: this.restarts, lastError: this.lastError, stats: this.stats };
  }

  /** Starts the child; resolves when it captures or has failed (at most ~10 s). */
  async start(): Promise<LiveStatus> {
    const s = this.settings();
    if (s.iface === '') throw new ApiError('validation_failed', [{ path: 'iface', message: 'choose an interface first' }]);
    this.wantRunning = true;
    if (this.child !== null) return this.status();
    await this.spawn(s);
    return this.status();
  }

  private spawn(s: CaptureSettings): Promise<void> {
    this.state = this.restarts > 0 ? 'restarting' : 'starting';
    const cfg: LiveChildConfig = { mode: 'capture', iface: s.iface, bpf: s.bpf, promiscuous: s.promiscuous, bufferBytes: s.bufferMiB * 2 ** 20, ...this.policies(), scope: { watch: s.watch, ignore: s.ignore }, reportPath: this.reportPath, reportEveryMs: this.opts.reportEveryMs ?? 30_000 };
    cfg.inventoryDecisions = this.inventoryDecisions();
    cfg.sensitiveLevels = this.sensitiveLevels();
    const child = fork(entry.file, [JSON.stringify(cfg)], { execArgv: entry.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    this.child = child;
    raisePriority(child.pid);
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      if (stderr.length < 4000) stderr += c.toString('utf8');
    });
    let failure: { code: string; message: string } | null = null;
    return new Promise<void>((resolve) => {
      const settle = setTimeout(resolve, 10_000);
      child.on('message', (m: LiveChildMessage) => {
        switch (m.type) {
          case 'started':
            this.state = 'running';
            this.since = this.clock.now();
            this.backoff = this.opts.backoffMs ?? 1000;
            clearTimeout(settle);
            resolve();
            break;
          case 'calls':
            this.events.appendColumns(m.batch);
            break;
          case 'stats':
            this.stats = m.stats;
            break;
          case 'report': {
            const r = this.report();
            if (r !== undefined) {
              Promise.resolve(this.onReport(r.report, `live:${s.iface}:${this.since ?? 0}`)).catch((err: Error) => console.error(`live capture: merging into the inventory failed: ${err.message}`));
            }
            break;
          }
          case 'failed':
            failure = { code: m.code, message: m.message };
            break;
          case 'policyAction':
            this.onPolicyAction(m.action);
            break;
          case 'actors':
            this.onActors(m.links, m.activity);
            break;
          default:
            break;
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(settle);
        this.child = null;
        this.since = null;
        const f = failure as { code: string; message: string } | null;
        if (f !== null) this.lastError = { ...f, at: this.clock.now() };
        else if (this.wantRunning) this.lastError = { code: 'capture_stopped', message: `the capture process ended (${signal ?? `exit ${code}`})${stderr ? `: ${stderr.split('\n')[0]}` : ''}`, at: this.clock.now() };
        if (!this.wantRunning) this.state = 'stopped';
        else if (f !== null && OPERATOR_ERRORS.has(f.code)) {
          this.state = 'failed';
          this.wantRunning = false;
        } else this.scheduleRestart(f !== null && LINK_ERRORS.has(f.code));
        resolve();
      });
    });
  }

  private scheduleRestart(slow: boolean): void {
    this.state = 'restarting';
    const delay = slow ? Math.max(this.backoff, 10_000) : this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 60_000);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.wantRunning || this.child !== null) return;
      this.restarts++;
      void this.spawn(this.settings());
    }, delay);
    this.restartTimer.unref();
  }

  /** Sends the current policies to the running capture (they apply at once, no restart). */
  updatePolicies(): void {
    const msg: LiveParentMessage = { type: 'policies', ...this.policies() };
    if (this.child?.connected === true) this.child.send(msg);
  }

  /** Sends the current template decisions to the running capture (they apply at once, no restart). */
  updateInventoryDecisions(): void {
    const msg: LiveParentMessage = { type: 'inventoryDecisions', decisions: this.inventoryDecisions() };
    if (this.child?.connected === true) this.child.send(msg);
  }

  /** Sends the user's sensitivity levels to the running capture (they apply at once, no restart). */
  updateSensitiveLevels(): void {
    const msg: LiveParentMessage = { type: 'sensitiveLevels', levels: this.sensitiveLevels() };
    if (this.child?.connected === true) this.child.send(msg);
  }

  /** Stops the child cleanly (its pending calls and report are flushed); kills it after 5 s. */
  async stop(): Promise<void> {
    this.wantRunning = false;
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (child === null) {
      this.state = 'stopped';
      return;
    }
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
    this.state = 'stopped';
    this.stats = null;
  }

  /** Captures on `iface` for `seconds` and returns packet, transaction and host counts (the wizard's check). */
  probe(iface: string, bpf: string, seconds: number): Promise<ProbeResult> {
    this.checkInterface(iface);
    const cfg: LiveChildConfig = { mode: 'probe', iface, bpf, promiscuous: true, scope: { watch: [], ignore: [] }, probeMs: Math.round(seconds * 1000) };
    const child = fork(entry.file, [JSON.stringify(cfg)], { execArgv: entry.execArgv, stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced' });
    return new Promise<ProbeResult>((resolve, reject) => {
      let result: ProbeResult | null = null;
      let failure: { code: string; message: string } | null = null;
      const guard = setTimeout(() => child.kill('SIGKILL'), seconds * 1000 + 15_000);
      child.on('message', (m: LiveChildMessage) => {
        if (m.type === 'probe') result = m.result;
        else if (m.type === 'failed') failure = { code: m.code, message: m.message };
      });
      child.on('exit', () => {
        clearTimeout(guard);
        const f = failure as { code: string; message: string } | null;
        if (result !== null) resolve(result);
        else reject(new ApiError('capture_failed', { reason: f?.code ?? 'probe_stopped' }, f?.message ?? 'The packet check stopped before it finished.'));
      });
    });
  }

  /** The newest report snapshot of the live capture, or undefined when none was written yet. */
  report(): { report: AnalysisReport; writtenAt: number } | undefined {
    if (!existsSync(this.reportPath)) return undefined;
    const mtimeMs = statSync(this.reportPath).mtimeMs;
    if (this.cachedReport?.mtimeMs !== mtimeMs) this.cachedReport = { mtimeMs, report: JSON.parse(readFileSync(this.reportPath, 'utf8')) as AnalysisReport };
    return { report: this.cachedReport.report, writtenAt: Math.round(mtimeMs) };
  }
}
