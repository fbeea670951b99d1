/**
 * Client/server role guessing for connections picked up mid-stream (no SYN or SYN+ACK seen). The HTTP stage may
 * still correct the guess by content; this only picks the most plausible orientation from the ports.
 */

/** Ports commonly used by HTTP(S) and API servers above the well-known range (plus 80 and 443 for clarity). */
export const COMMON_SERVER_PORTS: ReadonlySet<number> = new Set([
  80, 443, 591, 3000, 4000, 4200, 4443, 5000, 5001, 5601, 7001, 7443, 8000, 8008, 8080, 8081, 8082, 8088, 8090, 8443,
  8888, 9000, 9080, 9090, 9200, 9443,
]);

/** Whether `port` looks like a server port: well-known (< 1024) or a common HTTP/API port. */
export function isLikelyServerPort(port: number): boolean {
  return port < 1024 || COMMON_SERVER_PORTS.has(port);
}

/**
 * For a mid-stream segment from `srcPort` to `dstPort`, whether the destination is the server. When exactly one
 * side has a server-like port, that side is the server; otherwise the lower port is (ties: the destination).
 */
export function guessDestinationIsServer(srcPort: number, dstPort: number): boolean {
  const srcLikely = isLikelyServerPort(srcPort);
  const dstLikely = isLikelyServerPort(dstPort);
  if (srcLikely !== dstLikely) return dstLikely;
  return dstPort <= srcPort;
}
