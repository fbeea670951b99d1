/**
 * A light XML/SOAP walker for body scanning: visits element text and attribute values with a dotted element path
 * (`Envelope.Body.user.idCard`, attributes as `user@id`), namespace prefixes dropped. Comments, processing
 * instructions and DOCTYPE declarations are skipped; entities are never expanded beyond the five predefined ones
 * and numeric references. Tolerant of bad nesting; bounded in depth and element count; never throws.
 */

/** Receives text and attribute values. */
export interface XmlVisitor {
  /**
   * A value at `path`; `name` is the element or attribute local name (its field hint). Returns false to stop.
   */
  xmlValue(value: string, path: string, name: string): boolean;
}

/** Deepest element nesting kept in paths. */
export const MAX_XML_DEPTH = 64;
/** Most tags examined in one document. */
export const MAX_XML_TAGS = 20000;

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));/g;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the predefined XML entities and numeric character references (nothing else). */
export function decodeXmlEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(ENTITY, (m: string, named: string | undefined, dec: string | undefined, hx: string | undefined) => {
    if (named !== undefined) return NAMED[named];
    const cp = dec !== undefined ? Number(dec) : parseInt(hx ?? '', 16);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon >= 0 ? qname.slice(colon + 1) : qname;
}

function isNameChar(c: number): boolean {
  return c > 32 && c !== 62 && c !== 47 && c !== 61 && c !== 34 && c !== 39 && c !== 60;
}

const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Walks `text` as XML; returns false when it stopped early (visitor, limits or a construct left open). */
export function walkXml(text: string, visitor: XmlVisitor): boolean {
  const stack: string[] = [];
  let i = 0;
  let tags = 0;
  const n = text.length;
  for (;;) {
    const lt = text.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i && stack.length > 0) {
      const raw = text.slice(i, textEnd).trim();
      if (raw.length > 0 && !visitor.xmlValue(decodeXmlEntities(raw), stack.join('.'), stack[stack.length - 1])) return false;
    }
    if (lt < 0) return true;
    if (++tags > MAX_XML_TAGS) return false;
    if (text.startsWith('<!--', lt)) {
      const e = text.indexOf('-->', lt + 4);
      if (e < 0) return false;
      i = e + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const e = text.indexOf(']]>', lt + 9);
      const content = text.slice(lt + 9, e < 0 ? n : e).trim();
      if (content.length > 0 && stack.length > 0 && !visitor.xmlValue(content, stack.join('.'), stack[stack.length - 1])) return false;
      if (e < 0) return false;
      i = e + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      const e = text.indexOf('?>', lt + 2);
      if (e < 0) return false;
      i = e + 2;
      continue;
    }
    if (text.startsWith('<!', lt)) {
      const gt = text.indexOf('>', lt + 2);
      const br = text.indexOf('[', lt + 2);
      const e = br >= 0 && (gt < 0 || br < gt) ? text.indexOf(']>', br) : gt;
      if (e < 0) return false;
      i = e + (e === gt ? 1 : 2);
      continue;
    }
    const gt = text.indexOf('>', lt + 1);
    if (gt < 0) return false;
    i = gt + 1;
    if (text.charCodeAt(lt + 1) === 47) {
      const name = localName(text.slice(lt + 2, gt).trim());
      const at = stack.lastIndexOf(name);
      if (at >= 0) stack.length = at;
      continue;
    }
    let ne = lt + 1;
    while (ne < gt && isNameChar(text.charCodeAt(ne))) ne++;
    if (ne === lt + 1) continue;
    const name = localName(text.slice(lt + 1, ne));
    const selfClosing = text.charCodeAt(gt - 1) === 47;
    if (ne < gt) {
      const attrs = text.slice(ne, selfClosing ? gt - 1 : gt);
      ATTR.lastIndex = 0;
      let m: RegExpExecArray | null;
      const base = stack.length > 0 ? stack.join('.') + '.' + name : name;
      while ((m = ATTR.exec(attrs)) !== null) {
        const aname = localName(m[1]);
        if (m[1] === 'xmlns' || m[1].startsWith('xmlns:')) continue;
        const v = m[2] ?? m[3] ?? '';
        if (v.length > 0 && !visitor.xmlValue(decodeXmlEntities(v), base + '@' + aname, aname)) return false;
      }
    }
    if (!selfClosing && stack.length < MAX_XML_DEPTH) stack.push(name);
  }
}
