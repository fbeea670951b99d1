/**
 * Starts and stops the service: opens the state database in the data directory, assembles repositories and
 * services, makes sure the setup token (while setup is pending) and the TLS certificate exist, and listens on HTTPS
 * (API + UI) and on plain HTTP (redirect only). Used by main.ts and by the integration tests.
 */
import { mkdirSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { AppConfig } from './config/app.config.ts';
import { openStateDatabase, type StateDatabase } from './store/sqlite/state.database.ts';
import { SettingsRepository } from './store/sqlite/settings.repository.ts';
import { UsersRepository } from './store/sqlite/users.repository.ts';
import { SessionsRepository } from './store/sqlite/sessions.repository.ts';
import { AuditRepository } from './store/sqlite/audit.repository.ts';
import { systemClock, type Clock } from './store/clock.repository.ts';
import { SetupService } from './services/setup.service.ts';
import { openEventsDatabase, type EventsDatabase } from './store/duckdb/events.database.ts';
import { DeferredCallEventStore } from './store/events/deferred-call-event.store.ts';
import { DuckDbCallsRepository } from './store/duckdb/calls.repository.ts';
import { CallsService } from './services/calls.service.ts';
import { LiveCaptureService } from './services/live-capture.service.ts';
import { SettingsService } from './services/settings.service.ts';
import { PolicyPreviewService } from './services/policy-preview.service.ts';
import { HealthService } from './services/health.service.ts';
import { TlsService } from './services/tls.service.ts';
import { RetentionService } from './services/retention.service.ts';
import { SpecsService } from './services/specs.service.ts';
import { SpecsRepository } from './store/sqlite/specs.repository.ts';
import { InventoryService } from './services/inventory.service.ts';
import { InventoryRepository } from './store/sqlite/inventory.repository.ts';
import { PoliciesService } from './services/policies.service.ts';
import { ThreatsService } from './services/threats.service.ts';
import { RiskService } from './services/risk.service.ts';
import { RiskRepository } from './store/sqlite/risk.repository.ts';
import { SensitiveService } from './services/sensitive.service.ts';
import { SensitiveRawService } from './services/sensitive-raw.service.ts';
import { SensitiveRawRepository } from './store/sqlite/sensitive-raw.repository.ts';
import { ActorLinksRepository } from './analyzers/tracing/actor-links.repository.ts';
import type { AnalysisReport } from './analysis/analysis-report.types.ts';
import { PoliciesRepository } from './store/sqlite/policies.repository.ts';
import type { Policy, PolicyAction } from './policies/policy.types.ts';
import { listInterfaces, type NetworkInterfaceInfo } from './engine/source/network-interfaces.reader.ts';
import { CaptureRunsService } from './services/capture-runs.service.ts';
import { CaptureRunsRepository } from './store/sqlite/capture-runs.repository.ts';
import { AuthService, DEFAULT_AUTH_POLICY, type AuthPolicy } from './services/auth.service.ts';
import { createApp } from './server/app.factory.ts';
import type { AppServices } from './server/app.services.ts';
import { ensureCertificate } from './server/tls.certificate.ts';
import { FindingsRepository } from './analyzers/tracing/findings.repository.ts';
import { SensitiveRepository } from './store/sqlite/sensitive.repository.ts';
import { SensitivityLevelsService } from './analyzers/sensitive/sensitivity-levels.service.ts';
import { ReportSchedulesRepository } from './store/sqlite/report-schedules.repository.ts';
import { ReportRunsRepository } from './store/sqlite/report-runs.repository.ts';
import { JobsRepository } from './store/sqlite/jobs.repository.ts';
import { JobRunsRepository } from './store/sqlite/job-runs.repository.ts';
import { StoredReportDataSource } from './reports/report-data.source.ts';
import { ReportsService } from './reports/reports.service.ts';
import { applianceTimeZone, smtpSettingsFrom } from './reports/report.settings.ts';
import { JobScheduler } from './jobs/job.scheduler.ts';
import { jobsTable } from './jobs/jobs.table.ts';
import { NotifierChannelsRepository } from './store/sqlite/notifier-channels.repository.ts';
import { BlocklistRepository } from './store/sqlite/blocklist.repository.ts';
import { AlertDispatcher } from './notifiers/alert-dispatcher.service.ts';
import { NotifierChannelsService } from './notifiers/notifier-channels.service.ts';
import { discoverNotifierPlugins, NotifierRegistry } from './notifiers/notifier.registry.ts';
import type { Alert } from './notifiers/alert.types.ts';
import type { Severity } from './analyzers/call.context.ts';
import { BlocklistService } from './blocklist/blocklist.service.ts';
import { HostSettingsService, type HostSettingsOptions } from './services/host-settings.service.ts';
import { consumeConsoleReset } from './services/console-reset.service.ts';
import { RestartService } from './services/restart.service.ts';
import { UpgradeService } from './services/upgrade.service.ts';

/** A running service. */
export interface RunningService {
  services: AppServices;
  db: StateDatabase;
  https: HttpsServer;
  http: HttpServer | null;
  /** Bound HTTPS port (useful with port 0 in tests). */
  httpsPort: number;
  /** The setup token when this start created it (printed once), else null. */
  newSetupToken: string | null;
  /** Settles when the events database (opened after the listeners are up) is open; rejects when it cannot open. */
  eventsReady: Promise<void>;
  /** Closes the listeners and the database. */
  close(): Promise<void>;
}

/** Options for tests. */
export interface StartOptions {
  clock?: Clock;
  authPolicy?: AuthPolicy;
  log?: (line: string) => void;
  /** Interface lister (tests may restrict it); libpcap's device list by default. */
  listInterfaces?: () => NetworkInterfaceInfo[];
  /** Where host settings are read back from and how the clock's sync state is read (tests use stand-ins). */
  host?: HostSettingsOptions;
  /** Where the appliance keeps its releases (upgrade bundles); /opt/api-radar by default. */
  installDir?: string;
  /** Public keys trusted to sign upgrade bundles; /usr/lib/api-radar/upgrade-keys by default. */
  upgradeKeysDir?: string;
}

import { serviceVersion } from './config/version.ts';

export { serviceVersion };

/** URLs the appliance answers on (one per non-internal IPv4 address). */
export function managementUrls(httpsPort: number, publicUrl: string): string[] {
  if (publicUrl !== '') return [publicUrl];
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(`https://${a.address}${httpsPort === 443 ? '' : `:${httpsPort}`}/`);
  }
  return out.length > 0 ? out : [`https://localhost:${httpsPort}/`];
}

