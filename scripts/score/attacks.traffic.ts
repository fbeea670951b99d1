/**
 * Traffic for measuring the attack analyzer: the OWASP CRS regression requests (`../shared/corpora/crs/
 * requests.jsonl`) as Transactions with the attack family each row belongs to, and a seeded benign API traffic
 * generator (JSON, form, XML, multipart, PUT/PATCH, Chinese text bodies and queries, browser and SDK headers,
 * phrases that trip rule-based WAFs such as `ping pong table` or `1 < 2 and 3 > 2`). Shared by the score script,
 * the bench and the integration test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HeaderList, Transaction } from '../../appliance/src/engine/transaction.types.ts';
import { SeededRandom } from '../traffic/seeded.random.ts';

/** Path of the CRS corpus as seen from the project root. */
export const CRS_CORPUS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'corpora', 'crs', 'requests.jsonl');

/** One CRS regression row, reduced to what scoring needs. */
export interface CrsRow {
  rule_id: number;
  test_id: number;
  family: string;
  method: string;
  uri: string;
  headers: Array<[string, string]>;
  body: string | null;
  expect: string;
}

/** The family of ours a CRS rule belongs to, or `other:<what>` for CRS families outside our ten. */
export function crsFamily(ruleId: number): string {
  const r = String(ruleId);
  if (r.startsWith('942')) return 'sqli';
  if (r.startsWith('941')) return 'xss';
  if (r.startsWith('930')) return 'path_traversal';
  if (r.startsWith('932')) return 'command_injection';
  if (r.startsWith('931') || ruleId === 934120) return 'ssrf';
  if (ruleId === 934180 || ruleId === 934200) return 'ssti';
  if (r.startsWith('913')) return 'scanner';
  if (r.startsWith('944')) return 'other:java';
  if (r.startsWith('933')) return 'other:php';
  if (r.startsWith('934')) return 'other:generic';
  return `other:${r.slice(0, 3)}`;
}

/** The CRS rows, or null when the corpus is absent. */
export function loadCrsRows(path = CRS_CORPUS): CrsRow[] | null {
  if (!existsSync(path)) return null;
  const rows: CrsRow[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    rows.push(JSON.parse(line) as CrsRow);
  }
  return rows;
}

