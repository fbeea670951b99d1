/**
 * Health of the appliance in one snapshot: the service process, the data disk, the call-log writer, the live capture
 * and uploads, with the problems an operator should act on. Feeds `/api/v1/system/health` (the UI's capture-health
 * card) and the Prometheus metrics (`/metrics`, scraped with a bearer token an admin rotates).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { statfsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type * as PromClient from 'prom-client';
import type { Gauge, Registry } from 'prom-client';
import type { CallEventStore } from '../store/events/call-event.types.ts';
import type { HealthProblemCode } from './health.problems.ts';
import type { ReportCaptureQuality } from '../analysis/analysis-report.types.ts';
import type { SettingsRepository } from '../store/sqlite/settings.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { LiveCaptureService, LiveStatus } from './live-capture.service.ts';
import type { CaptureRunsService } from './capture-runs.service.ts';
import type { Principal } from './auth.service.ts';

/** A problem worth the operator's attention (the UI translates by `code`). */
export interface HealthProblem {
  code: HealthProblemCode;
  detail: string;
}

/** The health snapshot. */
export interface HealthSnapshot {
  at: number;
  service: { version: string; uptimeSeconds: number; rssBytes: number; heapUsedBytes: number; cpuSeconds: number; loadAverage: number[]; cores: number };
  disk: { totalBytes: number; freeBytes: number; usedPercent: number };
  callLog: { written: number; lost: number; pending: number; lastFlushMs: number; bytes: number };
  capture: LiveStatus;
  uploadsRunning: number;
  /** Capture quality of the live capture's latest snapshot: per host, and the TLS / other non-HTTP connections. */
  quality: { hosts: ReportCaptureQuality[]; tlsConnections: number; nonHttpConnections: number; nonHttpServers: Array<{ server: string; tls: number; other: number }> } | null;
  problems: HealthProblem[];
}

/** Free space below this share of the data disk is a problem. */
const DISK_LOW = 0.1;
/** Calls waiting for the writer beyond this are a backlog. */
const BACKLOG = 100_000;
/** A larger share of one-sided calls means the mirror port misses a direction. */
const ONE_SIDED_SHARE = 0.2;

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The Prometheus registry with the service's gauges. */
interface PromMetrics {
  registry: Registry;
  gauges: Record<string, Gauge>;
  weird: Gauge;
}

/** Builds health snapshots and Prometheus metrics. */
export class HealthService {
  private readonly started = Date.now();
  private prom: Promise<PromMetrics> | undefined;
  /** Whether the service is still opening the events database (the liveness route then says "starting"). */
  isStarting: () => boolean = () => false;

