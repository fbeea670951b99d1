// Shared pieces of the end-to-end specs: the admin the run-once wizard creates, where screenshots go, sign-in,
// capture files made by the traffic generator, and a real SMTP server receiving test emails.
import { expect, type Cookie, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** Screenshots of every wizard step and page (looked at after each run, not committed). */
export const SHOTS = 'test-results/screenshots';
/** The admin account the wizard spec creates. */
export const ADMIN = { username: 'secadmin', password: 'Browser-Test-2026!' };
const CAPTURES = 'tmp/e2e-captures';

/** Session cookies of the users signed in so far in this worker, reused so a spec does not spend a sign-in attempt. */
const sessions = new Map<string, Cookie[]>();

/**
 * Signs in (as the wizard's admin unless told) and waits for the overview. The first sign-in of a user goes through the
 * sign-in page; later ones reuse that session while the service still accepts it, because the service allows only
 * 10 sign-in attempts a minute from one address and a quick run of the specs would otherwise be refused.
 */
export async function signIn(page: Page, user: { username: string; password: string } = ADMIN): Promise<void> {
  const key = `${user.username}\u0000${user.password}`;
  const saved = sessions.get(key);
  if (saved !== undefined) {
    await page.context().addCookies(saved);
    const me = await page.request.get('/api/v1/auth/me');
    if (me.ok() && ((await me.json()) as { user?: { username?: string } }).user?.username === user.username) {
      await page.goto('/');
      await expect(page.getByTestId('signed-in-as')).toBeVisible();
      return;
    }
    sessions.delete(key);
    await page.context().clearCookies();
  }
  await page.goto('/login');
  await page.getByTestId('login-username').fill(user.username);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
  sessions.set(key, await page.context().cookies());
}

/** Writes a generator capture (`--scenario <name>` or `--bench <n>`) once and returns its path. */
export function generatedCapture(kind: { scenario: string } | { bench: number }): string {
  mkdirSync(CAPTURES, { recursive: true });
  const path = 'scenario' in kind ? `${CAPTURES}/${kind.scenario}.pcap` : `${CAPTURES}/bench-${kind.bench}.pcap`;
  if (!existsSync(path)) {
    const args = 'scenario' in kind ? ['--out', CAPTURES, '--scenario', kind.scenario, '--format', 'pcap'] : ['--bench', String(kind.bench), '--out', path, '--format', 'pcap'];
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/traffic/generate.cli.ts', ...args], { stdio: 'ignore' });
  }
  return path;
}

/** Uploads a capture through the overview's upload card and waits until its analysis is done. */
export async function uploadCapture(page: Page, path: string): Promise<void> {
  const done = page.waitForResponse(
    async (r) => r.request().method() === 'GET' && /\/api\/v1\/captures\/\d+$/.test(r.url()) && ((await r.json()) as { run?: { status?: string } }).run?.status === 'done',
    { timeout: 60_000 },
  );
  await page.getByTestId('capture-file').setInputFiles(path);
  await page.getByTestId('capture-upload').click();
  await done;
  await expect(page.getByTestId('endpoints')).toBeVisible({ timeout: 30_000 });
}

/** The signed-in session's CSRF token (for writes through `page.request`). */
export async function csrf(page: Page): Promise<string> {
  return ((await (await page.request.get('/api/v1/auth/me')).json()) as { csrfToken: string }).csrfToken;
}

/** Counts (and dismisses) every dialog the page opens; hostile strings must never open one. */
export function countDialogs(page: Page): () => number {
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  return () => dialogs;
}

/** A real SMTP server on loopback (plain, with a user name and password) that keeps the messages it receives. */
export async function smtpReceiver(): Promise<{ port: number; mails: ParsedMail[]; close: () => void }> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.username === 'radar' && auth.password === 'Mail-Pass-1') cb(null, { user: 'radar' });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, _session, cb) {
      simpleParser(stream).then((m) => { mails.push(m); cb(); }, (err: Error) => cb(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, mails, close: () => server.close() };
}
