/**
 * Generated abuse traffic with ground truth: normal clients of a banking API (logins, their own accounts, a few
 * mistyped passwords, ordinary browsing, polling) mixed with one attacker per abuse pattern — credential stuffing,
 * brute force (from one client and distributed over five), sequential-id enumeration, passive BOLA probing, scraping by paging and by id coverage, a rate
 * burst, and a headless bot. Deterministic by seed. `groundTruth` says which client must be flagged for what, and
 * `normalClients` which must not be flagged at all.
 */
import type { Headers, RequestSpec, ResponseSpec } from '../http-message.builder.ts';
import { ScenarioBuilder, type HttpConn } from '../scenario.builder.ts';
import type { Scenario } from '../scenario.types.ts';

/** One expected detection. */
export interface AbuseTruth {
  /** Finding type id, e.g. `credential_stuffing`. */
  type: string;
  /** Client IP that must carry it. */
  client: string;
  description: string;
}

/** A generated abuse scenario and its ground truth. */
export interface AbuseScenario {
  scenario: Scenario;
  groundTruth: AbuseTruth[];
  /** Clients that behave normally and must not be flagged for any abuse. */
  normalClients: string[];
}

const HOST = 'api.bank.example';
const SERVER = '10.20.0.10';
const JSON_HEADERS: Headers = [['Content-Type', 'application/json'], ['Cache-Control', 'no-store']];

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