  constructor(
    private readonly version: string,
    private readonly dataDir: string,
    private readonly callLog: CallEventStore,
    private readonly live: LiveCaptureService,
    private readonly captures: CaptureRunsService,
    private readonly settings: SettingsRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * The Prometheus registry and gauges, made by the first scrape: prom-client is imported then, not at the service's
   * start (the default process metrics, such as GC and event-loop lag, count from that scrape on).
   */
  private promMetrics(): Promise<PromMetrics> {
    return (this.prom ??= import('prom-client').then(({ Gauge, Registry, collectDefaultMetrics }: typeof PromClient) => {
      const registry = new Registry();
      const gauges: Record<string, Gauge> = {};
      collectDefaultMetrics({ register: registry, prefix: 'apiradar_' });
      const g = (name: string, help: string): void => {
        gauges[name] = new Gauge({ name: `apiradar_${name}`, help, registers: [registry] });
      };
      g('capture_up', '1 while the live capture runs');
      g('capture_packets', 'Packets captured since the capture started');
      g('capture_bytes', 'Bytes captured since the capture started');
      g('capture_drops', 'Packets the interface dropped since the capture started (NIC/driver estimate)');
      g('capture_flows', 'TCP flows seen since the capture started');
      g('capture_transactions', 'HTTP transactions since the capture started');
      g('capture_calls', 'Calls analysed since the capture started');
      g('capture_out_of_scope', 'Calls outside the watched hosts since the capture started');
      g('capture_transactions_per_second', 'HTTP transactions per second over the last second');
      g('capture_restarts', 'Times the capture process was restarted');
      g('pipeline_rss_bytes', 'Resident memory of the capture process');
      g('calllog_written', 'Calls written to the call log since the service started');
      g('calllog_lost', 'Calls the call log could not write (after retries)');
      g('calllog_pending', 'Calls waiting to be written');
      g('calllog_last_flush_seconds', 'Duration of the last call-log flush');
      g('calllog_bytes', 'Bytes the call log uses on disk');
      g('disk_free_bytes', 'Free bytes on the data disk');
      g('disk_total_bytes', 'Size of the data disk');
      g('uploads_running', 'Capture uploads being analysed');
      const weird = new Gauge({ name: 'apiradar_capture_anomalies', help: 'Anomalies (weirds) of the live capture by reason', labelNames: ['reason'], registers: [registry] });
      return { registry, gauges, weird };
    }));
  }

  /** The current snapshot. */
  async snapshot(): Promise<HealthSnapshot> {
    const fs = statfsSync(this.dataDir);
    const total = fs.blocks * fs.bsize;
    const free = fs.bavail * fs.bsize;
    const cpu = process.cpuUsage();
    const capture = this.live.status();
    const w = this.callLog.stats;
    const snap: HealthSnapshot = {
      at: this.clock.now(),
      service: {
        version: this.version,
        uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
        rssBytes: process.memoryUsage.rss(),
        heapUsedBytes: process.memoryUsage().heapUsed,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        loadAverage: loadavg(),
        cores: cpus().length,
      },
      disk: { totalBytes: total, freeBytes: free, usedPercent: total > 0 ? Math.round(((total - free) / total) * 1000) / 10 : 0 },
      callLog: { written: w.written, lost: w.lost, pending: this.callLog.pending(), lastFlushMs: Math.round(w.lastFlushMs), bytes: await this.callLog.usedBytes() },
      capture,
      uploadsRunning: this.captures.running(),
      quality: null,
      problems: [],
    };
    const live = capture.state === 'running' ? this.live.report()?.report : undefined;
    if (live !== undefined) {
      snap.quality = {
        hosts: (live.captureQuality ?? []).slice(0, 50),
        tlsConnections: live.stats.tlsConnections ?? 0,
        nonHttpConnections: live.stats.nonHttpConnections ?? 0,
        nonHttpServers: (live.stats.nonHttpServers ?? []).slice(0, 20),
      };
    }
    const p = snap.problems;
    if (total > 0 && free / total < DISK_LOW) p.push({ code: 'disk_low', detail: `${Math.round((free / total) * 100)}% of the data disk is free` });
    if (capture.state === 'failed') p.push({ code: 'capture_failed', detail: capture.lastError?.message ?? 'the capture stopped' });
    if (capture.state === 'restarting') p.push({ code: 'capture_restarting', detail: capture.lastError?.message ?? 'the capture is restarting' });
    const drops = capture.stats?.capture.drops ?? 0;
    if (drops > 0) p.push({ code: 'capture_drops', detail: `${drops} packets dropped by the interface since the capture started` });
    if (w.lost > 0) p.push({ code: 'call_log_losing', detail: `${w.lost} calls could not be written` });
    if (snap.callLog.pending > BACKLOG) p.push({ code: 'call_log_backlog', detail: `${snap.callLog.pending} calls waiting to be written` });
    if (snap.quality !== null) {
      const calls = snap.quality.hosts.reduce((n, h) => n + h.calls, 0);
      const oneSided = snap.quality.hosts.reduce((n, h) => n + h.oneSided, 0);
      if (calls >= 100 && oneSided / calls > ONE_SIDED_SHARE) p.push({ code: 'capture_one_sided', detail: `${Math.round((oneSided / calls) * 100)}% of calls were seen in one direction only: mirror both directions` });
      const tls = snap.quality.tlsConnections;
      if (tls >= 20 && tls > calls) p.push({ code: 'capture_encrypted', detail: `${tls} TLS connections could not be read: mirror the traffic after TLS termination` });
    }
    return snap;
  }

  /** Prometheus text exposition of the current metrics. */
  async metrics(): Promise<{ contentType: string; body: string }> {
    const s = await this.snapshot();
    const { registry, gauges, weird } = await this.promMetrics();
    const st = s.capture.stats;
    const set = (name: string, v: number | null | undefined): void => gauges[name].set(v ?? 0);
    set('capture_up', s.capture.state === 'running' ? 1 : 0);
    set('capture_packets', st?.capture.packets);
    set('capture_bytes', st?.capture.bytes);
    set('capture_drops', st?.capture.drops);
    set('capture_flows', st?.engine.flows);
    set('capture_transactions', st?.engine.transactions);
    set('capture_calls', st?.calls);
    set('capture_out_of_scope', st?.outOfScope);
    set('capture_transactions_per_second', st?.txPerSec);
    set('capture_restarts', s.capture.restarts);
    set('pipeline_rss_bytes', st?.rss);
    set('calllog_written', s.callLog.written);
    set('calllog_lost', s.callLog.lost);
    set('calllog_pending', s.callLog.pending);
    set('calllog_last_flush_seconds', s.callLog.lastFlushMs / 1000);
    set('calllog_bytes', s.callLog.bytes);
    set('disk_free_bytes', s.disk.freeBytes);
    set('disk_total_bytes', s.disk.totalBytes);
    set('uploads_running', s.uploadsRunning);
    weird.reset();
    for (const [reason, n] of Object.entries(st?.weird ?? {})) weird.set({ reason }, n);
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  /** Whether `authorization` carries the current metrics token. */
  metricsAuthorized(authorization: string | undefined): boolean {
    const stored = this.settings.get<string>('metrics_token_sha256');
    if (stored === undefined || authorization === undefined) return false;
    const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(authorization);
    if (m === null) return false;
    const a = Buffer.from(hash(m[1]), 'hex');
    const b = Buffer.from(stored, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Creates a new metrics token (the old one stops working); returns it once, only its hash is kept. */
  rotateMetricsToken(who: Principal, ip: string): string {
    const token = randomBytes(24).toString('base64url');
    this.settings.set('metrics_token_sha256', hash(token), this.clock.now());
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'settings.metrics_token', target: 'metrics', ip, detail: {} });
    return token;
  }
}
