/**
 * Independent reference reader for the generator's own output, used by its tests: parses pcap / pcapng files,
 * decodes link layers, IPv4/IPv6 (checking header checksums, reassembling fragments), TCP (checking checksums),
 * rebuilds each connection's two byte streams by sequence number, and splits them into HTTP/1.x messages. It is
 * deliberately simple and strict (it throws on anything malformed): it checks generated captures, not real traffic.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { formatIp } from '../../appliance/src/engine/ip.format.ts';
import { LinkType } from '../../appliance/src/engine/packet.types.ts';
import { checksumAdd, checksumFinish } from './packet.builder.ts';

/** One record of a capture file. */
export interface InspectRecord {
  /** µs since the epoch (with a fraction for ns timestamps). */
  ts: number;
  linkType: number;
  ifIndex: number;
  data: Buffer;
  origLen: number;
}

/** Reads a whole pcap or pcapng file. */
export function readCapture(buf: Buffer): InspectRecord[] {
  const magicLe = buf.readUInt32LE(0);
  if (magicLe === 0x0a0d0d0a) return readPcapng(buf);
  const be = buf.readUInt32BE(0) === 0xa1b2c3d4 || buf.readUInt32BE(0) === 0xa1b23c4d;
  const magic = be ? buf.readUInt32BE(0) : magicLe;
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error(`not a capture file (magic ${magicLe.toString(16)})`);
  const nanos = magic === 0xa1b23c4d;
  const u32 = (o: number) => (be ? buf.readUInt32BE(o) : buf.readUInt32LE(o));
  const linkType = u32(20);
  const out: InspectRecord[] = [];
  for (let off = 24; off < buf.length; ) {
    if (off + 16 > buf.length) throw new Error('truncated pcap record header');
    const incl = u32(off + 8);
    if (off + 16 + incl > buf.length) throw new Error('truncated pcap record');
    out.push({ ts: u32(off) * 1e6 + (nanos ? u32(off + 4) / 1000 : u32(off + 4)), linkType, ifIndex: 0, data: buf.subarray(off + 16, off + 16 + incl), origLen: u32(off + 12) });
    off += 16 + incl;
  }
  return out;
}

function readPcapng(buf: Buffer): InspectRecord[] {
  const ifaces: Array<{ linkType: number; unitsPerSec: number }> = [];
  const out: InspectRecord[] = [];
  for (let off = 0; off < buf.length; ) {
    const type = buf.readUInt32LE(off);
    const len = buf.readUInt32LE(off + 4);
    if (len < 12 || len % 4 !== 0 || off + len > buf.length) throw new Error(`bad pcapng block length ${len} at ${off}`);
    if (buf.readUInt32LE(off + len - 4) !== len) throw new Error(`pcapng trailing length mismatch at ${off}`);
    if (type === 0x0a0d0d0a) {
      if (buf.readUInt32LE(off + 8) !== 0x1a2b3c4d) throw new Error('only little-endian pcapng sections are supported');
    } else if (type === 1) {
      let unitsPerSec = 1e6;
      for (let o = off + 16; o + 4 <= off + len - 4; ) {
        const code = buf.readUInt16LE(o);
        const olen = buf.readUInt16LE(o + 2);
        if (code === 0) break;
        if (code === 9) {
          const v = buf[o + 4];
          unitsPerSec = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
        }
        o += 4 + ((olen + 3) & ~3);
      }
      ifaces.push({ linkType: buf.readUInt16LE(off + 8), unitsPerSec });
    } else if (type === 6) {
      const ifIndex = buf.readUInt32LE(off + 8);
      const iface = ifaces[ifIndex];
      if (!iface) throw new Error(`EPB on undeclared interface ${ifIndex}`);
      const units = buf.readUInt32LE(off + 12) * 4294967296 + buf.readUInt32LE(off + 16);
      const incl = buf.readUInt32LE(off + 20);
      out.push({ ts: (units / iface.unitsPerSec) * 1e6, linkType: iface.linkType, ifIndex, data: buf.subarray(off + 28, off + 28 + incl), origLen: buf.readUInt32LE(off + 24) });
    } else if (type === 3) {
      out.push({ ts: 0, linkType: ifaces[0].linkType, ifIndex: 0, data: buf.subarray(off + 12, off + len - 4), origLen: buf.readUInt32LE(off + 8) });
    }
    off += len;
  }
  return out;
}

