/**
 * Server-side request forgery and remote file inclusion: a URL in a value (`scheme://host`) whose host is internal
 * or obfuscated — loopback, private and link-local ranges, cloud metadata names, IPv6 loopback/mapped/link-local,
 * decimal, hex or octal IPv4 forms — or whose scheme only serves attacks (gopher, dict, file, ldap, jar, php,
 * expect, phar, netdoc, ...), or an IP-literal URL to a script file (remote file inclusion).
 * Rule ids `ssrf.<what>`.
 */
import { ALL_PARTS, CharClass, type AttackDetector, type ScanValue } from '../attack.types.ts';

const DANGEROUS_SCHEMES = new Set([
  'gopher', 'dict', 'file', 'ldap', 'ldaps', 'jar', 'php', 'expect', 'phar', 'netdoc', 'tftp', 'sftp', 'zip',
  'data', 'glob', 'ogg', 'rar', 'ssh2', 'zlib', 'compress.zlib', 'jdbc', 'rmi', 'iiop', 'smb', 'rsync', 'irc',
  'rtmp', 'telnet', 'imap', 'pop3', 'smtp', 'mysql', 'redis', 'memcache', 'fastcgi',
]);

const INTERNAL_NAMES = [
  'localhost', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'metadata', 'kubernetes.default',
  'localtest.me', 'nip.io', 'xip.io', 'sslip.io', '.internal', '.local', 'burpcollaborator.net', 'oastify.com',
  'interact.sh', 'oast.',
];

function ipv4Internal(a: number, b: number): boolean {
  return a === 127 || a === 10 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

/** Suffixes (with their dot) of internal names, and prefixes of callback names. */
const INTERNAL_SUFFIXES = INTERNAL_NAMES.filter((n) => !n.endsWith('.')).map((n) => (n.startsWith('.') ? n : '.' + n));
const INTERNAL_PREFIXES = INTERNAL_NAMES.filter((n) => n.endsWith('.'));
const INTERNAL_EXACT = new Set(INTERNAL_NAMES);
const NUMERIC_HOST = /^(0x[0-9a-f]+|0[0-7]+|[0-9]+)(\.(0x[0-9a-f]+|0[0-7]+|[0-9]+)){1,3}$/;

/** Classifies a URL host: 'internal', 'obfuscated', 'ip' (public IP literal) or '' (a name). */
function classifyHost(host: string): string {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    const h = host.slice(1, close > 0 ? close : host.length);
    if (h === '::1' || h === '::' || h.startsWith('::ffff:') || h.startsWith('0:0:0:0:0:ffff:') || h.startsWith('fe80:') || h.startsWith('fc') || h.startsWith('fd') || /^[0:]+1?$/.test(h)) return 'internal';
    return 'ip';
  }
  const c0 = host.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    if (/^[0-9]+$/.test(host)) return host.length >= 8 ? 'obfuscated' : '';
    if (/^0x[0-9a-f]+$/.test(host) || NUMERIC_HOST.test(host)) {
      const parts = host.split('.');
      if (parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p))) {
        const [a, b] = parts.map(Number);
        return ipv4Internal(a, b) ? 'internal' : 'ip';
      }
      return 'obfuscated';
    }
  }
  if (INTERNAL_EXACT.has(host)) return 'internal';
  for (const suffix of INTERNAL_SUFFIXES) if (host.endsWith(suffix)) return 'internal';
  for (const prefix of INTERNAL_PREFIXES) if (host.startsWith(prefix)) return 'internal';
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return 'obfuscated';
  }
  return '';
}

function isSchemeChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45;
}
const WEB_SCHEMES = new Set(['http', 'https', 'ftp', 'ftps', 'ws', 'wss']);

/** The host of the authority starting at `from` (userinfo dropped, port removed, escapes removed). */
function authorityHost(s: string, from: number): { host: string; end: number } {
  let e = from;
  while (e < s.length) {
    const c = s.charCodeAt(e);
    if (c === 47 || c === 63 || c === 35 || c <= 32 || c === 34 || c === 39 || c === 60 || c === 62) break;
    e++;
  }
  let authority = s.slice(from, e);
  if (authority.indexOf('\\') >= 0) authority = authority.replace(/\\/g, '');
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.startsWith('[')) return { host: authority.slice(0, authority.indexOf(']') + 1 || authority.length), end: e };
  const colon = authority.lastIndexOf(':');
  if (colon < 0) return { host: authority, end: e };
  if (authority.indexOf(':') !== colon) return { host: `[${authority}]`, end: e };
  return { host: /^[0-9]*$/.test(authority.slice(colon + 1)) ? authority.slice(0, colon) : authority, end: e };
}

/** Detects SSRF and remote file inclusion. */
export const ssrfDetector: AttackDetector = {
  family: 'ssrf',
  needs: CharClass.Colon | CharClass.Question,
  // a scheme needs a letter before ':', which inert values (timestamps only) do not have
  triggers: [],
  parts: ALL_PARTS,
  detect(v: ScanValue): string | null {
    const s = v.lower;
    if (s.length <= 6 && /^(file|ftps?|https?)\?$/.test(s)) return 'ssrf.remote_include';
    if (v.input.part === 'header') {
      const name = v.input.name.toLowerCase();
      if (name === 'referer' || name === 'origin') return null;
    }
    let colon = s.indexOf(':');
    let urls = 0;
    while (colon > 0 && urls < 16) {
      const at0 = colon;
      colon = s.indexOf(':', colon + 1);
      let b = at0;
      while (b > 0 && at0 - b < 16 && isSchemeChar(s.charCodeAt(b - 1))) b--;
      const first = s.charCodeAt(b);
      if (at0 - b < 2 || !(first >= 97 && first <= 122) || (b > 0 && isSchemeChar(s.charCodeAt(b - 1)))) continue;
      urls++;
      const scheme = s.slice(b, at0);
      let after = at0 + 1;
      while (after < s.length && after - at0 <= 3 && (s.charCodeAt(after) === 47 || s.charCodeAt(after) === 92)) after++;
      const slashes = after - at0 - 1;
      if (DANGEROUS_SCHEMES.has(scheme) && (slashes > 0 || /^(php|expect|phar|jar|netdoc|gopher|dict|data|glob|zip|compress\.zlib)$/.test(scheme))) {
        if (scheme === 'data' && !/^data:[a-z]+\/[a-z0-9.+-]+[;,]/.test(s.slice(b))) continue;
        return 'ssrf.dangerous_scheme';
      }
      if ((!WEB_SCHEMES.has(scheme) && slashes < 2) || (slashes === 0 && !/^[0-9[]/.test(s.slice(after)))) continue;
      const { host, end } = authorityHost(s, after);
      const cls = classifyHost(host);
      if (cls === 'internal') return 'ssrf.internal_host';
      if (cls === 'obfuscated') return 'ssrf.obfuscated_host';
      if (cls === 'ip' && (/\.(php|asp|aspx|jsp|txt|pl|cgi|sh|py)\b/.test(s.slice(end)) || s.charCodeAt(s.length - 1) === 63)) return 'ssrf.remote_include';
      if (cls === 'ip' && v.input.part !== 'header') return 'ssrf.ip_literal';
      let at = s.indexOf('@', after);
      while (at >= 0 && at < after + 256) {
        const h = authorityHost(s, at + 1).host;
        const c2 = classifyHost(h);
        if (c2 === 'internal' || c2 === 'obfuscated') return 'ssrf.parser_confusion';
        at = s.indexOf('@', at + 1);
      }
    }
    return null;
  },
};