/** Wire form of a JS string: UTF-8 bytes read as latin1, as the engine produces strings. */
function wire(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** What {@link makeTransaction} needs. */
export interface TxParts {
  method: string;
  uri: string;
  headers: HeaderList;
  body?: string | Buffer | null;
  status?: number | null;
  responseBody?: string;
  responseType?: string;
  clientIp?: string;
}

let flowSeq = 0;

/** A Transaction from request parts (strings are given as text and converted to wire form). */
export function makeTransaction(p: TxParts): Transaction {
  const uri = wire(p.uri);
  const q = uri.indexOf('?');
  const headers: HeaderList = p.headers.map(([n, v]) => [n, wire(v)]);
  let host = '';
  for (const [n, v] of headers) if (n.toLowerCase() === 'host') host = v.toLowerCase();
  const reqBuf = p.body === undefined || p.body === null ? null : typeof p.body === 'string' ? Buffer.from(p.body, 'utf8') : p.body;
  const resBuf = p.responseBody === undefined ? null : Buffer.from(p.responseBody, 'utf8');
  const ts = 1_700_000_000_000_000 + flowSeq * 1000;
  return {
    flowId: ++flowSeq,
    index: 0,
    startTs: ts,
    endTs: ts + 5000,
    latencyUs: 2000,
    ipVersion: 4,
    clientIp: p.clientIp ?? '198.51.100.7',
    clientPort: 40000 + (flowSeq % 20000),
    serverIp: '10.0.0.2',
    serverPort: 80,
    vlans: [],
    method: p.method,
    uri,
    path: q >= 0 ? uri.slice(0, q) : uri,
    query: q >= 0 ? uri.slice(q + 1) : '',
    host,
    httpVersion: 'HTTP/1.1',
    requestHeaders: headers,
    requestBody: reqBuf === null ? null : { data: reqBuf, wireLength: reqBuf.length, contentEncoding: [], chunked: false, trailers: [] },
    status: p.status === undefined ? 200 : p.status,
    reason: 'OK',
    responseHeaders: p.responseType === undefined ? [] : [['Content-Type', p.responseType]],
    responseBody: resBuf === null ? null : { data: resBuf, wireLength: resBuf.length, contentEncoding: [], chunked: false, trailers: [] },
    requestBytes: 200 + (reqBuf?.length ?? 0),
    responseBytes: 150 + (resBuf?.length ?? 0),
    flags: 0,
  };
}

/** A CRS row as a Transaction (answered 200 without a body). */
export function crsTransaction(row: CrsRow): Transaction {
  return makeTransaction({ method: row.method, uri: row.uri, headers: row.headers, body: row.body });
}

const CHINESE = [
  '关于系统升级的通知：我们将于本周六凌晨进行系统维护，届时服务将暂停（约2小时）。如有疑问，请联系客服。',
  '北京市朝阳区建国路88号', '上海市浦东新区世纪大道100号', '张伟', '李娜', '王芳',
  '订单已发货，请注意查收！', '请输入正确的手机号码', '您的验证码是：<六位数字>，5分钟内有效。',
  '产品描述：这款手机采用6.1英寸屏幕，支持5G网络；电池容量4000mAh。',
  '《用户协议》与《隐私政策》已更新', '退款原因：商品与描述不符 & 包装破损', '备注：请在工作日（周一至周五）送货',
  '会议纪要——第一，确认需求；第二，安排排期；第三，评审设计。', '价格：￥199.00，优惠后￥149.00',
  '你好，世界', '测试 OR 1=1 这样的文字不应该被误报', '搜索：苹果 | 香蕉 | 橙子', '数据库选择（select）与更新',
];

const PHRASES = [
  'ping pong table', '1 < 2 and 3 > 2', 'Tom & Jerry', "rock 'n' roll", "O'Brien", "It's 5 o'clock; time to go",
  'select your plan from the list', 'R&D | Sales', 'price >= 100 and <= 200', '50% off -- today only',
  'email me at alice@example.com', "Let's meet at 10:00; bring the docs", 'cat food & dog food', 'sleep well (8 hours)',
  'Is it 1 or 2?', 'union of workers', 'drop-down menu', 'update the table', 'delete my account please',
  'Q&A: how do I reset my password?', 'see https://docs.example.com/guide#step-2', '<p>Hello <strong>world</strong></p>',
  'x = y + 1', 'I want to order by 10 am', 'A/B testing', 'c:\\users\\public\\report.pdf', 'version 1.2.3 (beta)',
  'fish & chips; tea', "don't -- stop", 'AT&T', 'he said "yes" and left', 'where is my order?', 'script writing class',
  'onboarding checklist', 'http://example.com/a?b=c&d=e', 'user@example.com', 'tags: #summer #sale', '{"note":"json in a string"}',
  'Hello {{name}}, your order {{orderId}} has shipped', '${price} per month', 'a || b', 'if not defined, use the default',
  'for each item in (cart) do checkout', 'echo chamber', 'type: premium', 'set the time', '../ is the parent folder in a path',
  'from home where I live', 'execute the plan', 'having 2 kids = busy', 'alter table layout', 'union station, gate 4',
  'drop table reservation at 7', 'Order by phone: 555-0100', 'C++ & C# developers', 'cat /dog (pets)', '(a + b) * c',
  'N/A', '¯\\_(ツ)_/¯', '#hashtag', ':-) :-( ;-)', '"quoted" -- said he', 'size: 10" x 12"', "it's 1 = 1 they said",
];

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  'okhttp/4.12.0', 'python-requests/2.31.0', 'Go-http-client/1.1', 'curl/8.4.0', 'Java/17.0.8', 'axios/1.6.2',
  'Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7 Build/TQ3A.230805.001)', 'MicroMessenger/8.0.44 NetType/WIFI Language/zh_CN',
];

