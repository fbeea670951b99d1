/**
 * The decode stage of the passive HTTP engine: RawPacket → TcpSegment.
 *
 * Three dispatch tables drive it: link type → link decoder (Ethernet, Linux SLL/SLL2, RAW/IPv4/IPv6, NULL, LOOP),
 * ethertype → network decoder (802.1Q/QinQ tags, IPv4, IPv6) and IP protocol → transport decoder (TCP; UDP and
 * ICMP counted). Anything else is counted in DecodeStats and skipped; anything malformed counts a weird with a
 * stable reason and yields null. IP fragments are reassembled (see IpDefragmenter). Header checksums (IPv4, TCP)
 * are not verified: checksum offloading makes them wrong in most captures.
 *
 * Weird reasons: link `link_unknown_type`, `eth_truncated`, `sll_truncated`, `sll2_truncated`, `raw_truncated`,
 * `raw_bad_version`, `null_truncated`, `loop_truncated`, `vlan_truncated`, `vlan_too_many_tags`; IPv4
 * `ipv4_truncated`, `ipv4_bad_version`, `ipv4_bad_header_length`, `ipv4_bad_total_length`, and
 * `ipv4_zero_total_length` (TSO on the capturing host; decoded anyway); IPv6 `ipv6_truncated`,
 * `ipv6_bad_version`, `ipv6_bad_ext_header`, `ipv6_nested_fragment`; fragments `ip_frag_truncated`,
 * `ip_frag_bad_length`, `ip_frag_too_large`, `ip_frag_inconsistent`, `ip_frag_overlap`, `ip_frag_timeout`,
 * `ip_frag_table_full`, `ip_frag_memcap`; TCP `tcp_truncated`, `tcp_bad_data_offset`; and `decode_internal_error`
 * should a decoder ever throw (a bug: the packet is dropped, the engine goes on).
 */
import type { RawPacket, TcpSegment } from '../packet.types.ts';
import type { EngineSettings } from '../engine.settings.ts';
import type { WeirdCounters } from '../weird.counters.ts';
import { DecodeContext, STOP, TO_TRANSPORT, type DecodedSegment } from './decode.context.ts';
import { countKey, createDecodeStats, type DecodeStats } from './decode.stats.ts';
import { IpDefragmenter } from './ip.defragmenter.ts';
import { LINK_DECODERS } from './link.decoders.ts';
import { NETWORK_DECODERS } from './network.decoders.ts';
import { TRANSPORT_DECODERS } from './transport.decoders.ts';

export type { DecodeStats } from './decode.stats.ts';

/**
 * Decodes captured frames into TCP segments. One instance per engine (single-threaded).
 *
 * The returned TcpSegment is ONE object reused for every packet, and its buffers are borrowed: `payload` is a view
 * into the packet (or into a reassembled datagram), `srcAddr`/`dstAddr` are decoder-owned 4- or 16-byte buffers,
 * and `vlans` is rewritten in place. Everything is overwritten by the next `decode()` call, so the caller must copy
 * what it keeps. `flags` is the whole TCP flags byte (ECE 0x40 and CWR 0x80 included).
 */
export class PacketDecoder {
  /** Packet counts by protocol and outcome (see DecodeStats). */
  readonly stats: DecodeStats = createDecodeStats();
  private readonly ctx: DecodeContext;
  private readonly defrag: IpDefragmenter;

  constructor(settings: EngineSettings, weird: WeirdCounters) {
    this.defrag = new IpDefragmenter(settings, weird, this.stats);
    this.ctx = new DecodeContext(settings, weird, this.stats, this.defrag);
  }

  /**
   * Decodes one frame. Returns the shared TcpSegment, or null when the packet is not TCP, is malformed (a weird was
   * counted), or is an IP fragment whose datagram is not complete yet. Never throws.
   */
  decode(pkt: RawPacket): TcpSegment | null {
    return this.decodeFrame(pkt.data, 0, pkt.data.length, pkt.ts, pkt.linkType, pkt.origLen);
  }

  /** {@link decode} for the frame `buf[off..end)`: no packet object needed. */
  decodeFrame(buf: Buffer, off: number, end: number, ts: number, lt: number, origLen: number): DecodedSegment | null {
    const c = this.ctx;
    this.stats.packets++;
    try {
      c.begin(ts, buf, off, end, origLen);
      const link = lt >= 0 && lt < LINK_DECODERS.length ? LINK_DECODERS[lt] : null;
      if (link == null) {
        c.weird.inc('link_unknown_type');
        this.stats.unsupportedLink++;
        return null;
      }
      let next = link(c);
      while (next !== TO_TRANSPORT) {
        if (next === STOP) return null;
        const net = NETWORK_DECODERS[next];
        if (net === null) {
          this.stats.nonIp++;
          countKey(this.stats.nonIpByEthertype, next);
          return null;
        }
        next = net(c);
      }
      const proto = c.l4Proto;
      const transport = TRANSPORT_DECODERS[proto];
      if (transport === null) {
        this.stats.otherIp++;
        countKey(this.stats.otherIpByProto, proto);
        return null;
      }
      return transport(c) ? c.seg : null;
    } catch (_err) {
      c.malformed('decode_internal_error');
      return null;
    }
  }

  /** Applies the fragment timeout at capture time `nowTs` (µs); call it as packet time advances. */
  expire(nowTs: number): void {
    this.defrag.expire(nowTs);
  }

  /** Datagrams currently waiting for fragments. */
  get pendingDatagrams(): number {
    return this.defrag.datagrams;
  }

  /** Bytes currently held by fragment reassembly. */
  get fragmentBytes(): number {
    return this.defrag.heldBytes;
  }
}
