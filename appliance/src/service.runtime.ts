/**
 * Starts and stops the service: opens the state database in the data directory, assembles repositories and
 * services, makes sure the setup token (while setup is pending) and the TLS certificate exist, and listens on HTTPS
 * (API + UI) and on plain HTTP (redirect only). Used by main.ts and by the integration tests.
 */
import { mkdirSync } from 'node:fs';
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
import { openEventsDatabase } from './store/duckdb/events.database.ts';
import { DuckDbCallsRepository } from './store/duckdb/calls.repository.ts';
import { CallsService } from './services/calls.service.ts';
import { LiveCaptureService } from './services/live-capture.service.ts';
import { SettingsService } from './services/settings.service.ts';
import { HealthService } from './services/health.service.ts';
import { TlsService } from './services/tls.service.ts';
import { RetentionService } from './services/retention.service.ts';
import { SpecsService } from './services/specs.service.ts';
import { SpecsRepository } from './store/sqlite/specs.repository.ts';
import { InventoryService } from './services/inventory.service.ts';
import { InventoryRepository } from './store/sqlite/inventory.repository.ts';
import { listInterfaces, type NetworkInterfaceInfo } from './engine/source/network-interfaces.reader.ts';
import { CaptureRunsService } from './services/capture-runs.service.ts';
import { CaptureRunsRepository } from './store/sqlite/capture-runs.repository.ts';
import { AuthService, DEFAULT_AUTH_POLICY, type AuthPolicy } from './services/auth.service.ts';
import { createApp } from './server/app.factory.ts';
import type { AppServices } from './server/app.services.ts';
import { ensureCertificate } from './server/tls.certificate.ts';
import { NotifierChannelsRepository } from './store/sqlite/notifier-channels.repository.ts';
import { BlocklistRepository } from './store/sqlite/blocklist.repository.ts';
import { AlertDispatcher } from './notifiers/alert-dispatcher.service.ts';
import { NotifierChannelsService } from './notifiers/notifier-channels.service.ts';
import { discoverNotifierPlugins, NotifierRegistry } from './notifiers/notifier.registry.ts';
import { BlocklistService } from './blocklist/blocklist.service.ts';

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
  const eventsDb = await openEventsDatabase(`${config.dataDir}/events.duckdb`);
  const callLog = await DuckDbCallsRepository.open(eventsDb, { onError: (err) => log(`call log: flush failed: ${err.message}`) });
  const captures = new CaptureRunsService(config.dataDir, new CaptureRunsRepository(db), audit, clock, undefined, callLog);
  const calls = new CallsService(callLog, clock, config.dataDir);
  const live = new LiveCaptureService(config.dataDir, settings, audit, clock, callLog, { listInterfaces: opts.listInterfaces ?? (() => listInterfaces()) });
  const settingsService = new SettingsService(settings, audit, clock);
  const version = serviceVersion();
  const health = new HealthService(version, config.dataDir, callLog, live, captures, settings, audit, clock);
  const tlsService = new TlsService(config.dataDir, audit, clock);
  const retention = new RetentionService(callLog, settingsService, clock);
  const retentionTimer = setInterval(() => {
    retention.run().then(
      (r) => (r.deletedByAge + r.deletedByBudget > 0 ? log(`retention: ${r.deletedByAge} calls past the age limit and ${r.deletedByBudget} over the disk budget deleted`) : undefined),
      (err: Error) => log(`retention failed: ${err.message}`),
    );
  }, 3_600_000);
  retentionTimer.unref();
  const specs = new SpecsService(new SpecsRepository(db), audit, clock);
  const inventory = new InventoryService(new InventoryRepository(db), settings, audit, clock);
  // The same capture uploaded again replaces its own contribution: the source is the file's content hash.
  captures.onDone = async (_id, report, sha256) => void inventory.ingest((await specs.apply(report)).report, `upload:${sha256.slice(0, 16)}`);
  live.onReport = async (report, source) => void inventory.ingest((await specs.apply(report)).report, source);
  const notifierRepo = new NotifierChannelsRepository(db);
  const notifierRegistry = new NotifierRegistry(await discoverNotifierPlugins());
  const alerts = new AlertDispatcher(notifierRepo, notifierRegistry, clock, { version, publicUrl: config.publicUrl, log: (line) => log(`alerts: ${line}`) });
  const notifierChannels = new NotifierChannelsService(notifierRepo, notifierRegistry, alerts, audit, clock);
  const blocklist = new BlocklistService(new BlocklistRepository(db), audit, clock);
  // Grouping windows and rate limits are judged on the clock; this tick sends what fell due.
  const alertsTimer = setInterval(() => void alerts.pump(), 1000);
  alertsTimer.unref();
  const blocklistTimer = setInterval(() => {
    blocklist.expire();
    notifierChannels.pruneDeliveries(90 * 86_400_000);
  }, 60_000);
  blocklistTimer.unref();
  const services: AppServices = { version, clock, setup, auth, users, audit, captures, calls, live, settings: settingsService, health, tls: tlsService, specs, inventory, alerts, notifierChannels, blocklist, uiDir: config.uiDir, secure: true };
  const newSetupToken = setup.ensureToken();
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
  return {
    services,
    db,
    https,
    http,
    httpsPort,
    newSetupToken,
    async close(): Promise<void> {
      clearInterval(retentionTimer);
      clearInterval(alertsTimer);
      clearInterval(blocklistTimer);
      await alerts.idle(2000);
      alerts.close();
      captures.stopAll();
      await live.stop();
      https.closeAllConnections();
      http?.closeAllConnections();
      await Promise.all([new Promise<void>((r) => https.close(() => r())), http === null ? Promise.resolve() : new Promise<void>((r) => http!.close(() => r()))]);
      await callLog.close();
      eventsDb.close();
      db.close();
    },
  };
}
