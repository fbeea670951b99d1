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

/** Classifies a URL host: 'internal', 'obfuscated', 'ip' (public IP literal) or '' (a name). */
function classifyHost(host: string): string {
  if (host.startsWith('[')) {
    const h = host.slice(1, host.indexOf(']') > 0 ? host.indexOf(']') : host.length);
    if (h === '::1' || h === '::' || h.startsWith('::ffff:') || h.startsWith('0:0:0:0:0:ffff:') || h.startsWith('fe80:') || h.startsWith('fc') || h.startsWith('fd') || /^[0:]+1?$/.test(h)) return 'internal';
    return 'ip';
  }
  if (/^[0-9]+$/.test(host) && host.length >= 8) return 'obfuscated';
  if (/^0x[0-9a-f]+$/.test(host) || /^(0x[0-9a-f]+|0[0-7]+|[0-9]+)(\.(0x[0-9a-f]+|0[0-7]+|[0-9]+)){1,3}$/.test(host)) {
    const parts = host.split('.');
    if (parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p))) {
      const [a, b] = parts.map(Number);
      return ipv4Internal(a, b) ? 'internal' : 'ip';
    }
    return 'obfuscated';
  }
  for (const name of INTERNAL_NAMES) if (host === name || host.endsWith(name.startsWith('.') ? name : '.' + name) || (name.endsWith('.') && host.startsWith(name))) return 'internal';
  if (/[^\x20-\x7e]/.test(host)) return 'obfuscated';
  return '';
}

const URL_START = /(^|[^a-z0-9+.-])([a-z][a-z0-9+.-]{1,15}):(\/{0,3}|\\{1,3})/g;
const WEB_SCHEMES = new Set(['http', 'https', 'ftp', 'ftps', 'ws', 'wss']);

/** The host of the authority starting at `from` (userinfo dropped, port removed, escapes removed). */
function authorityHost(s: string, from: number): { host: string; end: number } {
  let e = from;
  while (e < s.length && !/[/?#\s"'<>]/.test(s[e])) e++;
  let authority = s.slice(from, e).replace(/\\/g, '');
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.startsWith('[')) return { host: authority.slice(0, authority.indexOf(']') + 1 || authority.length), end: e };
  if ((authority.match(/:/g)?.length ?? 0) >= 2) return { host: `[${authority}]`, end: e };
  return { host: authority.replace(/:[0-9]*$/, ''), end: e };
}

/** Detects SSRF and remote file inclusion. */
export const ssrfDetector: AttackDetector = {
  family: 'ssrf',
  needs: CharClass.Colon | CharClass.Question,
  parts: ALL_PARTS,
  detect(v: ScanValue): string | null {
    const s = v.lower;
    if (/^(file|ftps?|https?)\?$/.test(s)) return 'ssrf.remote_include';
    if (v.input.part === 'header') {
      const name = v.input.name.toLowerCase();
      if (name === 'referer' || name === 'origin') return null;
    }
    URL_START.lastIndex = 0;
    let m: RegExpExecArray | null;
    let urls = 0;
    while ((m = URL_START.exec(s)) !== null && urls < 16) {
      urls++;
      const scheme = m[2];
      const slashes = m[3];
      if (DANGEROUS_SCHEMES.has(scheme) && (slashes.length > 0 || /^(php|expect|phar|jar|netdoc|gopher|dict|data|glob|zip|compress\.zlib)$/.test(scheme))) {
        if (scheme === 'data' && !/^data:[a-z]+\/[a-z0-9.+-]+[;,]/.test(s.slice(m.index + m[1].length))) continue;
        return 'ssrf.dangerous_scheme';
      }
      if ((!WEB_SCHEMES.has(scheme) && slashes.length < 2) || (slashes.length === 0 && !/^[0-9[]/.test(s.slice(URL_START.lastIndex)))) continue;
      const { host, end } = authorityHost(s, URL_START.lastIndex);
      const cls = classifyHost(host);
      if (cls === 'internal') return 'ssrf.internal_host';
      if (cls === 'obfuscated') return 'ssrf.obfuscated_host';
      if (cls === 'ip' && (/\.(php|asp|aspx|jsp|txt|pl|cgi|sh|py)\b/.test(s.slice(end)) || /\?+$/.test(s))) return 'ssrf.remote_include';
      if (cls === 'ip' && v.input.part !== 'header') return 'ssrf.ip_literal';
      let at = s.indexOf('@', URL_START.lastIndex);
      while (at >= 0 && at < URL_START.lastIndex + 256) {
        const h = authorityHost(s, at + 1).host;
        const c2 = classifyHost(h);
        if (c2 === 'internal' || c2 === 'obfuscated') return 'ssrf.parser_confusion';
        at = s.indexOf('@', at + 1);
      }
    }
    return null;
  },
};
