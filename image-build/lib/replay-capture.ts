/**
 * Replays a generated capture onto a booted image's capture NIC (image test): QEMU's `-netdev socket,udp=...` backend
 * delivers each UDP datagram it receives as one Ethernet frame to the guest NIC, so every packet of a classic pcap is
 * sent as one datagram, paced so the emulated NIC's receive ring keeps up.
 * Usage: node --import tsx image-build/lib/replay-capture.ts <qemu-udp-port> [scenario] [rounds]
 */
import { createSocket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateScenario, writeScenarioCapture } from '../../scripts/traffic/scenario.catalog.ts';

/** The frames of a classic little-endian pcap (Ethernet link type), in order. */
export function pcapFrames(pcap: Buffer): Buffer[] {
  if (pcap.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('not a little-endian microsecond pcap');
  if (pcap.readUInt32LE(20) !== 1) throw new Error(`link type ${pcap.readUInt32LE(20)} is not Ethernet`);
  const frames: Buffer[] = [];
  for (let off = 24; off + 16 <= pcap.length; ) {
    const len = pcap.readUInt32LE(off + 8);
    frames.push(pcap.subarray(off + 16, off + 16 + len));
    off += 16 + len;
  }
  return frames;
}

async function main(): Promise<void> {
  const [portArg, scenario = 'keepalive', roundsArg = '1'] = process.argv.slice(2);
  const port = Number(portArg);
  if (!Number.isInteger(port) || port <= 0) throw new Error('usage: replay-capture.ts <qemu-udp-port> [scenario] [rounds]');
  const { buffer } = writeScenarioCapture(null, generateScenario(scenario), { format: 'pcap' });
  const frames = pcapFrames(buffer!);
  const socket = createSocket('udp4');
  for (let round = 0; round < Number(roundsArg); round++) {
    for (const frame of frames) {
      await new Promise<void>((resolve, reject) => socket.send(frame, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      await sleep(2);
    }
  }
  socket.close();
  console.log(`replayed ${frames.length} frames of ${scenario} ${roundsArg} time(s) to 127.0.0.1:${port}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
