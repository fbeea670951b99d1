/**
 * Printable IP addresses from raw bytes: dotted quad for IPv4, RFC 5952 canonical text for IPv6 (lower case,
 * leading zeros dropped, the longest run of two or more zero groups compressed to "::", IPv4-mapped as ::ffff:a.b.c.d).
 */

/** Formats a 4- or 16-byte address starting at `off` of `buf`. */
export function formatIp(buf: Buffer, off = 0, len = buf.length - off): string {
  if (len === 4) return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
  if (len !== 16) throw new RangeError(`an IP address has 4 or 16 bytes, not ${len}`);
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(off + i * 2));
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `::ffff:${buf[off + 12]}.${buf[off + 13]}.${buf[off + 14]}.${buf[off + 15]}`;
  }
  return formatIpv6Groups(groups);
}

/** RFC 5952 text of eight 16-bit groups (no IPv4-mapped special case). */
export function formatIpv6Groups(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
