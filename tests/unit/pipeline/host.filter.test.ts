// Tests of the watch/ignore scope: names, wildcards, addresses, IPv4/IPv6 networks, ignore over watch, validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostFilter, hostEntryError } from '../../../appliance/src/pipeline/host.filter.ts';

test('an empty scope watches everything', () => {
  assert.equal(new HostFilter({ watch: [], ignore: [] }).accepts('a.example.com', '10.0.0.1'), true);
});

test('names, wildcards (sub-domains only) and ports', () => {
  const f = new HostFilter({ watch: ['api.example.com', '*.shop.example.cn'], ignore: [] });
  assert.equal(f.accepts('api.example.com', '1.1.1.1'), true);
  assert.equal(f.accepts('api.example.com:8443', '1.1.1.1'), true);
  assert.equal(f.accepts('www.example.com', '1.1.1.1'), false);
  assert.equal(f.accepts('m.shop.example.cn', '1.1.1.1'), true);
  assert.equal(f.accepts('shop.example.cn', '1.1.1.1'), false);
  assert.equal(f.accepts('evilshop.example.cn', '1.1.1.1'), false);
});

test('server networks in IPv4 and IPv6, and ignore wins', () => {
  const f = new HostFilter({ watch: ['10.20.0.0/16', '2001:db8::/32', '192.168.1.7'], ignore: ['10.20.5.0/24', 'health.internal'] });
  assert.equal(f.accepts('x', '10.20.1.1'), true);
  assert.equal(f.accepts('x', '10.21.1.1'), false);
  assert.equal(f.accepts('x', '10.20.5.9'), false);
  assert.equal(f.accepts('health.internal', '10.20.1.1'), false);
  assert.equal(f.accepts('x', '2001:db8:1::5'), true);
  assert.equal(f.accepts('x', '2001:db9::5'), false);
  assert.equal(f.accepts('x', '::ffff:10.20.1.1'), false, 'mapped addresses are IPv6');
  assert.equal(f.accepts('x', '192.168.1.7'), true);
  assert.equal(new HostFilter({ watch: ['0.0.0.0/0'], ignore: [] }).accepts('x', '8.8.8.8'), true);
});

test('entries are validated with a reason', () => {
  for (const ok of ['api.example.com', '*.example.com', '10.0.0.0/8', '::1', '2001:db8::/48', 'svc_a.local:8080']) assert.equal(hostEntryError(ok), null, ok);
  for (const bad of ['', '10.0.0.0/33', '2001:db8::/129', 'a b', '<script>', '1.2.3.4/x', '*']) assert.notEqual(hostEntryError(bad), null, bad);
});
