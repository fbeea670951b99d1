/**
 * Cross-site scripting: an HTML context tokeniser over the value — tag openings of script-capable or dangerous
 * elements, any tag or quote break followed by an event-handler attribute (`on<event>=`), script URLs
 * (`javascript:`, `vbscript:`, `data:text/html`, with whitespace and control characters squeezed out), CSS
 * `expression(`, server-side includes, and DOM sinks (`document.cookie`, `.innerHTML`, `alert(`). Rule ids `xss.<what>`.
 */
import { ALL_PARTS, CharClass, type AttackDetector, type ScanValue } from '../attack.types.ts';

const DANGEROUS_TAGS = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'img', 'image', 'body',
  'style', 'link', 'meta', 'base', 'form', 'input', 'button', 'video', 'audio', 'source', 'isindex', 'marquee',
  'details', 'xss', 'xml', 'import', 'vmlframe', 'v:vmlframe', 'v:image', 'template', 'animate', 'set', 'handler',
  'listener', 'keygen', 'bgsound', 'layer', 'ilayer', 'dialog', 'portal', 'noscript', ':vmlframe', 'x:script',
]);

/** Tag names worth reassembling when an attacker spaces their letters out (`<f o r m`). */
const SPACED_TAGS = ['script', 'iframe', 'form', 'dialog', 'object', 'embed', 'svg', 'img', 'frameset', 'applet', 'style', 'meta', 'base'];
const URL_ATTRIBUTES = /(^|['"\s/])(formaction|srcdoc|xlink:href|dynsrc|lowsrc)\s*=/;
const TEMPLATE_CALL = /(\.\s*(call|apply|sort|map|bind|constructor)\s*(\/\*.*?\*\/\s*)?`|`\s*\$\{\s*(alert|eval|prompt|confirm|navigation))/;

const DOM_SINKS = /document\.(cookie|write|location|domain|createelement|body|queryselector|getelementby)|window\.(location|open\(|name)|\.(inner|outer)html|string\.fromcharcode|location\.(href|hash)|top\.location|set(timeout|interval)\(|\.appendchild\(|navigator\.sendbeacon|fetch\(document/;

function isSpaceOrCtl(c: number): boolean {
  return c <= 32 || c === 127 || c === 160;
}

/** Index after `on<letters>` + optional spaces + '=' starting at `i`, or -1. */
function eventHandlerAt(s: string, i: number): number {
  if (s.charCodeAt(i) !== 111 || s.charCodeAt(i + 1) !== 110) return -1;
  let j = i + 2;
  while (j < s.length && s.charCodeAt(j) >= 97 && s.charCodeAt(j) <= 122) j++;
  if (j - i < 5) return -1;
  while (j < s.length && isSpaceOrCtl(s.charCodeAt(j))) j++;
  return s.charCodeAt(j) === 61 ? j + 1 : -1;
}

function hasEventHandler(s: string): boolean {
  let i = s.indexOf('on');
  while (i >= 0) {
    const p = i === 0 ? 32 : s.charCodeAt(i - 1);
    if ((isSpaceOrCtl(p) || p === 34 || p === 39 || p === 47 || p === 96 || p === 59) && eventHandlerAt(s, i) >= 0) return true;
    i = s.indexOf('on', i + 2);
  }
  return false;
}

function tagRule(s: string): string | null {
  let i = s.indexOf('<');
  while (i >= 0) {
    let j = i + 1;
    if (s.charCodeAt(j) === 47) j++;
    while (j < s.length && isSpaceOrCtl(s.charCodeAt(j)) && j - i < 4) j++;
    const ns = j;
    while (j < s.length) {
      const c = s.charCodeAt(j);
      if ((c >= 97 && c <= 122) || c === 58 || (c >= 48 && c <= 57 && j > ns)) j++;
      else break;
    }
    if (j > ns) {
      const name = s.slice(ns, j);
      const after = j < s.length ? s.charCodeAt(j) : 62;
      const closes = isSpaceOrCtl(after) || after === 62 || after === 47;
      if (name === 'script' && closes) return 'xss.script_tag';
      const gt = s.indexOf('>', j);
      const attrs = s.slice(j, gt < 0 ? s.length : gt);
      if (closes && hasEventHandler(attrs.length > 0 && !isSpaceOrCtl(attrs.charCodeAt(0)) ? ' ' + attrs : attrs)) return 'xss.event_handler';
      if (closes && DANGEROUS_TAGS.has(name) && name.length > 1 && (gt >= 0 || attrs.indexOf('=') >= 0 || /(src|href|data|action|formaction|xlink)/.test(attrs))) return 'xss.tag';
      if (!closes && name.length >= 5 && DANGEROUS_TAGS.has(name) && !/[a-z0-9]/.test(s[j] ?? '')) return 'xss.tag';
      if (name.startsWith('import') && s.indexOf('implementation', j - 14) >= 0) return 'xss.tag';
    } else if (s.startsWith('!--#', i + 1)) return 'xss.ssi';
    else if (s.startsWith('?import', i + 1)) return 'xss.tag';
    if (s.charCodeAt(i + 1) === 32 || s.charCodeAt(i + 2) === 32) {
      const spaced = squeeze(s.slice(i + 1, i + 24)).replace(/^[a-z]?:/, '');
      for (const t of SPACED_TAGS) {
        const after = spaced.charCodeAt(t.length);
        if (spaced.startsWith(t) && !(after >= 97 && after <= 122)) return 'xss.tag';
      }
    }
    i = s.indexOf('<', i + 1);
  }
  return null;
}

/** `s` without whitespace and control characters (browsers ignore them inside a URL scheme). */
function squeeze(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) if (!isSpaceOrCtl(s.charCodeAt(i))) out += s[i];
  return out;
}

/** Detects cross-site scripting payloads. */
export const xssDetector: AttackDetector = {
  family: 'xss',
  needs: CharClass.Angle | CharClass.Equals | CharClass.Colon | CharClass.Dot | CharClass.Paren,
  triggers: ['document', 'window', 'location', 'innerhtml', 'outerhtml', 'fromcharcode', 'navigator'],
  parts: ALL_PARTS,
  detect(v: ScanValue): string | null {
    const s = v.lower;
    if (v.mask & CharClass.Angle) {
      const r = tagRule(s);
      if (r !== null) return r;
    }
    if (v.mask & CharClass.Equals && v.mask & (CharClass.Quote | CharClass.Space | CharClass.Slash) && hasEventHandler(s)) return 'xss.event_handler';
    if (v.mask & CharClass.Colon) {
      // eslint-disable-next-line no-control-regex
      const q = /[\x00-\x1f]/.test(s) ? squeeze(s) : s.indexOf('url(') >= 0 ? s.replace(/ /g, '') : s;
      if (q.indexOf('url(javascript') >= 0 || q.indexOf('javascript:') >= 0 || q.indexOf('vbscript:') >= 0 || q.indexOf('livescript:') >= 0 || q.indexOf('data:text/html') >= 0 || q.indexOf('data:image/svg') >= 0 || q.indexOf('data:application/x-javascript') >= 0) return 'xss.script_url';
    }
    if (v.mask & CharClass.Paren && (s.indexOf('expression(') >= 0 || s.indexOf('expression (') >= 0) && /(style|:|\{)/.test(s)) return 'xss.css_expression';
    if (v.mask & CharClass.Equals && URL_ATTRIBUTES.test(s)) return 'xss.event_handler';
    if (v.mask & CharClass.Bracket && ((s.match(/[!+]\s*\[\s*\]/g)?.length ?? 0) >= 2 || /!!\s*\[\s*\]/.test(s))) return 'xss.jsfuck';
    if (v.mask & CharClass.Dash2 && /^\s*--!?>/.test(s)) return 'xss.comment_breakout';
    if (v.mask & CharClass.Quote && s.indexOf('`') >= 0 && TEMPLATE_CALL.test(s)) return 'xss.js_call';
    if (v.mask & (CharClass.Dot | CharClass.Paren)) {
      const maySink = v.mask & (CharClass.Paren | CharClass.Equals) || s.indexOf('document') >= 0 || s.indexOf('window') >= 0 || s.indexOf('location') >= 0 || s.indexOf('html') >= 0 || s.indexOf('navigator') >= 0;
      if (maySink && DOM_SINKS.test(s)) return 'xss.dom_sink';
      if (v.mask & CharClass.Paren && /(^|[^a-z0-9_.])(alert|prompt|confirm|eval)\s*[(`]/.test(s) && /[(`]\s*([0-9'"`)]|document|window|this|atob|string)/.test(s)) return 'xss.js_call';
    }
    return null;
  },
};
