/**
 * XML external entities: a DOCTYPE that declares an external entity (`<!ENTITY x SYSTEM "...">`, PUBLIC, or a
 * parameter entity `<!ENTITY % x ...>`), and XInclude. Looks at XML bodies and at any value holding XML.
 * Rule ids `xxe.<what>`.
 */
import { ALL_PARTS, CharClass, type AttackDetector, type ScanValue } from '../attack.types.ts';

/** Detects XML external entity injection. */
export const xxeDetector: AttackDetector = {
  family: 'xxe',
  needs: CharClass.Angle,
  triggers: [],
  parts: ALL_PARTS,
  detect(v: ScanValue): string | null {
    const s = v.lower;
    const ent = s.indexOf('<!entity');
    if (ent >= 0) {
      const decl = s.slice(ent, ent + 512);
      if (/<!entity\s+%/.test(decl)) return 'xxe.parameter_entity';
      if (/<!entity\s+[^\s>]+\s+(system|public)\s/.test(decl)) return 'xxe.external_entity';
    }
    if (s.indexOf('<!doctype') >= 0 && /<!doctype[^>]*\s(system|public)\s+["'][^"']*(file:|https?:|ftp:|php:|expect:|gopher:|jar:|\/etc\/)/.test(s)) return 'xxe.external_dtd';
    if (s.indexOf('xinclude') >= 0 && /<[a-z0-9]*:?include[^>]*href=/.test(s)) return 'xxe.xinclude';
    return null;
  },
};
