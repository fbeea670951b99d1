/**
 * OS command injection: a shell tokeniser finds command positions — after `;`, `|`, `&`, `&&`, `||`, a newline,
 * a backtick, `$(` or `{` (and at the start of a value that already has shell syntax) — and reads the command word
 * there with shell quoting and escapes removed (`c'a't`, `w\hoami`, `/usr/bin/id`). Unambiguous commands fire on
 * their own; commands that are also English words (`cat`, `type`, `sleep`, ...) need a shell-like argument. Also
 * `${IFS}` tricks and Windows batch `FOR ... IN (...) DO` / `IF EXIST|DEFINED|ERRORLEVEL` and PowerShell
 * cradles. Rule ids `command_injection.<what>`.
 */
import { ALL_PARTS, CharClass, type AttackDetector, type ScanValue } from '../attack.types.ts';

const STRONG = new Set([
  'ls', 'whoami', 'uname', 'wget', 'curl', 'nc', 'ncat', 'netcat', 'bash', 'sh', 'zsh', 'ksh', 'csh', 'tcsh',
  'dash', 'busybox', 'python', 'python2', 'python3', 'perl', 'php', 'ruby', 'lua', 'telnet', 'nslookup',
  'ifconfig', 'ipconfig', 'netstat', 'chmod', 'chown', 'mkfifo', 'mknod', 'useradd', 'usermod', 'crontab', 'tftp',
  'socat', 'xterm', 'base64', 'xxd', 'hexdump', 'gawk', 'awk', 'sed', 'grep', 'printf', 'systemctl', 'sudo', 'nohup',
  'powershell', 'pwsh', 'cmd', 'certutil', 'bitsadmin', 'mshta', 'rundll32', 'regsvr32', 'wmic', 'systeminfo',
  'tasklist', 'taskkill', 'schtasks', 'vssadmin', 'bzip2', 'gunzip', 'gzip', 'bsdtar', 'zcat', 'zstdcat', 'bzcat',
  'xzcat', 'unzip', 'nmap', 'hostname', 'uptime', 'jrunscript', 'rev', 'xargs', 'openssl', 'id', 'cat', 'dig',
  'ping', 'rm', 'chgrp', 'passwd', 'scp', 'ssh', 'sftp', 'ftp', 'tar', 'dd', 'env', 'killall', 'pkill', 'sysctl',
  'iptables', 'nohup', 'timeout', 'strings', 'getent', 'lsof', 'ps', 'net1', 'reg', 'icacls', 'cscript', 'wscript',
  'msiexec', 'forfiles', 'whereis', 'locate', 'tclsh', 'wish', 'expect', 'php7', 'php8', 'node', 'npm', 'pip',
  'docker', 'kubectl', 'mysql', 'psql', 'sqlite3', 'ssh-keygen', 'gcc', 'tee', 'head', 'tail', 'visudo', 'htop',
  'aptitude', 'apt-get', 'yum', 'dnf', 'rpm', 'dpkg', 'bcdboot', 'bcdedit', 'diskpart', 'netsh', 'nltest', 'wevtutil',
  'takeown', 'msbuild', 'installutil', 'cmstp', 'odbcconf', 'regasm', 'ntdsutil', 'esentutl', 'cscli', 'iwr', 'iwmi',
  'iex', 'ab', 'ansible', 'ansible-config', 'ansible-console', 'ansible-inventory', 'ansible-vault', 'ansible-playbook',
  'chef-vault', 'chef-run', 'chef-client', 'knife', 'puppet', 'salt-call', 'strace', 'ltrace', 'gdb', 'tcpdump',
  'nproc', 'lscpu', 'lsblk', 'mount', 'umount', 'chroot', 'setfacl', 'getfacl', 'pkexec', 'doas', 'runas',
  'zstd', 'xz', 'lzma', 'bunzip2', 'unxz', 'cpio', 'rar', 'unrar', '7z', 'jar', 'javac', 'java', 'perf', 'lastlog',
  'adduser', 'deluser', 'chpasswd', 'ansible-galaxy', 'ansible-doc', 'ansible-pull', 'chef-shell', 'chef-solo',
]);

/** Shells: piping into them always runs code (interpreters such as ruby are also list words, so they need more). */
const SHELLS = new Set(['sh', 'bash', 'zsh', 'ksh', 'dash', 'csh', 'tcsh', 'busybox', 'powershell', 'pwsh']);

/** Commands that are also common words: they need a shell-like argument after them. */
const WEAK = new Set([
  'id', 'cat', 'type', 'dir', 'copy', 'del', 'more', 'less', 'head', 'tail', 'find', 'echo', 'set', 'sleep',
  'time', 'who', 'last', 'file', 'which', 'net', 'host', 'ping', 'kill', 'source', 'export', 'make', 'touch', 'tee',
  'ps', 'env', 'rm', 'cp', 'mv', 'ln', 'eval', 'exec', 'start', 'call', 'print', 'read', 'test', 'sort', 'uniq',
  'wc', 'cut', 'tr', 'diff', 'od', 'nl', 'fold', 'look', 'dig', 'tar', 'dd', 'ftp', 'ssh', 'sh', 'nc', 'node',
]);

