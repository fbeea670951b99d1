/**
 * Counters of the decode stage (RawPacket → TcpSegment): what each packet turned out to be and how it ended.
 *
 * Every packet handed to the decoder ends in exactly one *outcome* counter, so
 * `tcp + udp + icmp + otherIp + nonIp + malformed + unsupportedLink + fragmentsHeld + fragmentsDropped === packets`.
 * A fragment that completes its datagram takes the outcome of the reassembled datagram (usually `tcp`).
 * The remaining counters are cross-cutting (a packet may count in several of them).
 */

/** Packet counts of the decode stage, by protocol and outcome. */
export interface DecodeStats {
  /** Packets handed to `decode()`. */
  packets: number;

  /** Outcome: a TCP segment was produced. */
  tcp: number;
  /** Outcome: UDP datagram (skipped). */
  udp: number;
  /** Outcome: ICMP or ICMPv6 (skipped). */
  icmp: number;
  /** Outcome: IP packet of another protocol, including ESP and "no next header" (skipped; see `otherIpByProto`). */
  otherIp: number;
  /** Outcome: frame that carried no IP (ARP, LLC, unknown ethertype or address family; see `nonIpByEthertype`). */
  nonIp: number;
  /** Outcome: malformed at some layer (a weird with the precise reason was counted). */
  malformed: number;
  /** Outcome: link type the decoder does not know (weird `link_unknown_type`). */
  unsupportedLink: number;
  /** Outcome: IP fragment stored while its datagram waits for the other fragments. */
  fragmentsHeld: number;
  /** Outcome: IP fragment thrown away (bad length, too large, inconsistent, snaplen-cut, limits; a weird says why). */
  fragmentsDropped: number;

  /** Packets whose IPv4 header was valid (fragments included). */
  ipv4: number;
  /** Packets whose IPv6 fixed header was valid (fragments included). */
  ipv6: number;
  /** Frames carrying at least one 802.1Q / QinQ tag. */
  vlanTagged: number;
  /** IP fragments seen (IPv4 with MF or an offset, IPv6 with a non-atomic fragment header). */
  fragments: number;
  /** Datagrams rebuilt from fragments. */
  reassembledDatagrams: number;
  /** Fragments that overlapped bytes already held with identical content (exact or partial duplicates). */
  fragmentDuplicates: number;
  /** TCP segments whose payload was cut by the capture snap length (`payloadMissing > 0`). */
  snaplenCut: number;

  /**
   * Non-IP frames by ethertype (802.3 frames whose type field is a length count under 0). Frames of link types
   * without an ethertype (NULL/LOOP with an unknown address family) count in `nonIp` only.
   */
  nonIpByEthertype: Map<number, number>;
  /** Skipped IP packets (not TCP/UDP/ICMP) by IP protocol / IPv6 next header. */
  otherIpByProto: Map<number, number>;
}

/** A zeroed DecodeStats. */
export function createDecodeStats(): DecodeStats {
  return {
    packets: 0,
    tcp: 0,
    udp: 0,
    icmp: 0,
    otherIp: 0,
    nonIp: 0,
    malformed: 0,
    unsupportedLink: 0,
    fragmentsHeld: 0,
    fragmentsDropped: 0,
    ipv4: 0,
    ipv6: 0,
    vlanTagged: 0,
    fragments: 0,
    reassembledDatagrams: 0,
    fragmentDuplicates: 0,
    snaplenCut: 0,
    nonIpByEthertype: new Map(),
    otherIpByProto: new Map(),
  };
}

/** Adds one to `map[key]`. */
export function countKey(map: Map<number, number>, key: number): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
