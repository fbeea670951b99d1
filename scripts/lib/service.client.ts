/**
 * A small HTTPS client for the appliance's API, used by integration tests and benchmark scripts: trusts the service's
 * own certificate, keeps the session cookie and sends the CSRF token on state-changing calls.
 */
import { request } from 'node:https';

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
    if (data !== undefined) {
      headers['content-type'] = opts.raw !== undefined ? 'application/vnd.tcpdump.pcap' : 'application/json';
      headers['content-length'] = String(data.length);
    }
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