/** A decoded TCP segment. */
export interface InspectSegment {
  ts: number;
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  payload: Buffer;
  vlans: number[];
}

/** What {@link decodeCapture} found. */
export interface DecodeResult {
  segments: InspectSegment[];
  /** IPv4 header checksums that did not verify. */
  badIpChecksums: number;
  /** TCP checksums that did not verify (checked on reassembled datagrams). */
  badTcpChecksums: number;
  /** Datagrams rebuilt from fragments. */
  reassembled: number;
}

/** Strips the link header: returns the IP packet offset and VLAN ids. */
function linkStrip(linkType: number, d: Buffer): { off: number; vlans: number[] } {
  const vlans: number[] = [];
  switch (linkType) {
    case LinkType.ETHERNET: {
      let off = 12;
      let et = d.readUInt16BE(off);
      while (et === 0x8100 || et === 0x88a8 || et === 0x9100) {
        vlans.push(d.readUInt16BE(off + 2) & 0x0fff);
        off += 4;
        et = d.readUInt16BE(off);
      }
      if (et !== 0x0800 && et !== 0x86dd) throw new Error(`ethertype ${et.toString(16)}`);
      return { off: off + 2, vlans };
    }
    case LinkType.LINUX_SLL:
      return { off: 16, vlans };
    case LinkType.LINUX_SLL2:
      return { off: 20, vlans };
    case LinkType.NULL:
    case LinkType.LOOP:
      return { off: 4, vlans };
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
      return { off: 0, vlans };
    default:
      throw new Error(`link type ${linkType}`);
  }
}

interface FragState {
  parts: Array<{ off: number; data: Buffer }>;
  total: number;
  header: Buffer;
}

function joinFragments(st: FragState): Buffer {
  const body = Buffer.alloc(st.total);
  const seen = new Uint8Array(st.total);
  for (const p of st.parts) {
    for (let i = 0; i < p.data.length; i++) {
      if (seen[p.off + i] && body[p.off + i] !== p.data[i]) throw new Error('overlapping fragments disagree');
      seen[p.off + i] = 1;
    }
    p.data.copy(body, p.off);
  }
  return body;
}

function fragComplete(st: FragState): boolean {
  if (st.total < 0) return false;
  const seen = new Uint8Array(st.total);
  for (const p of st.parts) seen.fill(1, p.off, p.off + p.data.length);
  return seen.every((x) => x === 1);
}

function tcpChecksumOk(src: Buffer, dst: Buffer, tcp: Buffer): boolean {
  let acc = checksumAdd(src, 0, src.length, 0);
  acc = checksumAdd(dst, 0, dst.length, acc);
  acc += 6 + tcp.length;
  acc = checksumAdd(tcp, 0, tcp.length, acc);
  return checksumFinish(acc) === 0;
}

