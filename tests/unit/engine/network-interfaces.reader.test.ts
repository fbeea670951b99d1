// Unit tests of the interface lister: /proc/net/dev parsing, netmask prefix lengths, and the merge of libpcap's
// device list, os.networkInterfaces() and a fixture /sys tree (pseudo devices dropped, unreadable fields null).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeInterfaces, netmaskPrefixLength, parseProcNetDev } from '../../../appliance/src/engine/source/network-interfaces.reader.ts';

const root = mkdtempSync(join(tmpdir(), 'netif-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes /sys/class/net/<name>/<file> fixtures under `sysRoot`. */
function sysIface(sysRoot: string, name: string, files: Record<string, string>): void {
  const dir = join(sysRoot, 'class', 'net', name);
  mkdirSync(dir, { recursive: true });
  for (const [f, v] of Object.entries(files)) writeFileSync(join(dir, f), `${v}\n`);
}

const PROC_NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0
  eth1:123456789012 9876543 1 22 3 4 0 55 611132 5016 6 7 0 0 0 0
  bad: 1 2 3
`;

test('/proc/net/dev is parsed by name, including counters touching the colon', () => {
  const m = parseProcNetDev(PROC_NET_DEV);
  assert.deepEqual([...m.keys()], ['lo', 'eth1']);
  assert.deepEqual(m.get('eth1'), {
    rxBytes: 123456789012,
    rxPackets: 9876543,
    rxErrors: 1,
    rxDropped: 22,
    rxFifo: 3,
    rxFrame: 4,
    rxMulticast: 55,
    txBytes: 611132,
    txPackets: 5016,
    txErrors: 6,
    txDropped: 7,
  });
  assert.equal(m.get('lo')?.rxPackets, 29);
  const glued = parseProcNetDev('eth2:123456789012 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n');
  assert.equal(glued.get('eth2')?.rxBytes, 123456789012);
});

test('netmasks become prefix lengths; non-contiguous masks do not', () => {
  assert.equal(netmaskPrefixLength('255.255.255.0'), 24);
  assert.equal(netmaskPrefixLength('255.0.0.0'), 8);
  assert.equal(netmaskPrefixLength('255.255.255.252'), 30);
  assert.equal(netmaskPrefixLength('255.255.128.0'), 17);
  assert.equal(netmaskPrefixLength('0.0.0.0'), 0);
  assert.equal(netmaskPrefixLength('255.255.255.255'), 32);
  assert.equal(netmaskPrefixLength('ffff:ffff:ffff:ffff::'), 64);
  assert.equal(netmaskPrefixLength('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), 128);
  assert.equal(netmaskPrefixLength('ffff:fe00::'), 23);
  assert.equal(netmaskPrefixLength('::'), 0);
  assert.equal(netmaskPrefixLength('255.0.255.0'), null);
  assert.equal(netmaskPrefixLength('255.255.256.0'), null);
  assert.equal(netmaskPrefixLength('ffff::ffff'), null);
  assert.equal(netmaskPrefixLength('fff0:0:0:0:0:0:0:0:0'), null);
  assert.equal(netmaskPrefixLength('nonsense'), null);
});

test('devices merge pcap, os and /sys; pseudo devices without a /sys entry are dropped', () => {
  const sysRoot = join(root, 'sys1');
  sysIface(sysRoot, 'eth1', { address: '02:AB:00:00:00:01', flags: '0x1103', operstate: 'up', carrier: '1', speed: '10000', mtu: '1500', ifindex: '3', type: '1' });
  sysIface(sysRoot, 'lo', { address: '00:00:00:00:00:00', flags: '0x9', operstate: 'unknown', carrier: '1', mtu: '65536', ifindex: '1', type: '772' });
  sysIface(sysRoot, 'eth2', { address: '02:ab:00:00:00:02', flags: '0x1002', operstate: 'down', speed: '-1', ifindex: '4', type: '1' });
  const infos = describeInterfaces({
    sysRoot,
    procNetDev: PROC_NET_DEV,
    devices: [
      { name: 'eth1', addresses: [{ addr: '192.0.2.5', netmask: '255.255.255.0', broadaddr: '192.0.2.255' }] },
      { name: 'any', description: 'Pseudo-device that captures on all interfaces', addresses: [] },
      { name: 'lo', addresses: [{ addr: '127.0.0.1', netmask: '255.0.0.0' }], flags: 'PCAP_IF_LOOPBACK' },
      { name: 'eth2', addresses: [{ addr: 'fd00::9', netmask: 'ffff:ffff:ffff:ffff::' }] },
      { name: 'nflog', description: 'Linux netfilter log (NFLOG) interface', addresses: [] },
      { name: 'dbus-system', description: 'D-Bus system bus', addresses: [] },
      { name: 'bluetooth-monitor', description: 'Bluetooth Linux Monitor', addresses: [] },
    ],
    os: {
      eth1: [{ address: '192.0.2.5', netmask: '255.255.255.0', family: 'IPv4', mac: '02:ab:00:00:00:01', internal: false, cidr: '192.0.2.5/24' }],
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
    },
  });
  assert.deepEqual(
    infos.map((i) => i.name),
    ['eth1', 'any', 'lo', 'eth2'],
  );
  const [eth1, any, lo, eth2] = infos;
  assert.deepEqual(eth1, {
    name: 'eth1',
    description: null,
    pseudo: false,
    index: 3,
    mac: '02:ab:00:00:00:01',
    hardwareType: 1,
    mtu: 1500,
    operState: 'up',
    carrier: true,
    speedMbps: 10000,
    flags: { up: true, running: true, loopback: false, promiscuous: true },
    addresses: [{ family: 'IPv4', address: '192.0.2.5', netmask: '255.255.255.0', prefixLength: 24, broadcast: '192.0.2.255' }],
    counters: parseProcNetDev(PROC_NET_DEV).get('eth1'),
  });
  assert.equal(any.pseudo, true);
  assert.equal(any.flags, null);
  assert.equal(any.counters, null);
  assert.deepEqual(lo.flags, { up: true, running: true, loopback: true, promiscuous: false });
  assert.equal(lo.hardwareType, 772);
  assert.equal(lo.counters?.rxPackets, 29);
  assert.deepEqual(eth2.flags, { up: false, running: false, loopback: false, promiscuous: false });
  assert.equal(eth2.carrier, null, 'unreadable carrier is null');
  assert.equal(eth2.speedMbps, null, 'speed -1 is unknown');
  assert.equal(eth2.mtu, null);
  assert.equal(eth2.counters, null);
  assert.deepEqual(eth2.addresses, [{ family: 'IPv6', address: 'fd00::9', netmask: 'ffff:ffff:ffff:ffff::', prefixLength: 64, broadcast: null }]);
});

test('without /sys, known pseudo-device names are dropped and pcap flags are used', () => {
  const infos = describeInterfaces({
    sysRoot: join(root, 'no-sys'),
    procNetDev: null,
    os: {},
    devices: [
      { name: 'em0', addresses: [] },
      { name: 'lo0', addresses: [], flags: 'PCAP_IF_LOOPBACK' },
      { name: 'nfqueue', addresses: [] },
      { name: 'dbus-session', addresses: [] },
      { name: 'usbmon1', addresses: [] },
      { name: 'any', addresses: [] },
    ],
  });
  assert.deepEqual(
    infos.map((i) => [i.name, i.flags?.loopback ?? null, i.mac, i.counters]),
    [
      ['em0', null, null, null],
      ['lo0', true, null, null],
      ['any', null, null, null],
    ],
  );
});
