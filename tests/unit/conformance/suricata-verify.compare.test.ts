// Unit tests of the suricata-verify comparison: field mapping, check evaluation, version gates, case scoping, summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transaction } from '../../../appliance/src/engine/transaction.types.ts';
import {
  KNOWN_ENGINE_DEFECTS,
  canonicalIp,
  classifyCase,
  compareCase,
  compareVersions,
  crossCheckIndex,
  evaluateCheck,
  recordView,
  splitArgs,
  suricataHostname,
  summarize,
  versionApplies,
  yamlChecks,
  type CaseInput,
  type YamlCheck,
} from '../../../scripts/conformance/suricata-verify.compare.ts';
import { parseYamlSubset } from '../../../scripts/conformance/suricata-yaml.reader.ts';

function tx(over: Partial<Transaction> = {}): Transaction {
  return {
    flowId: 1,
    index: 0,
    startTs: 0,
    endTs: 0,
    latencyUs: null,
    ipVersion: 4,
    clientIp: '10.0.0.1',
    clientPort: 40000,
    serverIp: '10.0.0.2',
    serverPort: 80,
    vlans: [],
    method: 'GET',
    uri: '/index.html?a=1',
    path: '/index.html',
    query: 'a=1',
    host: 'www.example.com:8080',
    httpVersion: 'HTTP/1.1',
    requestHeaders: [
      ['Host', 'www.example.com:8080'],
      ['User-Agent', 'curl/8'],
    ],
    requestBody: null,
    status: 200,
    reason: 'OK',
    responseHeaders: [
      ['Content-Type', 'text/html; charset=utf-8'],
      ['Location', '/next'],
    ],
    responseBody: { data: Buffer.alloc(0), wireLength: 14, contentEncoding: [], chunked: false, trailers: [] },
    requestBytes: 0,
    responseBytes: 0,
    flags: 0,
    ...over,
  };
}

function check(match: YamlCheck['match'], count: number | null = 1, extra: Partial<YamlCheck> = {}): YamlCheck {
  return { eventType: 'http', count, lt: null, gt: null, minVersion: null, ltVersion: null, match, ...extra };
}

function caseInput(over: Partial<CaseInput> = {}): CaseInput {
  return { name: 'x', pcapPath: '/x.pcap', args: [], requires: {}, httpChecks: [], evidenceChecks: [], rules: '', tags: [], midstreamDirs: 0, indexMismatch: null, ...over };
}

test('record view maps our transaction onto Suricata eve http fields', () => {
  const v = recordView(tx());
  assert.equal(v.fields.get('http.hostname'), 'www.example.com');
  assert.equal(v.fields.get('http.url'), '/index.html?a=1');
  assert.equal(v.fields.get('http.http_method'), 'GET');
  assert.equal(v.fields.get('http.protocol'), 'HTTP/1.1');
  assert.equal(v.fields.get('http.status'), 200);
  assert.equal(v.fields.get('http.http_user_agent'), 'curl/8');
  assert.equal(v.fields.get('http.http_content_type'), 'text/html');
  assert.equal(v.fields.get('http.redirect'), '/next');
  assert.equal(v.fields.get('http.length'), 14);
  assert.equal(v.fields.get('dest_port'), 80);
  assert.equal(v.fields.get('tx_id'), 0);
});

test('record view: a response without request has no method, url or protocol; no response means length 0', () => {
  const noReq = recordView(tx({ method: '', uri: '', host: '', requestHeaders: [] }));
  assert.equal(noReq.fields.has('http.http_method'), false);
  assert.equal(noReq.fields.has('http.url'), false);
  assert.equal(noReq.fields.has('http.hostname'), false);
  const noRes = recordView(tx({ status: null, responseHeaders: [], responseBody: null }));
  assert.equal(noRes.fields.has('http.status'), false);
  assert.equal(noRes.fields.get('http.length'), 0);
});

test('hostname drops the port but keeps IPv6 brackets', () => {
  assert.equal(suricataHostname('example.com:8080'), 'example.com');
  assert.equal(suricataHostname('example.com'), 'example.com');
  assert.equal(suricataHostname('[::1]:8080'), '[::1]');
  assert.equal(suricataHostname('[::1]'), '[::1]');
});

