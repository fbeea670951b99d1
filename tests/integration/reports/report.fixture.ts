// Shared set-up of the report integration tests: a state database in a temporary directory seeded with findings,
// sensitive field exposure and analysed capture runs (some before and some inside the report period, with hostile
// text from "traffic"), a real SMTP server (smtp-server) that records what it receives, and the reports service,
// scheduler and jobs table assembled as the service does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { openStateDatabase, type StateDatabase } from '../../../appliance/src/store/sqlite/state.database.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import { FindingsRepository } from '../../../appliance/src/analyzers/tracing/findings.repository.ts';
import { SensitiveRepository } from '../../../appliance/src/store/sqlite/sensitive.repository.ts';
import { CaptureRunsRepository } from '../../../appliance/src/store/sqlite/capture-runs.repository.ts';
import { ReportSchedulesRepository } from '../../../appliance/src/store/sqlite/report-schedules.repository.ts';
import { ReportRunsRepository } from '../../../appliance/src/store/sqlite/report-runs.repository.ts';
import { JobsRepository } from '../../../appliance/src/store/sqlite/jobs.repository.ts';
import { JobRunsRepository } from '../../../appliance/src/store/sqlite/job-runs.repository.ts';
import { StoredReportDataSource } from '../../../appliance/src/reports/report-data.source.ts';
import { ReportsService } from '../../../appliance/src/reports/reports.service.ts';
import { JobScheduler } from '../../../appliance/src/jobs/job.scheduler.ts';
import { jobsTable } from '../../../appliance/src/jobs/jobs.table.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';
import { InventoryRepository } from '../../../appliance/src/store/sqlite/inventory.repository.ts';
import { RiskRepository } from '../../../appliance/src/store/sqlite/risk.repository.ts';
import { RiskService } from '../../../appliance/src/services/risk.service.ts';
import type { SmtpSettings } from '../../../appliance/src/mail/smtp.mailer.ts';

/** The appliance time zone of the tests. */
export const TZ = 'Asia/Shanghai';
/** Monday 2026-03-02 00:00 Shanghai time. */
export const MONDAY = Date.UTC(2026, 2, 1, 16, 0);
const DAY = 24 * 3600_000;

/** A message the SMTP server accepted. */
export interface Received {
  raw: Buffer;
  to: string[];
}

/** A local SMTP server; `reject` makes it refuse DATA with a 451 while set; `refuseRecipients` refuses those RCPT TOs. */
export interface TestSmtp {
  port: number;
  received: Received[];
  reject: { code: number; text: string } | null;
  refuseRecipients: Set<string>;
  close(): Promise<void>;
}

