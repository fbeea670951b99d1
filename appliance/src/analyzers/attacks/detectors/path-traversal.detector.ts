/**
 * Path traversal and local file inclusion: `../` sequences (also `..\`, `..;/`, `....//`, `0x2e`-style and
 * overlong UTF-8 encodings), absolute paths of well-known sensitive OS files, and hidden configuration files or
 * folders requested in the URL path (`/.git/`, `/.env`, `/.aws/credentials`; `/.well-known/` is allowed).
 * Rule ids `path_traversal.<what>`.
 */
import { ALL_PARTS, CharClass, type AttackDetector, type ScanValue } from '../attack.types.ts';

const SENSITIVE_FILES = [
  '/etc/passwd', '/etc/shadow', '/etc/group', '/etc/hosts', '/etc/issue', '/etc/subuid', '/etc/subgid',
  '/etc/sudoers', '/etc/crontab', '/etc/fstab', '/etc/mysql/', '/etc/nginx/', '/etc/apache2/', '/etc/httpd/',
  '/etc/ssh/', '/etc/security/', '/etc/motd', '/etc/environment', '/etc/profile', '/etc/resolv.conf',
  '/proc/self/', '/proc/version', '/proc/net/', '/proc/cpuinfo', '/proc/meminfo', '/proc/mounts', '/proc/1/',
  '/sys/class', '/sys/kernel', '/.docker/', '/.git/', '/.svn/', '/.kube/', '/var/log/', '/var/run/secrets', '/root/.', '/.ssh/', 'id_rsa', 'id_ed25519',
  'authorized_keys', '/.aws/credentials', '/.bash_history', '/.bashrc', '/.profile', '/.htpasswd', '/.htaccess',
  '/.git/config', '/.docker/config.json', '/.kube/config', 'web.config', 'win.ini', 'boot.ini', 'system.ini',
  'c:/windows/', 'c:\\windows\\', '\\windows\\system32', '/windows/system32', 'c:/boot.ini', 'wp-config.php',
  '/.env', 'etc/passwd', 'etc/shadow',
];

const HIDDEN_ALLOWED = new Set(['.well-known', '.', '..']);

function normalise(s: string): string {
  let t = s;
  if (t.indexOf('0x') >= 0) t = t.replace(/0x2e/g, '.').replace(/0x2f/g, '/').replace(/0x5c/g, '\\');
  if (t.indexOf('%') >= 0) t = t.replace(/%c0%ae|%e0%80%ae|%c0%2e|%uff0e|%u002e|%2e/g, '.').replace(/%c0%af|%c1%9c|%e0%80%af|%c0%2f|%u2215|%u2216|%2f|%5c/g, '/');
  if (t.indexOf('\\') >= 0) t = t.replace(/\\/g, '/');
  return t;
}

function traversalSteps(s: string): number {
  let steps = 0;
  let i = s.indexOf('..');
  while (i >= 0 && steps < 8) {
    let j = i + 2;
    while (s.charCodeAt(j) === 46) j++;
    if (s.charCodeAt(j) === 59) j++;
    const c = s.charCodeAt(j);
    if (c === 47 || j >= s.length || c === 0) {
      const p = i === 0 ? 47 : s.charCodeAt(i - 1);
      if (p === 47 || p === 61 || p === 32 || p === 34 || p === 39 || p === 0 || p === 58 || i === 0) steps++;
    }
    i = s.indexOf('..', j);
  }
  return steps;
}

const SENSITIVE_RE = new RegExp(SENSITIVE_FILES.map((f) => f.replace(/[.\\/]/g, (c) => '\\' + c)).join('|'));

function sensitiveFile(s: string): boolean {
  return SENSITIVE_RE.test(s);
}

function hiddenSegment(path: string): boolean {
  let i = path.indexOf('/.');
  while (i >= 0) {
    let e = path.indexOf('/', i + 1);
    if (e < 0) e = path.length;
    const seg = path.slice(i + 1, e);
    if (seg.length > 1 && !HIDDEN_ALLOWED.has(seg) && /^\.[a-z0-9_-]/.test(seg)) return true;
    i = path.indexOf('/.', i + 1);
  }
  return false;
}

/** Detects path traversal and sensitive file access. */
export const pathTraversalDetector: AttackDetector = {
  family: 'path_traversal',
  needs: CharClass.Slash | CharClass.Dot | CharClass.Percent,
  // the sensitive files reachable without `..` or `/.`
  triggers: ['etc', 'proc', 'sys', 'var', 'windows', 'id_rsa', 'id_ed25519', 'authorized_keys', 'config', 'ini'],
  parts: ALL_PARTS,
  detect(v: ScanValue): string | null {
    const s = v.mask & (CharClass.Percent | CharClass.Backslash) || v.lower.indexOf('0x') >= 0 ? normalise(v.lower) : v.lower;
    if ((v.mask & CharClass.Slash) === 0 && s === v.lower && s.indexOf('.ini') < 0 && s.indexOf('.config') < 0 && s.indexOf('.ht') < 0 && s.indexOf('id_') < 0 && s.indexOf('authorized_keys') < 0 && s.indexOf('..') < 0) return null;
    const steps = s.indexOf('..') >= 0 ? traversalSteps(s) : 0;
    const file = sensitiveFile(s);
    if (steps >= 2 || (steps === 1 && (file || v.input.part === 'path' || /^(\.\.\/|\/\.\.\/)(?!\s)/.test(s)))) return 'path_traversal.dot_dot';
    if (file) return 'path_traversal.sensitive_file';
    if (v.input.part === 'path' && hiddenSegment(s)) return 'path_traversal.hidden_file';
    // eslint-disable-next-line no-control-regex
    if (s.indexOf('\u0000') >= 0 && /\.[a-z0-9]{1,5}\u0000/.test(s)) return 'path_traversal.null_byte';
    return null;
  },
};