test('IPv6 addresses compare in canonical form', () => {
  assert.equal(canonicalIp('fe80:0000:0000:0000:020c:29ff:faf2:ab42'), 'fe80::20c:29ff:faf2:ab42');
  assert.equal(canonicalIp('192.168.0.1'), '192.168.0.1');
  const v = [recordView(tx({ ipVersion: 6, serverIp: 'fe80::20c:29ff:faf2:ab42' }))];
  assert.equal(evaluateCheck(check({ dest_ip: 'fe80:0000:0000:0000:020c:29ff:faf2:ab42' }), v).holds, true);
});

test('check evaluation: count, lt, gt and the default of at least one', () => {
  const views = [tx({ uri: '/1' }), tx({ uri: '/2' }), tx({ uri: '/2', index: 1 })].map(recordView);
  assert.equal(evaluateCheck(check({ 'http.url': '/2' }, 2), views).holds, true);
  assert.equal(evaluateCheck(check({ 'http.url': '/2' }, 1), views).holds, false);
  assert.equal(evaluateCheck(check({ 'http.url': '/3' }, 0), views).holds, true);
  assert.equal(evaluateCheck(check({}, null, { lt: 4 }), views).holds, true);
  assert.equal(evaluateCheck(check({}, null, { gt: 3 }), views).holds, false);
  assert.equal(evaluateCheck(check({ 'http.url': '/3' }, null), views).holds, false);
  assert.equal(evaluateCheck(check({ 'http.status': '200', 'http.url': '/1' }), views).holds, true, 'type-lenient equality');
});

test('check evaluation: logging-only keys are ignored, fields without counterpart fail', () => {
  const views = [recordView(tx())];
  const ignored = evaluateCheck(check({ pcap_cnt: 7, 'has-key': 'ether', 'http.url': '/index.html?a=1' }), views);
  assert.equal(ignored.holds, true);
  assert.deepEqual(ignored.ignoredKeys, ['pcap_cnt', 'has-key:ether']);
  const unmapped = evaluateCheck(check({ 'http.http2.stream_id': 0 }), views);
  assert.equal(unmapped.holds, false);
  assert.deepEqual(unmapped.unmappedKeys, ['http.http2.stream_id']);
  assert.equal(evaluateCheck(check({ 'http.http2.stream_id': 0 }, 0), views).holds, true);
  assert.equal(evaluateCheck(check({ 'not-has-key': 'http.xff' }), views).holds, true);
  assert.equal(evaluateCheck(check({ 'has-key': 'http.xff' }), views).holds, false);
});

test('check evaluation: header lists by index and length', () => {
  const views = [recordView(tx())];
  assert.equal(evaluateCheck(check({ 'http.request_headers[1].name': 'User-Agent', 'http.request_headers.__len': 2 }), views).holds, true);
  assert.equal(evaluateCheck(check({ 'http.response_headers[5].name': 'Content-Length' }), views).holds, false);
});

test('version gates: min-version and lt-version against the target', () => {
  assert.equal(compareVersions('8.0.4', '8'), 1);
  assert.equal(compareVersions('7', '7.0.0'), 0);
  assert.equal(versionApplies('7', null, '9.0.0'), true);
  assert.equal(versionApplies('9.1', null, '9.0.0'), false);
  assert.equal(versionApplies(null, '8', '9.0.0'), false);
  assert.equal(versionApplies(null, '10', '9.0.0'), true);
});

test('test.yaml checks are flattened, with event_type and version gates split out', () => {
  const doc = parseYamlSubset(
    ['checks:', '- filter:', '    requires:', '      lt-version: 8', '    count: 1', '    match:', '      event_type: http', '      pcap_cnt: 2', '      http:', '        url: /a', '        request_headers:', '        - name: Host'].join('\n'),
  );
  assert.deepEqual(yamlChecks(doc), [
    { eventType: 'http', count: 1, lt: null, gt: null, minVersion: null, ltVersion: '8', match: { pcap_cnt: 2, 'http.url': '/a', 'http.request_headers[0].name': 'Host' } },
  ]);
});