/** Decodes every record to TCP segments (fragments reassembled), verifying checksums. */
export function decodeCapture(records: InspectRecord[]): DecodeResult {
  const res: DecodeResult = { segments: [], badIpChecksums: 0, badTcpChecksums: 0, reassembled: 0 };
  const frags = new Map<string, FragState>();
  const done = new Set<string>();
  const addFrag = (key: string, header: Buffer, off: number, more: boolean, data: Buffer): Buffer | null => {
    if (done.has(key)) return null; // a duplicate of a fragment of a datagram already rebuilt
    let st = frags.get(key);
    if (!st) frags.set(key, (st = { parts: [], total: -1, header }));
    if (off === 0) st.header = header;
    st.parts.push({ off, data: Buffer.from(data) });
    if (!more) st.total = off + data.length;
    if (!fragComplete(st)) return null;
    frags.delete(key);
    done.add(key);
    res.reassembled++;
    return joinFragments(st);
  };
  for (const r of records) {
    const { off, vlans } = linkStrip(r.linkType, r.data);
    const ip = r.data.subarray(off);
    const version = ip[0] >> 4;
    let src: Buffer;
    let dst: Buffer;
    let tcp: Buffer | null;
    if (version === 4) {
      const ihl = (ip[0] & 15) * 4;
      if (checksumFinish(checksumAdd(ip, 0, ihl, 0)) !== 0) res.badIpChecksums++;
      src = ip.subarray(12, 16);
      dst = ip.subarray(16, 20);
      if (ip[9] !== 6) throw new Error(`IP protocol ${ip[9]}`);
      const total = ip.readUInt16BE(2);
      const fo = ip.readUInt16BE(6);
      const body = ip.subarray(ihl, total);
      if ((fo & 0x3fff) !== 0) tcp = addFrag(`4 ${formatIp(src)} ${formatIp(dst)} ${ip.readUInt16BE(4)}`, ip.subarray(0, ihl), (fo & 0x1fff) * 8, (fo & 0x2000) !== 0, body);
      else tcp = body;
    } else if (version === 6) {
      src = ip.subarray(8, 24);
      dst = ip.subarray(24, 40);
      let nh = ip[6];
      let o = 40;
      const end = 40 + ip.readUInt16BE(4);
      tcp = null;
      while (true) {
        if (nh === 0 || nh === 60 || nh === 43) {
          nh = ip[o];
          o += (ip[o + 1] + 1) * 8;
        } else if (nh === 44) {
          const fo = ip.readUInt16BE(o + 2);
          const next = ip[o];
          const data = addFrag(`6 ${formatIp(src)} ${formatIp(dst)} ${ip.readUInt32BE(o + 4)}`, ip.subarray(0, o), fo & 0xfff8, (fo & 1) !== 0, ip.subarray(o + 8, end));
          if (data !== null) {
            nh = next;
            // The reassembled payload may itself start with destination options.
            let p = 0;
            let buf = data;
            while (nh === 60) {
              const n = buf[p];
              p += (buf[p + 1] + 1) * 8;
              nh = n;
            }
            buf = buf.subarray(p);
            if (nh !== 6) throw new Error(`IPv6 upper layer ${nh}`);
            tcp = buf;
          }
          break;
        } else if (nh === 6) {
          tcp = ip.subarray(o, end);
          break;
        } else throw new Error(`IPv6 next header ${nh}`);
      }
    } else throw new Error(`IP version ${version}`);
    if (tcp === null) continue;
    if (!tcpChecksumOk(src, dst, tcp)) res.badTcpChecksums++;
    const doff = (tcp[12] >> 4) * 4;
    res.segments.push({
      ts: r.ts,
      ipVersion: version === 4 ? 4 : 6,
      src: formatIp(src),
      dst: formatIp(dst),
      srcPort: tcp.readUInt16BE(0),
      dstPort: tcp.readUInt16BE(2),
      seq: tcp.readUInt32BE(4),
      ack: tcp.readUInt32BE(8),
      flags: tcp[13],
      payload: tcp.subarray(doff),
      vlans,
    });
  }
  if (frags.size > 0) throw new Error(`${frags.size} incomplete fragmented datagrams`);
  return res;
}

/** One TCP connection's reassembled streams. */
export interface InspectConnection {
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  vlans: number[];
  handshake: boolean;
  /** Client→server and server→client bytes from the first captured byte, holes zero-filled. */
  streams: [Buffer, Buffer];
  /** Bytes never captured inside each stream. */
  holes: [number, number];
  /** Segments seen per direction. */
  segments: [number, number];
}

function isSyn(s: InspectSegment): boolean {
  return (s.flags & 0x12) === 0x02;
}