function isSep(c: number): boolean {
  return c === 59 || c === 124 || c === 38 || c === 10 || c === 13 || c === 96;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 43;
}

/** Reads the command word at `i`: skips spaces, quotes, `{`, and a bin-folder prefix; removes quoting inside. */
function commandAt(s: string, i: number): { word: string; end: number; binPath: boolean; obfuscated: boolean } {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSpace(c) || c === 39 || c === 34 || c === 123 || c === 40 || c === 92 || c === 64) i++;
    else break;
  }
  let word = '';
  let j = i;
  let glob = false;
  let obfuscated = false;
  let pending = false;
  let quotes = 0;
  let apostrophe = false;
  while (j < n && word.length < 40) {
    const c = s.charCodeAt(j);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 45 || c === 47 || c === 58) {
      word += s[j];
      if (pending) obfuscated = true;
    }
    else if (c === 63 || c === 42) {
      word += s[j];
      glob = true;
    } else if (c === 39 || c === 34 || c === 92 || c === 94 || c === 91 || c === 93) {
      if (c === 39 || c === 34) {
        quotes++;
        const next = s.charCodeAt(j + 1);
        if (word.length > 0 && next >= 97 && next <= 122) apostrophe = true;
      }
      if (word.length > 0) pending = true;
    } else if (c === 36 && /^[@*$\-!#?0-9_]/.test(s[j + 1] ?? '')) {
      j++;
      pending = word.length > 0;
    } else if ((c === 36 || c === 62 || c === 60) && s.charCodeAt(j + 1) === 40 && s.charCodeAt(j + 2) === 41) {
      j += 2;
      obfuscated = word.length > 0;
    } else if (c === 96 && s.charCodeAt(j + 1) === 96) {
      j++;
      obfuscated = word.length > 0;
    } else if (c === 36 && s.charCodeAt(j + 1) === 123) {
      pending = word.length > 0;
      const e = s.indexOf('}', j);
      if (e < 0 || e - j > 24) break;
      j = e;
    } else break;
    j++;
  }
  // A lone quote between letters ("I'd like ...") is an apostrophe, not shell quoting.
  if (quotes === 1 && apostrophe) return { word: '', end: j, binPath: false, obfuscated: false };
  if (glob && word.charCodeAt(0) === 47 && word.indexOf(':') < 0 && /^\/[a-z?*]+\/[a-z?*]/.test(word)) return { word: '*glob*', end: j, binPath: false, obfuscated: true };
  const binPath = /(^|\/)s?bin\/[a-z]/.test(word);
  const slash = word.lastIndexOf('/');
  if (slash >= 0) word = word.slice(slash + 1);
  const back = word.lastIndexOf('\\');
  if (back >= 0) word = word.slice(back + 1);
  if (word.endsWith('.exe')) word = word.slice(0, -4);
  const dot = word.search(/[0-9.]+$/);
  if (dot > 1 && !STRONG.has(word) && !WEAK.has(word)) word = word.slice(0, dot);
  return { word, end: j, binPath, obfuscated: obfuscated && word.length > 1 };
}

/**
 * The argument after a command at `end` looks like shell usage (option, path, number, variable, redirection); the
 * end of the value or another separator counts only after a strong separator (`;`, backtick, `$(`, `&&`, `||`).
 */
