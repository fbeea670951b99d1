// Test harness for integration tests against a running service: starts the real service (HTTPS with its generated
// certificate, SQLite and DuckDB files in a temporary data directory, a ManualClock) and gives HTTPS clients with a
// cookie jar and the CSRF token.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type RunningService, type StartOptions } from '../../../appliance/src/service.runtime.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';

/** One HTTP answer. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

/** A small HTTPS client trusting the service's own certificate, with a cookie jar per client. */
export class Client {
  cookie = '';
  csrf = '';
  constructor(
    private readonly port: number,
    private readonly ca: Buffer,
  ) {}

  call(method: string, path: string, body?: unknown, opts: { csrf?: boolean; raw?: Buffer } = {}): Promise<Answer> {
    const data = opts.raw ?? (body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (data !== undefined) headers['content-type'] = opts.raw !== undefined ? 'application/vnd.tcpdump.pcap' : 'application/json';
    if (this.cookie !== '') headers.cookie = this.cookie;
    if ((opts.csrf ?? true) && this.csrf !== '') headers['x-csrf-token'] = this.csrf;
    return new Promise((resolve, reject) => {
      const req = request({ host: 'localhost', port: this.port, path, method, headers, ca: this.ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const set = res.headers['set-cookie'];
          if (set !== undefined) this.cookie = set[0].split(';')[0];
          let json: unknown = null;
          try {
            json = text === '' ? null : JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      });
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  async login(username: string, password: string): Promise<Answer> {
    const a = await this.call('POST', '/api/v1/auth/login', { username, password });
    if (a.status === 200) this.csrf = (a.json as { csrfToken: string }).csrfToken;
    return a;
  }
}

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