const WORDS = ['alpha', 'beta', 'order', 'invoice', 'report', 'summer', 'sale', 'phone', 'laptop', 'table', 'chair', 'red', 'blue'];

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** `n` benign API calls from seed `seed`. */
export function benignTransactions(seed: number, n: number): Transaction[] {
  const rng = new SeededRandom(seed);
  const out: Transaction[] = [];
  for (let i = 0; i < n; i++) {
    const text = rng.chance(0.5) ? rng.pick(CHINESE) : rng.pick(PHRASES);
    const headers: HeaderList = [
      ['Host', rng.pick(['api.example.com', 'shop.example.cn', 'gw.example.com:8443'])],
      ['User-Agent', rng.pick(AGENTS)],
      ['Accept', rng.pick(['application/json', '*/*', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'])],
      ['Accept-Language', 'zh-CN,zh;q=0.9,en;q=0.8'],
    ];
    if (rng.chance(0.5)) headers.push(['Authorization', `Bearer eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: `u${rng.int(1, 9999)}`, name: rng.pick(CHINESE).slice(0, 4) })).toString('base64url')}.${rng.hex(43)}`]);
    if (rng.chance(0.4)) headers.push(['Cookie', `sid=${rng.hex(32)}; lang=zh-CN; cart=${enc(JSON.stringify({ items: rng.int(0, 9) }))}; pref=${Buffer.from(rng.pick(WORDS) + ':' + rng.pick(WORDS)).toString('base64')}`]);
    if (rng.chance(0.3)) headers.push(['Referer', `https://shop.example.cn/search?q=${enc(text)}&page=${rng.int(1, 9)}`]);
    if (rng.chance(0.3)) headers.push(['X-Forwarded-For', `203.0.113.${rng.int(1, 254)}, 10.0.${rng.int(0, 9)}.${rng.int(1, 254)}`]);
    if (rng.chance(0.2)) headers.push(['X-Api-Version', rng.pick(['2', '2024-01-01', 'v3'])]);
    if (rng.chance(0.2)) headers.push(['X-Request-Id', rng.uuid()]);
    const id = rng.int(1, 1_000_000);
    const kind = rng.int(0, 9);
    let method = 'GET';
    let uri = `/api/v1/items/${id}`;
    let body: string | null = null;
    switch (kind) {
      case 0:
        uri = `/api/v1/search?q=${enc(text)}&page=${rng.int(1, 50)}&size=20&sort=createdAt,desc`;
        break;
      case 1:
        method = 'POST';
        uri = '/api/v1/orders';
        headers.push(['Content-Type', 'application/json']);
        body = JSON.stringify({ customer: { name: rng.pick(CHINESE).slice(0, 6), phone: `138${rng.int(10000000, 99999999)}` }, items: [{ sku: `SKU-${rng.hex(6)}`, qty: rng.int(1, 5), note: text }], coupon: rng.pick(['', 'SPRING-10', '50%OFF']) });
        break;
      case 2:
        method = rng.pick(['PUT', 'PATCH']);
        uri = `/api/v2/users/${rng.uuid()}/profile`;
        headers.push(['Content-Type', 'application/json; charset=utf-8']);
        body = JSON.stringify({ nickname: rng.pick(CHINESE).slice(0, 5), bio: text, address: { city: '杭州', street: rng.pick(CHINESE) }, website: 'https://blog.example.com/~me', tags: [rng.pick(WORDS), rng.pick(WORDS)], settings: { theme: 'dark', notify: true, limit: rng.int(1, 100) } });
        break;
      case 3:
        method = 'POST';
        uri = '/login';
        headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
        body = `username=${enc(rng.pick(['alice', 'bob', '张三', 'o\'neil']))}&password=${enc(rng.pick(["P@ss'w0rd;1", 'hunter2', 'a&b|c', '1 or 1', 'Tr0ub4dor&3']))}&remember=on&redirect=${enc('/account?tab=orders')}`;
        break;
      case 4:
        method = 'POST';
        uri = '/soap/OrderService';
        headers.push(['Content-Type', 'text/xml; charset=utf-8'], ['SOAPAction', '"urn:getOrder"']);
        body = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><getOrder><id>${id}</id><remark>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</remark></getOrder></soap:Body></soap:Envelope>`;
        break;
      case 5: {
        method = 'POST';
        uri = '/api/v1/upload';
        const b = `----WebKitFormBoundary${rng.hex(16)}`;
        headers.push(['Content-Type', `multipart/form-data; boundary=${b}`]);
        body = `--${b}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${text}\r\n--${b}\r\nContent-Disposition: form-data; name="file"; filename="报告 ${rng.int(1, 99)}.txt"\r\nContent-Type: text/plain\r\n\r\n${rng.pick(CHINESE)}\n${rng.pick(PHRASES)}\r\n--${b}--\r\n`;
        break;
      }
      case 6:
        uri = `/api/v1/items?ids=${id},${id + 1},${id + 2}&fields=${enc('name|id|price')}&filter=${enc(text)}&callback_url=${enc('https://hooks.example.com/cb?x=1')}`;
        break;
      case 7:
        method = 'POST';
        uri = '/api/v1/comments';
        headers.push(['Content-Type', 'application/json']);
        body = JSON.stringify({ postId: id, content: `${text}\n${rng.pick(PHRASES)}`, mentions: ['@' + rng.pick(WORDS)], markdown: '**bold** _it_ `code` > quote' });
        break;
      case 8:
        method = 'DELETE';
        uri = `/api/v1/carts/${rng.hex(24)}/items/${id}`;
        break;
      default:
        uri = `/static/${rng.pick(['js', 'css', 'img'])}/${rng.pick(WORDS)}.${rng.hex(8)}.${rng.pick(['js', 'css', 'png'])}`;
    }
    out.push(makeTransaction({ method, uri, headers, body, status: rng.pick([200, 200, 200, 201, 204, 304, 400, 404]), responseBody: JSON.stringify({ ok: true, data: { id, name: text } }), responseType: 'application/json' }));
  }
  return out;
}

/** People and places whose names carry apostrophes, hyphens and accents. */
const NAMES = [
  "O'Brien", "D'Angelo", "Mary-Kate O'Neil", "Shaquille O'Neal", "L'Oréal Paris", "Côte d'Ivoire", "Dell'Acqua",
  "N'Golo Kanté", "Ma'ayan", "Jean-Luc D'Arcy", "McDonald's", "Tim O'Reilly", "'t Hooft", "Hawai'i", "Ta'u",
];

/** English that reads like SQL, shell or markup to a keyword matcher, as users type it into API fields. */
const SQLISH = [
  'select a plan', 'drop us a line', 'Please select your size from the list below', "I'd like to drop off my order",
  'union square, new york', 'insert coin to continue', 'update: the delivery is delayed', 'delete old photos and sleep',
  'order by size, then by color', 'where and when?', 'Is null the same as empty?', 'like and subscribe',
  "It's either this or that", "Don't panic - it's fine", "We're open 9-5, Mon-Fri", 'Rock & roll; blues & jazz',
  'case closed', 'the end', 'from 1 to 10', 'top 10 gifts for dad', 'exec summary attached', 'execute order 66',
  'create table of contents', 'group by region please', 'having fun yet?', 'between you and me', "who's in? (reply by 5pm)",
  'A or B, not both', 'yes and no', "It's 100% cotton, isn't it?", 'Price: $20 (was $25)', 'Save 10%; today only!',
  'cc: john, mary & paul', 'Sleep mode (5 min)', 'Benchmark results: 2x faster', 'Declare your items at customs',
  'Truncate long names', 'Alter the hem by 2 cm', 'Version 2.0 -- changelog', 'Q: why? A: because.', 'x > 5 or y < 3',
  "She said 'hello' and left", "'quoted' text", 'The "best" pizza in town', '#1 seller; 5-star rated', 'wait for delay',
  'sort by: price (low to high)', "can't login -- help!", 'char limit 140', 'substring match', 'count me in',
  'user_name and pass_word fields', 'email or phone', 'Not sure; maybe later', 'My cat (Tom) & dog (Rex)',
];

/** Opaque values clients send: base64 blobs, JWTs, hashes, signed URLs. */
function opaque(rng: SeededRandom): string {
  switch (rng.int(0, 4)) {
    case 0:
      return Buffer.from(rng.pick([...SQLISH, ...NAMES, ...CHINESE])).toString('base64');
    case 1:
      return `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ sub: rng.uuid(), name: rng.pick(NAMES), iat: 1700000000 + rng.int(0, 1e6) })).toString('base64url')}.${Buffer.from(rng.hex(64), 'hex').toString('base64url')}`;
    case 2:
      return Buffer.from(rng.hex(48), 'hex').toString('base64');
    case 3:
      return `sha256=${rng.hex(64)}`;
    default:
      return `https://cdn.example.com/u/${rng.hex(12)}.jpg?X-Amz-Signature=${rng.hex(64)}&X-Amz-Expires=3600`;
  }
}

