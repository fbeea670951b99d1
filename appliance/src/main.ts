/**
 * Entry point of the API Radar service (`npm start`, the systemd unit): validates the environment, starts the
 * service and shuts it down cleanly on SIGTERM/SIGINT. Under systemd it also shuts down on "restart service" and
 * exits with RESTART_EXIT_CODE, which the unit's `Restart=on-failure` answers by starting it again.
 */
import { ConfigError, loadConfig } from './config/app.config.ts';
import { startService } from './service.runtime.ts';
import { RESTART_EXIT_CODE, supervisorFromEnv } from './services/restart.service.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const service = await startService(config);
  // a call log that cannot open (a failed migration, a database of a newer version) stops the service as a failed
  // start would: systemd restarts it and an upgrade's health check sees it
  service.eventsReady.catch(() => process.exit(1));
  let stopping = false;
  const stop = (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    service.close().then(
      () => process.exit(exitCode),
      (err: unknown) => {
        console.error('shutdown failed:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const supervisor = supervisorFromEnv(process.env);
  if (supervisor !== '') service.services.restart?.supervise(supervisor, () => stop('restart requested', RESTART_EXIT_CODE));
}

main().catch((err: unknown) => {
  console.error('API Radar failed to start:', err);
  process.exit(1);
});