test('index cross-check reports differing http fields', () => {
  const idx = [{ event_type: 'http', count: 1, lt: null, gt: null, min_version: null, fields: { 'http.url': '/a' } }];
  assert.equal(crossCheckIndex(idx, [check({ 'http.url': '/a', dest_port: 80 })]), null);
  assert.match(crossCheckIndex(idx, [check({ 'http.url': '/b' })]) ?? '', /http\.url/);
  assert.match(crossCheckIndex(idx, []) ?? '', /1 http checks/);
});

test('args given as one string are split into options', () => {
  assert.deepEqual(splitArgs(['-k none --set stream.midstream=true', '--simulate-ips']), ['-k none', '--set stream.midstream=true', '--simulate-ips']);
});

test('scope: HTTP/2 and Suricata verdict/logging policy cases are out of scope, from configuration only', () => {
  assert.equal(classifyCase(caseInput({ httpChecks: [check({ 'http.http2.stream_id': 1 })] })).scope, 'http2');
  assert.equal(classifyCase(caseInput({ httpChecks: [check({ 'http.http2.stream_id': 0 }, 0)] })).scope, 'in-scope');
  assert.equal(classifyCase(caseInput({ args: ['--set stream.midstream-policy=drop-flow'] })).scope, 'verdict-policy');
  assert.equal(classifyCase(caseInput({ midstreamDirs: 1 })).scope, 'verdict-policy');
  assert.equal(classifyCase(caseInput({ midstreamDirs: 1, args: ['--set stream.midstream=true'] })).scope, 'in-scope');
  assert.equal(classifyCase(caseInput({ args: ['--simulate-ips'], rules: 'drop http any any -> any any (sid:1;)\n' })).scope, 'verdict-policy');
  assert.equal(classifyCase(caseInput({ args: ['--simulate-ips'], rules: 'alert http any any -> any any (sid:1;)\n' })).scope, 'in-scope');
  assert.equal(classifyCase(caseInput({ rules: 'config http any any -> any any (config:logging disable, type tx, scope tx; sid:1;)' })).scope, 'verdict-policy');
});

test('compare and summarize: the figure counts in-scope cases only, errors disagree', () => {
  const good = compareCase(caseInput({ name: 'a', httpChecks: [check({ 'http.url': '/1' })] }), [tx({ uri: '/1' })], null);
  const bad = compareCase(caseInput({ name: 'b', httpChecks: [check({ 'http.url': '/1' })] }), [], null);
  const crashed = compareCase(caseInput({ name: 'c', httpChecks: [check({}, 0)] }), [], 'Error: boom');
  const out = compareCase(caseInput({ name: 'd', midstreamDirs: 2, httpChecks: [check({}, 0)] }), [tx()], null);
  assert.equal(good.agree, true);
  assert.equal(bad.agree, false);
  assert.equal(crashed.agree, false);
  const s = summarize([good, bad, crashed, out]);
  assert.equal(s.inScope, 3);
  assert.equal(s.agree, 1);
  assert.equal(s.agreementPct.toFixed(2), '33.33');
  assert.deepEqual(s.unexplained, ['b', 'c']);
  assert.deepEqual(s.verdictPolicy, ['d']);
  assert.deepEqual(s.errors, ['c']);
});

test('disagreements are labelled from the two explanation lists and counted apart', () => {
  const meaning = compareCase(caseInput({ name: 'detect-uricontent-06', httpChecks: [check({}, 0)] }), [tx()], null);
  const unknown = compareCase(caseInput({ name: 'http-connect-simple', httpChecks: [check({ 'http.http_method': 'GET' })] }), [], null);
  const fixed = compareCase(caseInput({ name: 'http-connect-simple', httpChecks: [check({ 'http.http_method': 'GET' })] }), [tx()], null);
  assert.equal(meaning.explanationKind, 'meaning');
  assert.equal(unknown.explanationKind, null, 'a case on neither list is not explained');
  assert.equal(fixed.explanationKind, null);
  for (const name of Object.keys(KNOWN_ENGINE_DEFECTS)) {
    const r = compareCase(caseInput({ name, httpChecks: [check({ 'http.http_method': 'GET' })] }), [], null);
    assert.equal(r.explanationKind, 'engine-defect');
  }
  const s = summarize([meaning, unknown, fixed]);
  assert.deepEqual([s.explained, s.engineDefects, s.unexplained, s.agree], [['detect-uricontent-06'], [], ['http-connect-simple'], 1]);
});