/** Starts the service described by `config`. */
export async function startService(config: AppConfig, opts: StartOptions = {}): Promise<RunningService> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const clock = opts.clock ?? systemClock;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o750 });
  const db = openStateDatabase(`${config.dataDir}/state.sqlite`);
  const settings = new SettingsRepository(db);
  const users = new UsersRepository(db);
  const sessions = new SessionsRepository(db);
  const audit = new AuditRepository(db);
  const setup = new SetupService(config.dataDir, settings, users, audit, clock);
  const auth = new AuthService(users, sessions, audit, clock, opts.authPolicy ?? DEFAULT_AUTH_POLICY);
  // The events database is opened once HTTPS listens (below): the wizard answers while DuckDB loads; call-log
  // queries wait for it and calls captured meanwhile are held.
  const callLog = new DeferredCallEventStore();
  let eventsDb: EventsDatabase | null = null;
  const captures = new CaptureRunsService(config.dataDir, new CaptureRunsRepository(db), audit, clock, undefined, callLog);
  const calls = new CallsService(callLog, clock, config.dataDir);
  calls.useLevels(() => new SensitivityLevelsService(new SensitiveRepository(db)).list());
  const live = new LiveCaptureService(config.dataDir, settings, audit, clock, callLog, { listInterfaces: opts.listInterfaces ?? (() => listInterfaces()) });
  const settingsService = new SettingsService(settings, audit, clock);
  const version = serviceVersion();
  const health = new HealthService(version, config.dataDir, callLog, live, captures, settings, audit, clock);
  health.isStarting = () => callLog.isOpening();
  const tlsService = new TlsService(config.dataDir, audit, clock);
  const retention = new RetentionService(callLog, settingsService, clock);
  const specs = new SpecsService(new SpecsRepository(db), audit, clock);
  const inventory = new InventoryService(new InventoryRepository(db), settings, audit, clock);
  const findingsRepo = new FindingsRepository(db);
  const risk = new RiskService(new RiskRepository(db), clock);
  const sensitive = new SensitiveService(new SensitiveRepository(db), audit, clock);
  const sensitiveRaw = new SensitiveRawService(new SensitiveRawRepository(db), audit, clock, config.dataDir, () => settingsService.retention());
  settingsService.onRetentionChange(() => sensitiveRaw.settingsChanged());
  const threats = new ThreatsService(db, findingsRepo, new ActorLinksRepository(db), callLog, audit, clock);
  // The endpoint's risk follows a finding's status at once (the hourly re-scoring catches everything else).
  threats.onStatusChange((f) => risk.rescoreEndpoint(f.host, f.method, f.path));
  calls.useFindings(threats);
  // Each merge is one synchronous SQLite transaction of up to seconds on a large report: the event loop is given back
  // between them so API requests are answered while a run ends.
  const mergeReport = async (report: AnalysisReport, source: string): Promise<void> => {
    const applied = (await specs.apply(report)).report;
    inventory.ingest(applied, source);
    await yieldToLoop();
    threats.ingest(applied, source);
    await yieldToLoop();
    risk.recordReport(applied, source);
    await yieldToLoop();
    sensitive.ingest(applied, source);
  };
  // The same capture uploaded again replaces its own contribution: the source is the file's content hash.
  captures.onDone = (_id, report, sha256) => mergeReport(report, `upload:${sha256.slice(0, 16)}`);
  live.onReport = (report, source) => mergeReport(report, source);
  captures.onActors = (links, activity) => threats.mergeActors(links, activity);
  live.onActors = (links, activity) => threats.mergeActors(links, activity);
  const policies = new PoliciesService(new PoliciesRepository(db), audit, clock);
  const pipelinePolicies = (): { policies: Policy[]; timeZone: string } => ({ policies: policies.snapshot(), timeZone: applianceTimeZone(settings) });
  captures.policies = pipelinePolicies;
  live.policies = pipelinePolicies;
  const onPolicyAction = (a: PolicyAction): void => void policies.handleAction(a).catch((err: Error) => log(`policy action failed: ${err.message}`));
  captures.onPolicyAction = onPolicyAction;
  live.onPolicyAction = onPolicyAction;
  policies.onChange(() => live.updatePolicies());
  captures.inventoryDecisions = () => inventory.decisions();
  live.inventoryDecisions = () => inventory.decisions();
  inventory.onDecisionsChange(() => live.updateInventoryDecisions());
  captures.sensitiveLevels = () => sensitive.levels.overrides();
  live.sensitiveLevels = () => sensitive.levels.overrides();
  captures.sensitiveRawSamples = () => sensitiveRaw.perField();
  captures.onSensitiveRaw = (samples) => void sensitiveRaw.store(samples);
  sensitive.levels.subscribe(() => {
    live.updateSensitiveLevels();
    captures.updateSensitiveLevels();
  });
  const notifierRepo = new NotifierChannelsRepository(db);
  const notifierRegistry = new NotifierRegistry(await discoverNotifierPlugins());
  const alerts = new AlertDispatcher(notifierRepo, notifierRegistry, clock, { version, publicUrl: config.publicUrl, log: (line) => log(`alerts: ${line}`) });
  const notifierChannels = new NotifierChannelsService(notifierRepo, notifierRegistry, alerts, audit, clock);
  const blocklist = new BlocklistService(new BlocklistRepository(db), audit, clock);
  // Grouping windows and rate limits are judged on the clock; this tick sends what fell due.
  const alertsTimer = setInterval(() => void alerts.pump(), 1000);
  alertsTimer.unref();
  // Policies' notify and block actions go to the chosen channels and the block list.
  policies.executor = async (a) => {
    if (a.blockMinutes !== null && a.client !== '') {
      blocklist.addAutomatic(a.client, `policy "${a.policyName}": ${a.evidence}`.slice(0, 500), `policy:${a.policyId}`, a.blockMinutes * 60_000);
    }
    if (a.notify.length > 0) {
      const at = Math.floor(a.tsUs / 1000);
      const alert: Alert = { type: `policy:${a.policyId}`, category: 'policy', severity: a.severity as Severity, host: a.host, endpoint: `${a.method} ${a.path}`, client: a.client, identity: a.identity, evidence: a.evidence, count: 1, firstSeen: at, lastSeen: at, linkPath: '/settings' };
      await alerts.dispatch(alert, a.notify);
    }
  };
  const source = new StoredReportDataSource({ findings: findingsRepo, sensitive: new SensitiveRepository(db), captures, inventory: new InventoryRepository(db), risk });
  const timeZone = applianceTimeZone(settings);
  const reports = new ReportsService({ schedules: new ReportSchedulesRepository(db), runs: new ReportRunsRepository(db), source, clock, dataDir: config.dataDir, version, timeZone: () => applianceTimeZone(settings), smtp: () => smtpSettingsFrom(settings), audit, log });
  const jobRuns = new JobRunsRepository(db);
  const jobs = new JobScheduler(jobsTable({ reports, jobRuns, callLogRetention: retention, inventory, blocklist: { list: blocklist, channels: notifierChannels }, risk, rollups: callLog, alertRetry: notifierChannels }), new JobsRepository(db), jobRuns, clock, timeZone, log);
  // A time-zone change moves the cron schedules and the policies' time-of-day windows at once.
  settingsService.onSystemChange(() => {
    jobs.setTimeZone(applianceTimeZone(settings)).catch((err: Error) => log(`jobs: time zone change failed: ${err.message}`));
    live.updatePolicies();
  });
  // Live cron only on the system clock; tests with a ManualClock drive jobs.tick().
  if (opts.clock === undefined) jobs.start();
  const policyPreview = new PolicyPreviewService(callLog, clock, () => applianceTimeZone(settings));
  const upgrade = new UpgradeService(config.dataDir, version, audit, clock, opts.installDir, opts.upgradeKeysDir);
  const host = new HostSettingsService(config.dataDir, settingsService, opts.host);
  host.publish();
  const services: AppServices = { version, clock, setup, auth, users, audit, captures, calls, live, settings: settingsService, health, tls: tlsService, specs, inventory, policies, policyPreview, threats, reports, jobs, alerts, notifierChannels, blocklist, risk, sensitive, sensitiveRaw, host, upgrade, uiDir: config.uiDir, secure: true };
  services.restart = new RestartService(audit, clock);
  const newSetupToken = setup.ensureToken();
  const consoleReset = await consumeConsoleReset(config.dataDir, { users, sessions, audit, clock });
  if (consoleReset !== null) log(consoleReset);
  const tls = ensureCertificate(config.dataDir);
  const app = createApp(services);
  const https = createHttpsServer({ key: tls.key, cert: tls.cert }, app);
  tlsService.apply = (m) => https.setSecureContext({ key: m.key, cert: m.cert });
  await new Promise<void>((resolve, reject) => {
    https.once('error', reject);
    https.listen(config.httpsPort, config.host, () => resolve());
  });
  const httpsPort = (https.address() as AddressInfo).port;
  let http: HttpServer | null = null;
  if (config.httpPort !== 0) {
    http = createHttpServer((req, res) => {
      const host = (req.headers.host ?? 'localhost').replace(/:\d+$/, '').replace(/[^A-Za-z0-9.\-[\]:]/g, '');
      res.writeHead(301, { Location: `https://${host}${httpsPort === 443 ? '' : `:${httpsPort}`}${req.url ?? '/'}` });
      res.end();
    });
    const h = http;
    await new Promise<void>((resolve, reject) => {
      h.once('error', reject);
      h.listen(config.httpPort, config.host, () => resolve());
    });
  }
  await live.startIfEnabled();
  const urls = managementUrls(httpsPort, config.publicUrl);
  alerts.setPublicUrl(urls[0]);
  log(`API Radar ${services.version} listening: ${urls.join(' ')}`);
  if (!setup.isComplete()) {
    log(newSetupToken !== null ? `setup token: ${newSetupToken} (also in ${config.dataDir}/setup-token)` : `setup pending: the setup token is in ${config.dataDir}/setup-token`);
  }
  const openEvents = async (): Promise<DuckDbCallsRepository> => {
    eventsDb = await openEventsDatabase(`${config.dataDir}/events.duckdb`);
    try {
      return await DuckDbCallsRepository.open(eventsDb, { onError: (err) => log(`call log: flush failed: ${err.message}`) });
    } catch (err) {
      eventsDb.close();
      eventsDb = null;
      throw err;
    }
  };
  // On the first boot (setup pending) DuckDB is loaded only when something needs the call log: its load blocks the
  // event loop, which under software emulation kept the wizard from answering for a minute.
  const eventsReady = setup.isComplete() ? callLog.open(openEvents) : callLog.openWhenUsed(openEvents);
  eventsReady.then(
    () => log('events database ready'),
    (err: Error) => log(`events database failed to open: ${err.message}`),
  );
  return {
    services,
    db,
    https,
    http,
    httpsPort,
    newSetupToken,
    eventsReady,
    async close(): Promise<void> {
      await jobs.stop();
      clearInterval(alertsTimer);
      await alerts.idle(2000);
      alerts.close();
      captures.stopAll();
      await live.stop();
      https.closeAllConnections();
      http?.closeAllConnections();
      await Promise.all([new Promise<void>((r) => https.close(() => r())), http === null ? Promise.resolve() : new Promise<void>((r) => http!.close(() => r()))]);
      await callLog.close().catch(() => undefined);
      eventsDb?.close();
      db.close();
    },
  };
}