/** Groups segments into connections and rebuilds both streams by sequence number (wrap-aware). */
export function reassembleStreams(segments: InspectSegment[]): InspectConnection[] {
  const groups = new Map<string, InspectSegment[]>();
  for (const s of segments) {
    const a = `${s.src}|${s.srcPort}`;
    const b = `${s.dst}|${s.dstPort}`;
    const key = `${s.vlans.join('.')}#${a < b ? `${a}-${b}` : `${b}-${a}`}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(s);
  }
  const out: InspectConnection[] = [];
  for (const segs of groups.values()) {
    const syn = segs.find(isSyn);
    const synAck = segs.find((s) => (s.flags & 0x12) === 0x12);
    let client: { ip: string; port: number };
    if (syn) client = { ip: syn.src, port: syn.srcPort };
    else if (synAck) client = { ip: synAck.dst, port: synAck.dstPort };
    else {
      const f = segs[0];
      client = f.srcPort > f.dstPort ? { ip: f.src, port: f.srcPort } : { ip: f.dst, port: f.dstPort };
    }
    const dirOf = (s: InspectSegment) => (s.src === client.ip && s.srcPort === client.port ? 0 : 1);
    const first = segs.find((s) => dirOf(s) === 0) ?? segs[0];
    const conn: InspectConnection = {
      clientIp: client.ip,
      clientPort: client.port,
      serverIp: dirOf(first) === 0 ? first.dst : first.src,
      serverPort: dirOf(first) === 0 ? first.dstPort : first.srcPort,
      vlans: segs[0].vlans,
      handshake: syn !== undefined,
      streams: [Buffer.alloc(0), Buffer.alloc(0)],
      holes: [0, 0],
      segments: [0, 0],
    };
    for (const dir of [0, 1] as const) {
      const mine = segs.filter((s) => dirOf(s) === dir);
      conn.segments[dir] = mine.length;
      const synSeg = mine.find((s) => s.flags & 0x02);
      const data = mine.filter((s) => s.payload.length > 0);
      if (data.length === 0) continue;
      const base = synSeg ? (synSeg.seq + 1) >>> 0 : data[0].seq;
      const rel = data.map((s) => ({ off: (s.seq - base) | 0, p: s.payload }));
      const min = synSeg ? 0 : Math.min(...rel.map((r) => r.off));
      const max = Math.max(...rel.map((r) => r.off + r.p.length));
      const stream = Buffer.alloc(max - min);
      const seen = new Uint8Array(max - min);
      for (const r of rel) {
        const at = r.off - min;
        for (let i = 0; i < r.p.length; i++) {
          if (seen[at + i] && stream[at + i] !== r.p[i]) throw new Error('retransmitted bytes disagree');
          seen[at + i] = 1;
        }
        r.p.copy(stream, at);
      }
      conn.streams[dir] = stream;
      conn.holes[dir] = seen.reduce((n, x) => n + (x ? 0 : 1), 0);
    }
    out.push(conn);
  }
  return out;
}

/** One parsed HTTP message. */
export interface InspectMessage {
  startLine: string;
  headers: Array<[string, string]>;
  /** Body after de-chunking and content decoding. */
  body: Buffer;
  contentEncoding: string[];
}

function header(h: Array<[string, string]>, name: string): string | undefined {
  return h.find((x) => x[0].toLowerCase() === name)?.[1];
}

function parseHead(s: Buffer, pos: number): { line: string; headers: Array<[string, string]>; next: number } | null {
  const end = s.indexOf('\r\n\r\n', pos);
  if (end < 0) return null;
  const lines = s.subarray(pos, end).toString('latin1').split('\r\n');
  const headers = lines.slice(1).map((l): [string, string] => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1).trim()];
  });
  return { line: lines[0], headers, next: end + 4 };
}

function readBody(s: Buffer, pos: number, headers: Array<[string, string]>, toEnd: boolean): { body: Buffer; next: number } {
  const te = header(headers, 'transfer-encoding');
  if (te && te.toLowerCase().includes('chunked')) {
    const parts: Buffer[] = [];
    while (true) {
      const eol = s.indexOf('\r\n', pos);
      const size = parseInt(s.subarray(pos, eol).toString('latin1').split(';')[0], 16);
      pos = eol + 2;
      if (size === 0) {
        const end = s.indexOf('\r\n\r\n', pos - 2);
        return { body: Buffer.concat(parts), next: end + 4 };
      }
      parts.push(s.subarray(pos, pos + size));
      pos += size + 2;
    }
  }
  const cl = header(headers, 'content-length');
  if (cl !== undefined) return { body: s.subarray(pos, pos + Number(cl)), next: pos + Number(cl) };
  if (toEnd) return { body: s.subarray(pos), next: s.length };
  return { body: Buffer.alloc(0), next: pos };
}

function decode(body: Buffer, headers: Array<[string, string]>): { body: Buffer; codings: string[] } {
  const ce = header(headers, 'content-encoding');
  if (!ce || body.length === 0) return { body, codings: [] };
  const c = ce.toLowerCase();
  if (c === 'gzip') return { body: gunzipSync(body), codings: ['gzip'] };
  if (c === 'br') return { body: brotliDecompressSync(body), codings: ['br'] };
  if (c === 'deflate') {
    try {
      return { body: inflateSync(body), codings: ['deflate'] };
    } catch {
      return { body: inflateRawSync(body), codings: ['deflate'] };
    }
  }
  throw new Error(`content coding ${ce}`);
}

/**
 * Splits a connection's complete streams into request/response pairs. Stops after CONNECT 2xx and 101; skips 1xx
 * interim responses; HEAD, 204 and 304 have no body; a response without framing runs to the end of the stream.
 */
export function parseHttpExchanges(toServer: Buffer, toClient: Buffer): Array<{ request: InspectMessage | null; response: InspectMessage | null }> {
  const requests: InspectMessage[] = [];
  let upgraded = false;
  for (let pos = 0; pos < toServer.length && !upgraded; ) {
    const h = parseHead(toServer, pos);
    if (h === null) break;
    const method = h.line.split(' ')[0];
    const { body, next } = readBody(toServer, h.next, h.headers, false);
    const d = decode(body, h.headers);
    requests.push({ startLine: h.line, headers: h.headers, body: d.body, contentEncoding: d.codings });
    pos = next;
    if (method === 'CONNECT' || header(h.headers, 'upgrade') !== undefined) upgraded = true;
  }
  const responses: InspectMessage[] = [];
  // Without requests (a one-sided capture), responses are read as answers to GETs.
  for (let pos = 0, i = 0; pos < toClient.length && (i < requests.length || requests.length === 0); ) {
    const h = parseHead(toClient, pos);
    if (h === null) break;
    const status = Number(h.line.split(' ')[1]);
    if (status >= 100 && status < 200 && status !== 101) {
      pos = h.next;
      continue;
    }
    const method = requests.length === 0 ? 'GET' : requests[i].startLine.split(' ')[0];
    const bodiless = method === 'HEAD' || status === 204 || status === 304 || status === 101 || (method === 'CONNECT' && status < 300);
    const { body, next } = bodiless ? { body: Buffer.alloc(0), next: h.next } : readBody(toClient, h.next, h.headers, true);
    const d = decode(body, h.headers);
    responses.push({ startLine: h.line, headers: h.headers, body: d.body, contentEncoding: d.codings });
    pos = next;
    i++;
    if (status === 101 || (method === 'CONNECT' && status < 300)) break;
  }
  const n = Math.max(requests.length, responses.length);
  const out: Array<{ request: InspectMessage | null; response: InspectMessage | null }> = [];
  for (let i = 0; i < n; i++) out.push({ request: requests[i] ?? null, response: responses[i] ?? null });
  return out;
}
