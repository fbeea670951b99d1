/**
 * Scanning tools by signature: tool names in the User-Agent (and the other headers tools stamp), tool-specific
 * headers, and the out-of-band callback domains of scanners in any value. Scanning by behaviour (many 404s,
 * path walking) is the abuse analyzer's part. Rule ids `scanner.<what>`.
 */
import { CharClass, PartBit, type AttackDetector, type ScanValue } from '../attack.types.ts';

const TOOL_AGENTS = [
  'sqlmap', 'nikto', 'nmap', 'nessus', 'acunetix', 'netsparker', 'havij', 'w3af', 'wpscan', 'masscan', 'zgrab',
  'nuclei', 'dirbuster', 'gobuster', 'ffuf', 'wfuzz', 'openvas', 'arachni', 'jaeles', 'commix', 'zmeu', 'morfeus',
  'fimap', 'whatweb', 'xsstrike', 'dirsearch', 'feroxbuster', 'skipfish', 'paros', 'webinspect', 'appscan',
  'burp', 'owasp zap', 'zaproxy', 'qualys', 'detectify', 'brutus', 'hydra', 'medusa',
  'jorgee', 'webshag', 'bsqlbf', 'mysqloit', 'pangolin', 'absinthe', 'sqlninja', 'crimscanner', 'dotdotpwn',
  'struts-pwn', 'log4j-scan', 'httpx - open-source', 'interactsh', 'wapiti', 'vega/', 'webreaper', 'black widow',
  'n-stealth', 'cgichk', 'webtrends security analyzer', 'nsauditor', 'mozilla/5.0 sf/',
  'sitelockspider', 'bilbo', 'blackwidow', 'grendel-scan', 'nasl', 'advanced email extractor', 'internet ninja',
  'security scan', 'ecairn-grabber', 'emailcollector', 'prowebwalker', 'mj12bot', 'webvulnscan', 'teh forest lobster',
];

const TOOL_HEADERS = ['acunetix-product', 'acunetix-scanning-agreement', 'acunetix-user-agreement', 'x-scanner', 'x-wipp', 'x-ratproxy-loop', 'x-burp-', 'x-wapiti'];

const CALLBACK_DOMAINS = ['burpcollaborator.net', 'oastify.com', 'interact.sh', 'oast.pro', 'oast.live', 'oast.site', 'oast.online', 'oast.fun', 'oast.me', 'dnslog.cn', 'ceye.io', 'canarytokens.com', 'requestbin.net', 'pipedream.net'];

const escape = (w: string): string => w.replace(/[.*+?^${}()|[\]\\/]/g, (c) => '\\' + c);
const AGENT_RE = new RegExp(TOOL_AGENTS.map(escape).join('|'));
const CALLBACK_RE = new RegExp(CALLBACK_DOMAINS.map(escape).join('|'));

/** Callback domains appear inside URLs, lookups, commands or markup. */
const URL_LIKE = CharClass.Colon | CharClass.Slash | CharClass.Dollar | CharClass.Sep | CharClass.Quote | CharClass.Angle | CharClass.Brace | CharClass.Paren;

/** Detects scanning tools by signature. */
export const scannerDetector: AttackDetector = {
  family: 'scanner',
  needs: 0,
  // callback domains; headers are not pre-filtered
  triggers: ['burpcollaborator', 'oastify', 'interact', 'oast', 'dnslog', 'ceye', 'canarytokens', 'requestbin', 'pipedream'],
  parts: PartBit.header | PartBit.query | PartBit.form | PartBit.json | PartBit.path,
  detect(v: ScanValue): string | null {
    const input = v.input;
    const s = v.lower;
    if (input.part === 'header') {
      const name = input.name.toLowerCase();
      for (const h of TOOL_HEADERS) if (name.startsWith(h)) return 'scanner.tool_header';
      if (name === 'user-agent' || name === 'x-forwarded-for' || name === 'from' || name === 'referer') {
        if (AGENT_RE.test(s)) return 'scanner.user_agent';
      }
    }
    if (v.mask & CharClass.Dot && v.mask & URL_LIKE && CALLBACK_RE.test(s)) return 'scanner.callback_domain';
    return null;
  },
};