/** A bearer JWT for `sub` (random signature). */
function jwtFor(b: ScenarioBuilder, sub: string): string {
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, iat: 1_700_000_000, exp: 1_700_007_200 })}.${Buffer.from(b.rng.hex(32), 'hex').toString('base64url')}`;
}

function appHeaders(agent: string, token?: string): Headers {
  const h: Headers = [['User-Agent', agent], ['Accept', 'application/json'], ['Accept-Language', 'zh-CN,zh;q=0.9']];
  if (token !== undefined) h.push(['Authorization', `Bearer ${token}`]);
  return h;
}

function login(username: string, password: string, agent: string): RequestSpec {
  return { method: 'POST', uri: '/api/v1/auth/login', host: HOST, headers: appHeaders(agent), body: JSON.stringify({ username, password }), contentType: 'application/json' };
}

function loginResponse(ok: boolean, token: string): ResponseSpec {
  return ok
    ? { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ access_token: token, expires_in: 7200 }) }
    : { status: 401, headers: JSON_HEADERS, body: '{"error":"invalid_credentials"}' };
}

function get(uri: string, agent: string, token?: string): RequestSpec {
  return { method: 'GET', uri, host: HOST, headers: appHeaders(agent, token) };
}

function okJson(body: unknown): ResponseSpec {
  return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

const NOT_FOUND: ResponseSpec = { status: 404, headers: JSON_HEADERS, body: '{"error":"not_found"}' };

/** Think time of a person using an app: 0.4–6 s. */
function human(b: ScenarioBuilder): number {
  return b.rng.int(400_000, 6_000_000);
}

function open(b: ScenarioBuilder, client: string, startUs: number): HttpConn {
  const c = b.conn({ clientIp: client, serverIp: SERVER }, startUs);
  c.conv.handshake();
  return c;
}

/** A normal customer: logs in (sometimes after a typo), lists accounts, opens a few of them, pages a little. */
function normalCustomer(b: ScenarioBuilder, client: string, user: string, startUs: number): void {
  const agent = b.rng.pick(['MyBank-iOS/7.2.0 CFNetwork/1485 Darwin/23.1.0', 'MyBank-Android/7.2.0 okhttp/4.12.0', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36']);
  const c = open(b, client, startUs);
  const token = jwtFor(b, user);
  const typos = b.rng.int(0, 2);
  for (let i = 0; i < typos; i++) c.exchange(login(user, `typo${i}`, agent), loginResponse(false, ''), { thinkUs: human(b) });
  c.exchange(login(user, 'correct-horse', agent), loginResponse(true, token), { thinkUs: human(b) });
  const ids = Array.from({ length: b.rng.int(2, 6) }, () => String(b.rng.int(100_000, 999_999)));
  c.exchange(get('/api/v1/accounts', agent, token), okJson({ data: ids.map((id) => ({ id, type: 'debit', balance: b.rng.int(0, 100_000) })) }), { thinkUs: human(b) });
  for (let round = 0; round < 3; round++) {
    for (const id of ids) c.exchange(get(`/api/v1/accounts/${id}`, agent, token), okJson({ id, balance: b.rng.int(0, 100_000) }), { thinkUs: human(b) });
    c.exchange(get(`/api/v1/accounts/${ids[0]}/transactions?page=${round + 1}`, agent, token), okJson({ data: [], page: round + 1 }), { thinkUs: human(b) });
  }
  if (b.rng.chance(0.3)) c.exchange(get(`/api/v1/accounts/${b.rng.int(100_000, 999_999)}`, agent, token), NOT_FOUND, { thinkUs: human(b) });
  c.conv.close();
}

/** A partner integration: polls a rates endpoint every ~20 s with jitter (automated but normal). */
function normalPoller(b: ScenarioBuilder, client: string, startUs: number): void {
  const c = open(b, client, startUs);
  const agent = 'python-requests/2.31.0';
  const key: Headers = [['User-Agent', agent], ['Accept', 'application/json'], ['X-API-Key', `pk_live_${b.rng.hex(24)}`]];
  for (let i = 0; i < 25; i++) {
    c.exchange({ method: 'GET', uri: '/api/v1/fx/rates?base=CNY', host: HOST, headers: key }, okJson({ base: 'CNY', usd: 0.14 }), { thinkUs: b.rng.int(12_000_000, 28_000_000) });
  }
  c.conv.close();
}

/** Builds the scenario. */
export function generateAbuseScenario(seed = 1): AbuseScenario {
  const b = new ScenarioBuilder(seed);
  const truth: AbuseTruth[] = [];
  const normal: string[] = [];

  for (let i = 0; i < 14; i++) {
    const ip = `10.30.0.${20 + i}`;
    normal.push(ip);
    normalCustomer(b, ip, `cust${1000 + i}`, b.rng.int(0, 120_000_000));
  }
  for (let i = 0; i < 2; i++) {
    const ip = `10.31.0.${5 + i}`;
    normal.push(ip);
    normalPoller(b, ip, b.rng.int(0, 10_000_000));
  }

  {
    const ip = '203.0.113.10';
    truth.push({ type: 'credential_stuffing', client: ip, description: '60 logins with 60 leaked usernames, 2 succeed' });
    const c = open(b, ip, 5_000_000);
    for (let i = 0; i < 60; i++) {
      const ok = i === 23 || i === 47;
      c.exchange(login(`leak${b.rng.int(10_000, 99_999)}_${i}@mail.example`, `Summer20${i % 10}!`, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/123.0'), loginResponse(ok, ok ? jwtFor(b, `leak${i}`) : ''), { thinkUs: b.rng.int(200_000, 1_500_000) });
    }
    c.conv.close();
  }
  {
    const ip = '203.0.113.11';
    truth.push({ type: 'brute_force', client: ip, description: '30 passwords against one account, the last one works' });
    const c = open(b, ip, 8_000_000);
    for (let i = 0; i < 30; i++) c.exchange(login('cust1003', `guess-${i}-${b.rng.hex(3)}`, 'okhttp/4.9.0'), loginResponse(i === 29, jwtFor(b, 'cust1003')), { thinkUs: b.rng.int(300_000, 2_000_000) });
    c.conv.close();
  }
  {
    const bots = [0, 1, 2, 3, 4].map((i) => `198.18.7.${10 + i}`);
    for (const ip of bots) truth.push({ type: 'brute_force', client: ip, description: 'distributed brute force: 5 clients take turns guessing one account, 5 guesses each' });
    bots.forEach((ip, i) => {
      const c = open(b, ip, 40_000_000 + i * 400_000);
      for (let k = 0; k < 5; k++) c.exchange(login('cust1007', `spray-${i}-${k}`, 'python-requests/2.28.1'), loginResponse(false, ''), { thinkUs: 2_000_000 + b.rng.int(0, 50_000), serverDelayUs: 500 });
      c.conv.close();
    });
  }
  {
    const ip = '203.0.113.12';
    truth.push({ type: 'enumeration', client: ip, description: 'walks 80 sequential account ids, most answered 404' });
    const c = open(b, ip, 12_000_000);
    const token = jwtFor(b, 'cust2001');
    for (let i = 0; i < 80; i++) {
      const id = 500_000 + i;
      c.exchange(get(`/api/v1/accounts/${id}`, 'okhttp/4.12.0', token), i % 9 === 0 ? okJson({ id: String(id), balance: 10 }) : NOT_FOUND, { thinkUs: b.rng.int(100_000, 900_000) });
    }
    c.conv.close();
  }
  {
    const ip = '203.0.113.13';
    truth.push({ type: 'enumeration', client: ip, description: 'passive BOLA: one identity reads 40 other customers\u2019 accounts (ids it was never given), all 200' });
    const c = open(b, ip, 15_000_000);
    const token = jwtFor(b, 'mallory');
    c.exchange(get('/api/v1/accounts', 'MyBank-Android/7.2.0 okhttp/4.12.0', token), okJson({ data: [{ id: '777001' }] }), { thinkUs: human(b) });
    for (let i = 0; i < 40; i++) {
      const id = String(b.rng.int(100_000, 999_999));
      c.exchange(get(`/api/v1/accounts/${id}`, 'MyBank-Android/7.2.0 okhttp/4.12.0', token), okJson({ id, balance: b.rng.int(0, 9000) }), { thinkUs: b.rng.int(500_000, 4_000_000) });
    }
    c.conv.close();
  }
  {
    const ip = '203.0.113.14';
    truth.push({ type: 'scraping', client: ip, description: 'pages through the customer directory: 70 pages' });
    const c = open(b, ip, 20_000_000);
    const token = jwtFor(b, 'partner-x');
    for (let i = 1; i <= 70; i++) c.exchange(get(`/api/v1/customers?page=${i}&size=100`, 'Java/17.0.2', token), okJson({ data: [{ id: i }], page: i }), { thinkUs: b.rng.int(200_000, 2_000_000) });
    c.conv.close();
  }
  {
    const ip = '203.0.113.15';
    truth.push({ type: 'rate_anomaly', client: ip, description: '1,300 quote calls in about a minute' });
    const c = open(b, ip, 30_000_000);
    const token = jwtFor(b, 'cust3001');
    for (let i = 0; i < 1300; i++) c.exchange(get('/api/v1/fx/quote?pair=USDCNY', 'Go-http-client/1.1', token), okJson({ bid: 7.1, ask: 7.2 }), { thinkUs: b.rng.int(5_000, 60_000), serverDelayUs: b.rng.int(300, 2000) });
    c.conv.close();
  }
  {
    const ip = '203.0.113.16';
    truth.push({ type: 'automation', client: ip, description: 'headless browser fetching product pages every 1.5 s exactly' });
    const c = open(b, ip, 25_000_000);
    for (let i = 0; i < 40; i++) c.exchange(get(`/api/v1/products/${['cards', 'loans', 'deposits', 'funds'][i % 4]}`, 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36'), okJson({ items: [] }), { thinkUs: 1_500_000, serverDelayUs: 1000 });
    c.conv.close();
  }

  const scenario = b.build(
    { name: 'abuse-mix', description: 'Normal banking API clients and one attacker per abuse pattern, with ground truth.', formats: ['pcap', 'pcapng'], lossy: false, notes: 'Lossless.' },
    seed,
  );
  return { scenario, groundTruth: truth, normalClients: normal };
}
