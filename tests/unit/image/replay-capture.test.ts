// Tests of the image test's capture replayer (image-build/lib/replay-capture.ts): a generated pcap split into the
// Ethernet frames sent one per UDP datagram to QEMU's socket backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcapFrames } from '../../../image-build/lib/replay-capture.ts';
import { generateScenario, writeScenarioCapture } from '../../../scripts/traffic/scenario.catalog.ts';

test('every packet of a pcap becomes one frame, bytes unchanged', () => {
  const { buffer, packets } = writeScenarioCapture(null, generateScenario('keepalive'), { format: 'pcap' });
  const frames = pcapFrames(buffer!);
  assert.equal(frames.length, packets);
  assert.equal(frames.reduce((n, f) => n + f.length + 16, 24), buffer!.length);
  for (const f of frames) assert.ok(f.readUInt16BE(12) === 0x0800 || f.readUInt16BE(12) === 0x86dd, 'IPv4 or IPv6 over Ethernet');
});

test('pcapng and non-Ethernet captures are refused', () => {
  const { buffer } = writeScenarioCapture(null, generateScenario('keepalive'), { format: 'pcapng' });
  assert.throws(() => pcapFrames(buffer!), /pcap/);
  const pcap = Buffer.from(writeScenarioCapture(null, generateScenario('keepalive'), { format: 'pcap' }).buffer!);
  pcap.writeUInt32LE(113, 20);
  assert.throws(() => pcapFrames(pcap), /not Ethernet/);
});