/**
 * `n` harder benign API calls from seed `seed`: JSON with apostrophes in names (O'Brien), English that reads like
 * SQL ("select a plan", "drop us a line"), Chinese text, base64 blobs and JWTs in bodies, queries and headers,
 * filter/sort query builders. Written apart from the attack rules, as a false-positive check.
 */
export function hardBenignTransactions(seed: number, n: number): Transaction[] {
  const rng = new SeededRandom(seed);
  const out: Transaction[] = [];
  const text = (): string => rng.pick(rng.chance(0.4) ? SQLISH : rng.chance(0.5) ? NAMES : rng.chance(0.5) ? CHINESE : PHRASES);
  for (let i = 0; i < n; i++) {
    const headers: HeaderList = [
      ['Host', 'api.example.com'],
      ['User-Agent', rng.pick(AGENTS)],
      ['Accept', 'application/json'],
    ];
    if (rng.chance(0.5)) headers.push(['Authorization', `Bearer ${opaque(rng)}`]);
    if (rng.chance(0.3)) headers.push(['X-Client-Data', opaque(rng)]);
    if (rng.chance(0.2)) headers.push(['X-User-Name', enc(rng.pick(NAMES))]);
    let method = 'GET';
    let uri: string;
    let body: string | null = null;
    switch (rng.int(0, 5)) {
      case 0:
        uri = `/api/v1/customers?name=${enc(rng.pick(NAMES))}&q=${enc(text())}&sort=${rng.pick(['-created_at', 'name,asc', 'price:desc'])}&filter[status]=${rng.pick(['active', 'closed'])}&op=${rng.pick(['gte', 'lte', 'ne', 'eq', 'in'])}`;
        break;
      case 1:
        method = 'POST';
        uri = '/api/v1/customers';
        headers.push(['Content-Type', 'application/json']);
        body = JSON.stringify({ firstName: rng.pick(['Sean', 'Mary', '伟', 'Aoife']), lastName: rng.pick(NAMES), company: rng.pick(NAMES), notes: [text(), text()], plan: rng.pick(SQLISH), avatar: opaque(rng), active: rng.chance(0.5), score: rng.int(0, 100) / 10 });
        break;
      case 2:
        method = rng.pick(['PUT', 'PATCH']);
        uri = `/api/v2/tickets/${rng.int(1, 99999)}`;
        headers.push(['Content-Type', 'application/json']);
        body = JSON.stringify({ subject: text(), body: `${text()}\n\n${text()}\n-- \n${rng.pick(NAMES)}`, token: opaque(rng), meta: { lang: rng.pick(['zh-CN', 'en-IE']), tags: [rng.pick(WORDS)] } });
        break;
      case 3:
        method = 'POST';
        uri = '/api/v1/feedback';
        headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
        body = `name=${enc(rng.pick(NAMES))}&message=${enc(text())}&rating=${rng.int(1, 5)}&signature=${enc(opaque(rng))}`;
        break;
      case 4:
        uri = `/api/v1/search?query=${enc(text())}&page=${rng.int(1, 9)}&cursor=${enc(opaque(rng))}`;
        break;
      default:
        method = 'POST';
        uri = '/graphql';
        headers.push(['Content-Type', 'application/json']);
        body = JSON.stringify({ query: 'query Customer($id: ID!) { customer(id: $id) { name orders(first: 10) { id total } } }', variables: { id: rng.uuid(), note: text() } });
    }
    out.push(makeTransaction({ method, uri, headers, body, status: rng.pick([200, 201, 400, 404]), responseBody: '{"ok":true}', responseType: 'application/json' }));
  }
  return out;
}
