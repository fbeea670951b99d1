// Unit tests of the host-settings parsing (appliance/src/services/host-settings.service.ts): the desired-state text
// the root script reads, its status file read back, and timedatectl's output as a sync status, with values that are
// not host names or addresses dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredStateText, parseApplyStatus, parseTimeSpan, parseTimeSync } from '../../../appliance/src/services/host-settings.service.ts';

const SHOW = 'Timezone=Asia/Shanghai\nLocalRTC=no\nCanNTP=yes\nNTP=yes\nNTPSynchronized=yes\nTimeUSec=Sun 2026-11-29 19:56:33 CST\n';
const SHOW_TIMESYNC = [
  'LinkNTPServers=',
  'SystemNTPServers=ntp.aliyun.com 10.0.0.1',
  'RuntimeNTPServers=',
  'FallbackNTPServers=0.debian.pool.ntp.org 1.debian.pool.ntp.org',
  'ServerName=ntp.aliyun.com',
  'ServerAddress=203.107.6.88',
  'RootDistanceMaxUSec=5s',
  'PollIntervalMinUSec=32s',
  'PollIntervalMaxUSec=34min 8s',
  'PollIntervalUSec=2min 8s',
  'NTPMessage={ Leap=0, Version=4, Mode=4, Stratum=2, Precision=-25 }',
  'Frequency=-1234567',
].join('\n');

test('desired state: one line per setting in the format host-apply.sh reads', () => {
  assert.equal(
    desiredStateText({ timezone: 'UTC', ntpServers: ['a.example', '10.0.0.1'] }, { automaticSecurityUpdates: false }),
    '# Written by the API Radar service; applied as root by api-radar-host-apply.service.\nntp=a.example 10.0.0.1\nauto-upgrades=off\n',
  );
  assert.match(desiredStateText({ timezone: 'UTC', ntpServers: [] }, { automaticSecurityUpdates: true }), /\nntp=\nauto-upgrades=on\n$/);
});

test('apply status: ok and error files; anything else is no status', () => {
  assert.deepEqual(parseApplyStatus('result=ok\nat=1795953068\nntp=a.example 10.0.0.1\nauto-upgrades=on\n'), {
    result: 'ok', at: 1795953068000, ntpServers: ['a.example', '10.0.0.1'], automaticSecurityUpdates: true, error: null,
  });
  assert.deepEqual(parseApplyStatus('result=error\nat=1795953068\nerror=line 1: bad\x1b[31m\n'), {
    result: 'error', at: 1795953068000, ntpServers: null, automaticSecurityUpdates: null, error: 'line 1: bad[31m',
  });
  assert.equal(parseApplyStatus('result=maybe\nat=1\n'), null);
  assert.equal(parseApplyStatus('result=ok\n'), null);
  assert.equal(parseApplyStatus(''), null);
});

test('time spans as timedatectl prints them', () => {
  assert.equal(parseTimeSpan('2min 8s'), 128);
  assert.equal(parseTimeSpan('1h 8min 16s'), 4096);
  assert.equal(parseTimeSpan('500ms'), 0.5);
  assert.equal(parseTimeSpan('32s'), 32);
  assert.equal(parseTimeSpan(''), null);
  assert.equal(parseTimeSpan('soon'), null);
});

test('timedatectl output as a sync status', () => {
  assert.deepEqual(parseTimeSync(SHOW, SHOW_TIMESYNC), {
    ntpEnabled: true,
    synchronized: true,
    serverName: 'ntp.aliyun.com',
    serverAddress: '203.107.6.88',
    servers: ['ntp.aliyun.com', '10.0.0.1'],
    pollIntervalSeconds: 128,
  });
  const unsynced = parseTimeSync('NTP=yes\nNTPSynchronized=no\n', 'SystemNTPServers=\nFallbackNTPServers=0.debian.pool.ntp.org\nServerName=\nServerAddress=\nPollIntervalUSec=0\n');
  assert.deepEqual(unsynced, { ntpEnabled: true, synchronized: false, serverName: null, serverAddress: null, servers: ['0.debian.pool.ntp.org'], pollIntervalSeconds: null });
});

test('values that are not host names or addresses are not passed on', () => {
  const s = parseTimeSync('NTP=yes\n', 'SystemNTPServers=<script> ok.example\nServerName=<b>x</b>\nServerAddress=1.2.3.4<\n');
  assert.deepEqual(s.servers, ['ok.example']);
  assert.equal(s.serverName, null);
  assert.equal(s.serverAddress, null);
});
