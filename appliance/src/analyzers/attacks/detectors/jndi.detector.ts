/**
 * JNDI lookup injection (Log4Shell, CVE-2021-44228): resolves the nested lookups attackers use to hide the
 * `jndi` keyword — `${lower:j}`, `${upper:N}`, `${::-d}`, `${env:X:-i}`, `${date:'j'}` — innermost first, bounded,
 * and then looks for `${jndi:` with a naming protocol. Inspects every header, structural ones included.
 * Rule ids `jndi_injection.<what>`.
 */
import { ALL_PARTS, CharClass, type AttackDetector, type ScanValue } from '../attack.types.ts';

/** Most lookups resolved in one value. */
const MAX_LOOKUPS = 64;

const PROTOCOLS = /\$\{jndi:(ldap|ldaps|rmi|dns|iiop|corba|nds|nis|http|https|iiopname)?/;

/** Replaces innermost non-jndi `${...}` lookups by the text they would produce. */
export function resolveLookups(s: string): string {
  let cur = s;
  for (let round = 0; round < MAX_LOOKUPS; round++) {
    let changed = false;
    cur = cur.replace(/\$\{([^${}]*)\}/g, (m: string, body: string) => {
      if (body.startsWith('jndi:')) return m;
      changed = true;
      const dflt = body.indexOf(':-');
      if (dflt >= 0) return body.slice(dflt + 2);
      const colon = body.indexOf(':');
      if (colon < 0) return body;
      const fn = body.slice(0, colon);
      const arg = body.slice(colon + 1);
      if (fn === 'lower' || fn === 'upper') return arg;
      if (fn === 'date') return arg.replace(/'/g, '');
      return arg;
    });
    if (!changed) break;
  }
  return cur;
}

/** Detects JNDI lookups. */
export const jndiDetector: AttackDetector = {
  family: 'jndi_injection',
  needs: CharClass.Dollar,
  triggers: [],
  parts: ALL_PARTS,
  structural: true,
  detect(v: ScanValue): string | null {
    const s = v.lower;
    const i = s.indexOf('${');
    if (i < 0) return null;
    if (s.indexOf('${jndi:', i) >= 0) return 'jndi_injection.lookup';
    if (s.indexOf('}', i) < 0) return null;
    const r = resolveLookups(s.slice(i));
    if (PROTOCOLS.test(r)) return 'jndi_injection.obfuscated_lookup';
    return null;
  },
};
