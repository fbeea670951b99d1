// Test harness for integration tests against a running service: starts the real service (HTTPS with its generated
// certificate, SQLite and DuckDB files in a temporary data directory, a ManualClock) and gives HTTPS clients with a
// cookie jar and the CSRF token.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type RunningService, type StartOptions } from '../../../appliance/src/service.runtime.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import { Client } from '../../../scripts/lib/service.client.ts';

export { Client, type Answer } from '../../../scripts/lib/service.client.ts';

/** Runs `fn` against a fresh service; everything is removed afterwards. */
export async function withService(fn: (svc: RunningService, dir: string, clock: ManualClock, client: () => Client) => Promise<void>, opts: Omit<StartOptions, 'clock' | 'log'> = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'radar-svc-'));
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 9));
  const svc = await startService(
    { dataDir: dir, host: '127.0.0.1', httpsPort: 0, httpPort: 0, uiDir: join(dir, 'no-ui'), captureInterface: '', publicUrl: '' },
    { clock, log: () => {}, ...opts },
  );
  const ca = readFileSync(join(dir, 'tls', 'cert.pem'));
  try {
    await fn(svc, dir, clock, () => new Client(svc.httpsPort, ca));
  } finally {
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The admin password the harness sets up. */
export const ADMIN_PASSWORD = 'Radar-Root-2026!';

/** Completes first-run setup with the admin account. */
export async function completeSetup(svc: RunningService, c: Client): Promise<void> {
  const r = await c.call('POST', '/api/v1/setup/complete', { token: svc.newSetupToken, username: 'admin', password: ADMIN_PASSWORD });
  assert.equal(r.status, 200, JSON.stringify(r.json));
}

/** Sets up and signs in as admin; returns the client. */
export async function adminClient(svc: RunningService, client: () => Client): Promise<Client> {
  const c = client();
  await completeSetup(svc, c);
  const r = await c.login('admin', ADMIN_PASSWORD);
  assert.equal(r.status, 200);
  return c;
}

/** Uploads a capture as `name` and waits (up to 20 s) until its analysis is no longer running. */
export async function analyseUpload(admin: Client, pcap: Buffer, name = 'capture.pcap'): Promise<void> {
  const id = ((await admin.call('POST', `/api/v1/captures?name=${encodeURIComponent(name)}`, undefined, { raw: pcap })).json as { run: { id: number } }).run.id;
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (((await admin.call('GET', `/api/v1/captures/${id}`)).json as { run: { status: string } }).run.status !== 'running') return;
  }
}
