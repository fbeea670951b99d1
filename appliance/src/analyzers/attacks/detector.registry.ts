/**
 * The attack detector plug-ins, one file per family under detectors/. A new family is one detector file and one
 * line here; the scan engine runs them in this order and keeps the first hit per family.
 */
import type { AttackDetector } from './attack.types.ts';
import { sqliDetector } from './detectors/sqli.detector.ts';
import { xssDetector } from './detectors/xss.detector.ts';
import { pathTraversalDetector } from './detectors/path-traversal.detector.ts';
import { commandInjectionDetector } from './detectors/command-injection.detector.ts';
import { ssrfDetector } from './detectors/ssrf.detector.ts';
import { xxeDetector } from './detectors/xxe.detector.ts';
import { jndiDetector } from './detectors/jndi.detector.ts';
import { sstiDetector } from './detectors/ssti.detector.ts';
import { nosqlDetector } from './detectors/nosql.detector.ts';
import { scannerDetector } from './detectors/scanner.detector.ts';

/** The default detectors. */
export function defaultAttackDetectors(): AttackDetector[] {
  return [
    jndiDetector,
    sqliDetector,
    xssDetector,
    pathTraversalDetector,
    commandInjectionDetector,
    ssrfDetector,
    xxeDetector,
    sstiDetector,
    nosqlDetector,
    scannerDetector,
  ];
}
