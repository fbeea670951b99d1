// Tests of the capture step's judgements: the probe verdict that decides which mirror-port advice is shown, the
// management addresses offered as URLs, and the link state of an interface.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkUp, managementAddresses, probeVerdict } from '../../../ui/src/lib/capture/capture.advice.ts';
import type { NetworkInterface } from '../../../ui/src/lib/api/api.types.ts';

function nic(name: string, o: Partial<NetworkInterface> = {}): NetworkInterface {
  return { name, description: null, pseudo: false, mac: null, operState: 'up', carrier: true, speedMbps: null, flags: { up: true, running: true, loopback: false, promiscuous: false }, addresses: [], counters: null, ...o };
}

test('probe verdict: no packets, packets without HTTP, HTTP traffic', () => {
  assert.equal(probeVerdict({ packets: 0, bytes: 0, transactions: 0, hosts: [], seconds: 5 }), 'no_packets');
  assert.equal(probeVerdict({ packets: 40, bytes: 9000, transactions: 0, hosts: [], seconds: 5 }), 'no_http');
  assert.equal(probeVerdict({ packets: 40, bytes: 9000, transactions: 3, hosts: [{ host: 'a', calls: 3 }], seconds: 5 }), 'traffic');
});

test('management addresses skip loopback, pseudo devices and link-local IPv6, and keep the page scheme and port', () => {
  const list = [
    nic('lo', { flags: { up: true, running: true, loopback: true, promiscuous: false }, addresses: [{ family: 'IPv4', address: '127.0.0.1', netmask: '255.0.0.0', prefixLength: 8 }] }),
    nic('any', { pseudo: true }),
    nic('ens18', {
      addresses: [
        { family: 'IPv4', address: '192.168.1.20', netmask: '255.255.255.0', prefixLength: 24 },
        { family: 'IPv6', address: 'fe80::1', netmask: null, prefixLength: 64 },
        { family: 'IPv6', address: '2001:db8::20', netmask: null, prefixLength: 64 },
      ],
    }),
    nic('ens19'),
  ];
  assert.deepEqual(managementAddresses(list, 'https://192.168.1.20:8443'), [
    { iface: 'ens18', address: '192.168.1.20', prefixLength: 24, url: 'https://192.168.1.20:8443' },
    { iface: 'ens18', address: '2001:db8::20', prefixLength: 64, url: 'https://[2001:db8::20]:8443' },
  ]);
  assert.equal(managementAddresses(list, 'https://api-radar')[0].url, 'https://192.168.1.20');
});

test('link state follows operstate, and the running flag when the driver says unknown', () => {
  assert.equal(linkUp(nic('a')), true);
  assert.equal(linkUp(nic('b', { operState: 'down' })), false);
  assert.equal(linkUp(nic('c', { operState: 'unknown' })), true);
  assert.equal(linkUp(nic('d', { operState: null, flags: null })), false);
});