/** Starts a real SMTP server on 127.0.0.1. */
export async function startSmtp(): Promise<TestSmtp> {
  const state: TestSmtp = { port: 0, received: [], reject: null, refuseRecipients: new Set(), close: async () => {} };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    onRcptTo(address, _session, cb) {
      if (!state.refuseRecipients.has(address.address)) return cb();
      const err = new Error('No such user here') as Error & { responseCode: number };
      err.responseCode = 550;
      cb(err);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (state.reject !== null) {
          const err = new Error(state.reject.text) as Error & { responseCode: number };
          err.responseCode = state.reject.code;
          cb(err);
          return;
        }
        state.received.push({ raw: Buffer.concat(chunks), to: session.envelope.rcptTo.map((r) => r.address) });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

function captureReport(kind: 'old' | 'new'): AnalysisReport {
  const ep = (host: string, method: string, path: string, calls: number, sensitive: string[], risk: number) => ({
    host, method, path, calls, statuses: { '200': calls }, auth: ['bearer'], sensitive, params: [], inSpec: false, deprecated: false, risk, firstSeen: '2026-02-20T00:00:00Z', lastSeen: '2026-03-01T00:00:00Z',
  });
  if (kind === 'old') {
    return {
      schemaVersion: 1,
      stats: { packets: 1000, bytes: 500_000, flows: 40, transactions: 300, parseErrors: 1, tcpGaps: 2, durationMs: 100, weird: { tcp_gap: 2 } },
      endpoints: [ep('shop.example.com', 'GET', '/v1/orders/{orderId}', 200, ['cn_mobile'], 40), ep('shop.example.com', 'POST', '/v1/login', 100, ['password'], 55)],
      findings: [{ type: 'abuse.brute_force', category: 'abuse', severity: 'high', host: 'shop.example.com', method: 'POST', path: '/v1/login', client: '203.0.113.7', count: 40, firstSeen: '2026-02-20T01:00:00Z', lastSeen: '2026-02-20T02:00:00Z', evidence: 'failed logins for user a***' }],
      clients: [{ ip: '203.0.113.7', calls: 120, identities: [], sensitiveRecords: 0 }],
    };
  }
  return {
    schemaVersion: 1,
    stats: { packets: 5000, bytes: 2_500_000, flows: 120, transactions: 1500, parseErrors: 3, tcpGaps: 7, durationMs: 400, weird: { tcp_gap: 7, http_bad_header: 3 } },
    endpoints: [
      ep('shop.example.com', 'GET', '/v1/orders/{orderId}', 900, ['cn_mobile'], 40),
      ep('shop.example.com', 'GET', '/v1/users/{userId}/profile', 400, ['cn_id_card', 'cn_mobile'], 78),
      ep('admin.example.com', 'GET', '/internal/export<script>alert(1)</script>', 50, ['bank_card'], 90),
    ],
    findings: [
      { type: 'attack.sqli', category: 'attack', severity: 'critical', host: 'shop.example.com', method: 'GET', path: '/v1/orders/{orderId}', client: '198.51.100.23', count: 12, firstSeen: '2026-03-05T03:00:00Z', lastSeen: '2026-03-05T04:00:00Z', evidence: "id=1' OR '1'='1 <img src=x onerror=alert(1)> card 6222021234567890123", outcome: 'likely_success' },
      { type: 'abuse.enumeration.bola', category: 'abuse', severity: 'high', host: 'shop.example.com', method: 'GET', path: '/v1/users/{userId}/profile', client: '198.51.100.23', count: 300, firstSeen: '2026-03-05T03:00:00Z', lastSeen: '2026-03-05T05:00:00Z', evidence: 'ids 1..300 read by one identity' },
      { type: 'exposure.cors', category: 'exposure', severity: 'medium', host: 'admin.example.com', method: 'GET', path: '/internal/export<script>alert(1)</script>', client: '', count: 50, firstSeen: '2026-03-05T03:00:00Z', lastSeen: '2026-03-05T05:00:00Z', evidence: 'reflects any Origin' },
    ],
    clients: [
      { ip: '198.51.100.23', calls: 700, identities: ['u-17'], sensitiveRecords: 300 },
      { ip: '203.0.113.7', calls: 80, identities: [], sensitiveRecords: 0 },
    ],
  };
}

/** Everything a test needs. */
export interface ReportWorld {
  dir: string;
  db: StateDatabase;
  clock: ManualClock;
  smtp: TestSmtp;
  source: StoredReportDataSource;
  reports: ReportsService;
  scheduler: JobScheduler;
  schedules: ReportSchedulesRepository;
  runs: ReportRunsRepository;
  jobRuns: JobRunsRepository;
  smtpSettings: { current: SmtpSettings | null };
  close(): Promise<void>;
}

/** Builds the world: data seeded a week before MONDAY and inside the week before it. */
export async function reportWorld(): Promise<ReportWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'radar-reports-'));
  const db = openStateDatabase(join(dir, 'state.sqlite'));
  const clock = new ManualClock(MONDAY - 10 * DAY);
  const captureRuns = new CaptureRunsRepository(db);
  const stored = new Map<number, AnalysisReport>();
  // An old capture (known before the period), a new one inside it, and a failed upload inside it.
  const oldId = captureRuns.start('old.pcap', 1000, 'admin', MONDAY - 10 * DAY);
  captureRuns.finish(oldId, MONDAY - 10 * DAY + 60_000, { transactions: 300, endpoints: 2, findings: 1 });
  stored.set(oldId, captureReport('old'));
  const newId = captureRuns.start('new.pcap', 5000, 'admin', MONDAY - 3 * DAY);
  captureRuns.finish(newId, MONDAY - 3 * DAY + 60_000, { transactions: 1500, endpoints: 3, findings: 3 });
  stored.set(newId, captureReport('new'));
  const failedId = captureRuns.start('broken.pcap', 10, 'admin', MONDAY - 2 * DAY);
  captureRuns.fail(failedId, MONDAY - 2 * DAY + 1000, 'not a capture');

  // Risk history: the login endpoint is scored before the period from its traffic factors (auth) and moves up inside
  // it when the credential stuffing finding arrives; the orders endpoint is scored the same on both sides.
  const inventory = new InventoryRepository(db);
  const risk = new RiskService(new RiskRepository(db), clock);
  const riskRepo = new RiskRepository(db);
  const ep = (method: string, template: string) => ({ host: 'shop.example.com', method, template, calls: 10, firstSeen: MONDAY - 20 * DAY, lastSeen: MONDAY - DAY, statuses: { '200': 10 }, auth: [], sensitive: [], params: [], inSpec: false, deprecated: false, risk: 0 });
  const loginId = inventory.insert(ep('POST', '/v1/login'), MONDAY - 20 * DAY);
  const ordersId = inventory.insert(ep('GET', '/v1/orders/{orderId}'), MONDAY - 20 * DAY);
  riskRepo.setSourceFactors(loginId, 'upload:seed', [{ factor: 'auth', points: 10, max: 20, reasons: ['weak scheme: basic'] }], MONDAY - 20 * DAY);
  riskRepo.setSourceFactors(ordersId, 'upload:seed', [{ factor: 'sensitivity', points: 4, max: 25, reasons: ['cn_mobile in responses'] }], MONDAY - 20 * DAY);
  risk.rescore();

  const findings = new FindingsRepository(db);
  findings.upsertMany([
    { type: 'abuse.credential_stuffing', category: 'abuse', severity: 'high', host: 'shop.example.com', method: 'POST', path: '/v1/login', client: '192.0.2.44', count: 900, firstSeen: new Date(MONDAY - DAY / 2).toISOString(), lastSeen: new Date(MONDAY - DAY / 2 + 3600_000).toISOString(), evidence: 'password spray over 310 accounts; token eyJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0abcdef' },
    { type: 'exposure.plaintext.login', category: 'exposure', severity: 'high', host: 'legacy.example.com', method: 'POST', path: '/login.do', client: '', count: 5, firstSeen: new Date(MONDAY - 20 * DAY).toISOString(), lastSeen: new Date(MONDAY - 2 * DAY).toISOString(), evidence: 'login password sent over plain HTTP' },
  ]);
  const resolved = findings.list({ host: 'legacy.example.com' })[0];
  findings.setStatus(resolved.id, 'resolved', 'admin', 'moved to HTTPS', new Date(MONDAY - DAY).toISOString());
  clock.set(MONDAY - DAY / 2 + 2 * 3600_000);
  risk.rescore();
  clock.set(MONDAY - 10 * DAY);

  const sensitive = new SensitiveRepository(db);
  const us = (ms: number) => ms * 1000;
  sensitive.saveFieldExposure([
    { host: 'shop.example.com', method: 'GET', path: '/v1/users/{userId}/profile', level: 4, calls: 400, unauthenticatedCalls: 0, types: [], firstSeenUs: us(MONDAY - 3 * DAY), lastSeenUs: us(MONDAY - DAY),
      fields: [
        { direction: 'response', location: 'json', field: 'idCard', level: 4, types: [{ type: 'cn_id_card', level: 4, count: 390 }], firstSeenUs: us(MONDAY - 3 * DAY), lastSeenUs: us(MONDAY - DAY) },
        { direction: 'response', location: 'json', field: 'mobile', level: 3, types: [{ type: 'cn_mobile', level: 3, count: 400 }], firstSeenUs: us(MONDAY - 3 * DAY), lastSeenUs: us(MONDAY - DAY) },
      ] },
    { host: 'shop.example.com', method: 'GET', path: '/v1/orders/{orderId}', level: 3, calls: 900, unauthenticatedCalls: 0, types: [], firstSeenUs: us(MONDAY - 10 * DAY), lastSeenUs: us(MONDAY - DAY),
      fields: [{ direction: 'response', location: 'json', field: 'buyer.phone', level: 3, types: [{ type: 'cn_mobile', level: 3, count: 1100 }], firstSeenUs: us(MONDAY - 10 * DAY), lastSeenUs: us(MONDAY - DAY) }] },
  ]);

  const source = new StoredReportDataSource({
    risk,
    findings,
    sensitive,
    captures: { list: (n) => captureRuns.list(n), report: (id) => { const run = captureRuns.get(id); const report = stored.get(id); return run === undefined || report === undefined ? undefined : { run, report }; } },
  });
  const smtp = await startSmtp();
  const smtpSettings: { current: SmtpSettings | null } = { current: { host: '127.0.0.1', port: smtp.port, security: 'none', allowSelfSigned: false, username: '', password: '', from: 'API Radar <radar@example.com>', timeoutSeconds: 5 } };
  const schedules = new ReportSchedulesRepository(db);
  const runs = new ReportRunsRepository(db);
  const jobRuns = new JobRunsRepository(db);
  const reports = new ReportsService({ schedules, runs, source, clock, dataDir: dir, version: '0.1.0-test', timeZone: () => TZ, smtp: () => smtpSettings.current });
  const scheduler = new JobScheduler(jobsTable({ reports, jobRuns }), new JobsRepository(db), jobRuns, clock, TZ);
  return {
    dir, db, clock, smtp, source, reports, scheduler, schedules, runs, jobRuns, smtpSettings,
    async close() {
      await scheduler.stop();
      await smtp.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