function shellArgument(s: string, end: number, strongSep: boolean, afterSep = true): boolean {
  let k = end;
  while (k < s.length && isSpace(s.charCodeAt(k))) k++;
  if (k >= s.length) return strongSep;
  const c = s.charCodeAt(k);
  if (isSep(c) || c === 41) return strongSep;
  const d = s.charCodeAt(k + 1);
  const letter = (d >= 97 && d <= 122) || d === 45 || d === 46 || d === 126 || d === 42 || d === 63 || d === 36;
  if (c === 45 && letter) return true;
  if (c === 47) return letter && SYSTEM_PATH.test(s.slice(k, k + 40).replace(/\$[@*!?_$-]|\$\(\)|``|['"\\]/g, ''));
  if (c === 126 || c === 36 || c === 60 || c === 62 || c === 92) return true;
  if (c === 46 && (d === 47 || d === 46)) return true;
  if (!afterSep) return false;
  if (c === 39 || c === 34) return true;
  if (c >= 48 && c <= 57) return true;
  if (c === 37 && k + 1 < s.length) return true;
  return false;
}

/** An absolute path argument that looks like a system path (a top folder of Unix or Windows, or two segments). */
const SYSTEM_PATH = /^\/(etc|proc|var|tmp|home|root|usr|bin|sbin|dev|sys|opt|boot|lib|srv|mnt|run|windows|winnt|inetpub)\b|^\/[a-z0-9_.?*-]+\/[a-z0-9_.?*-]/;

function boundaryAfter(s: string, end: number): boolean {
  if (end >= s.length) return true;
  const c = s.charCodeAt(end);
  return isSpace(c) || isSep(c) || c === 36 || c === 60 || c === 62 || c === 39 || c === 34 || c === 41 || c === 44 || c === 125 || c === 10;
}

/** Commands that are never list items or words: they fire after any separator with or without arguments. */
const UNAMBIGUOUS = new Set([
  'whoami', 'uname', 'ifconfig', 'ipconfig', 'systeminfo', 'netstat', 'nslookup', 'wget', 'curl', 'certutil',
  'bitsadmin', 'powershell', 'busybox', 'ncat', 'netcat', 'socat', 'mkfifo', 'tasklist', 'xterm', 'jrunscript',
  'telnet', 'crontab', 'useradd', 'bash', 'zsh', 'ksh', 'wmic', 'mshta', 'rundll32', 'regsvr32', 'visudo', 'cscli',
  'htop', 'aptitude', 'bcdboot', 'bcdedit', 'lastlog', 'adduser', 'chpasswd', 'ansible', 'ansible-config',
  'ansible-console', 'ansible-inventory', 'ansible-vault', 'ansible-playbook', 'ansible-galaxy', 'ansible-doc',
  'ansible-pull', 'chef-vault', 'chef-run', 'chef-shell', 'chef-client', 'chef-solo', 'perf',
]);

/**
 * Whether a command starts at `i`. `afterSep`: a separator precedes it; `strongSep`: that separator is `;`, a
 * backtick, `$(`, `&&`, `||` or a newline; `pipe`: it is a single `|`.
 */
function atCommand(s: string, i: number, afterSep: boolean, strongSep: boolean, pipe = false): boolean {
  const { word, end, binPath, obfuscated } = commandAt(s, i);
  if (word === '*glob*') return true;
  if (word.length === 0) return false;
  if (obfuscated && (STRONG.has(word) || WEAK.has(word) || UNAMBIGUOUS.has(word))) return true;
  if (!boundaryAfter(s, end)) return UNAMBIGUOUS.has(word) && afterSep && s.charCodeAt(end) === 47 && /^\/[a-z]{1,3}(\s|$)/.test(s.slice(end, end + 5));
  if (binPath && (STRONG.has(word) || WEAK.has(word) || UNAMBIGUOUS.has(word))) return true;
  if (afterSep && UNAMBIGUOUS.has(word)) return true;
  if (pipe && SHELLS.has(word)) return true;
  if (WEAK.has(word)) return shellArgument(s, end, strongSep, afterSep);
  if (!STRONG.has(word)) return false;
  return (strongSep && !WEAK.has(word)) || shellArgument(s, end, strongSep, afterSep) || (!afterSep && UNAMBIGUOUS.has(word) && end < s.length);
}

const BATCH_FOR = /(^|[\s&|(;@])for(\s+\/[a-z](\s+"[^"]*"|\s+[^\s%]+)?)*\s+%%?\S+\s+in\s*\(.*\)\s*do\b/;
const BATCH_IF = /(^|[&|(;@]\s*)if(\s*\/i)?(\s+not)?\s+(exist\s|defined\s|errorlevel\s|cmdextversion|%[^%\s]+%|"%|\[%|\(|("[^"]*"|\([^)]*\)|\{[^}]*\}|\S+)\s*==|\S+\s+(equ|neq|lss|leq|gtr|geq)\s)/;
const BRACE_EXPANSION = /\{(,|[^{}\s"':]*,[-/$])[^{}\s]*\}/;
const MAIL_COMMAND = /[\r\n](MAIL FROM:|RCPT TO:|DATA\s*$|DATA\r|QUIT\b|HELP\b|RETR \d|TOP \d|APOP |USER |PASS |STAT\b|LIST\b|DELE \d|RSET\b|NOOP\b|EHLO |HELO |VRFY |EXPN |STARTTLS\b|AUTH |[A-Z0-9]+ (LOGIN|SELECT|FETCH|CAPABILITY|LOGOUT|QUIT)\b)/;
const POWERSHELL = /(invoke-expression|invoke-webrequest|iex\s*\(|new-object\s+net\.webclient|downloadstring\(|-encodedcommand|start-process)/;

/** Whether a brace expansion (`c{a,oun}t`, `{id,}`) produces a known command word. */
function braceCommand(s: string): boolean {
  const re = /([a-z]*)\{([^{}\s]{0,40},[^{}\s]{0,40})\}([a-z]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    for (const el of m[2].split(',')) {
      const w = (m[1] + el + m[3]).replace(/['"$]/g, '');
      if (w.length > 1 && (STRONG.has(w) || UNAMBIGUOUS.has(w) || (WEAK.has(w) && m[2].length < 20))) return true;
    }
  }
  return false;
}

/** The Shellshock (CVE-2014-6271) function-definition prefix. */
const SHELLSHOCK = /\(\s*\)\s*\{\s*:?\s*;?\s*\}\s*;/;

/** Characters of shell syntax; a value with none of them is checked only for a bare `/bin/...` command path. */
const CMD_CHARS = CharClass.Sep | CharClass.Dollar | CharClass.Quote | CharClass.Paren | CharClass.Space | CharClass.Brace;

/** Detects OS command injection. */
export const commandInjectionDetector: AttackDetector = {
  family: 'command_injection',
  needs: CMD_CHARS | CharClass.Slash,
  // command folders (`/usr/bin/id` fires alone), Windows IF conditions and PowerShell cradles spelt without shell characters
  triggers: ['bin', 'sbin', 'exist', 'defined', 'errorlevel', 'cmdextversion', 'equ', 'neq', 'lss', 'leq', 'gtr', 'geq', 'invoke', 'iex', 'encodedcommand', 'downloadstring', 'webclient', 'process'],
  leadingWords: [...new Set([...STRONG, ...WEAK, ...UNAMBIGUOUS].map((w) => w.split(/[-.]/)[0]))],
  parts: ALL_PARTS,
  detect(v: ScanValue): string | null {
    const s = v.lower;
    if ((v.mask & CMD_CHARS) === 0) return s.indexOf('bin/') >= 0 && atCommand(s, 0, false, false) ? 'command_injection.command' : null;
    if (v.mask & CharClass.Dollar && (s.indexOf('${ifs') >= 0 || s.indexOf('$ifs') >= 0 || /\$\{?shell\}?\s+-c\b/.test(s))) return 'command_injection.ifs';
    if (v.mask & CharClass.Brace && SHELLSHOCK.test(s)) return 'command_injection.shellshock';
    // In a User-Agent, "(compatible; Tool 1.0; ...)" uses ';' as a list separator, not as a shell one.
    const agent = v.input.part === 'header' && v.input.name.length === 10 && v.input.name.toLowerCase() === 'user-agent';
    const n = v.mask & (CharClass.Sep | CharClass.Dollar | CharClass.Brace | CharClass.Quote) ? s.length : 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      let pos = -1;
      if (isSep(c)) pos = i + 1;
      else if (c === 36 && s.charCodeAt(i + 1) === 40 && s.charCodeAt(i + 2) !== 40) pos = i + 2;
      else if (c === 123 && i + 1 < n && /^\{[a-z/.]+,/.test(s.slice(i, i + 24))) pos = i + 1;
      if (pos < 0) continue;
      const doubled = pos < n && isSep(s.charCodeAt(pos));
      while (pos < n && isSep(s.charCodeAt(pos))) pos++;
      const strongSep = (c === 59 && !agent) || c === 96 || c === 36 || c === 10 || c === 13 || doubled;
      if (c === 59 && /^\$[a-z_][a-z0-9_]*(\s|$)/.test(s.slice(pos, pos + 40))) return 'command_injection.variable_command';
      if (atCommand(s, pos, !(agent && c === 59), strongSep, c === 124 && !doubled)) return c === 96 || c === 36 ? 'command_injection.substitution' : 'command_injection.chained_command';
    }
    if (s.length < 400 && atCommand(s, 0, false, false)) return 'command_injection.command';
    if (v.mask & CharClass.Brace && (BRACE_EXPANSION.test(s) || braceCommand(s))) return 'command_injection.brace_expansion';
    if (v.mask & CharClass.Sep && (v.text.indexOf('\r') >= 0 || v.text.indexOf('\n') >= 0) && MAIL_COMMAND.test(v.text)) return 'command_injection.mail_command';
    if (v.mask & CharClass.Paren && s.indexOf('for') >= 0 && BATCH_FOR.test(s)) return 'command_injection.batch';
    if (s.startsWith('if') || s.indexOf('if ') > 0) {
      if (BATCH_IF.test(s.trimStart())) return 'command_injection.batch';
    }
    if (v.mask & (CharClass.Paren | CharClass.Dash2 | CharClass.Space) && (s.indexOf('invoke-') >= 0 || s.indexOf('iex') >= 0 || s.indexOf('-encodedcommand') >= 0 || s.indexOf('downloadstring') >= 0 || s.indexOf('new-object') >= 0 || s.indexOf('start-process') >= 0) && POWERSHELL.test(s)) return 'command_injection.powershell';
    return null;
  },
};
