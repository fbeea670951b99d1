/**
 * The scan engine: for each request input it builds the decoded variants (as received, fully decoded, base64
 * text), computes each variant's character-class mask once, and runs only the detectors whose pre-filter the mask
 * passes and whose parts include the input's part. The first hit per family wins; a call's total work is bounded
 * by the input limits.
 */
import type { Transaction } from '../../engine/transaction.types.ts';
import { base64Text, charMask, fullyDecode } from './attack-input.decoder.ts';
import { extractInputs } from './attack-input.extractor.ts';
import { PartBit, type AttackDetector, type AttackFamily, type AttackInput, type AttackMatch, type ScanValue } from './attack.types.ts';
import type { AttackSettings } from './attacks.settings.ts';

/** Runs detectors over requests. */
export class AttackScanner {
  /** Inputs inspected so far (for the bench and tests). */
  inputs = 0;

  constructor(
    private readonly detectors: readonly AttackDetector[],
    private readonly settings: AttackSettings,
  ) {}

  /** The attack hits in `tx`'s request, at most one per family. */
  scan(tx: Transaction): AttackMatch[] {
    const inputs = extractInputs(tx, this.settings);
    this.inputs += inputs.length;
    const found: AttackMatch[] = [];
    const seen = new Set<AttackFamily>();
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      const raw = input.value;
      const decoded = fullyDecode(raw);
      this.run(input, raw, found, seen);
      if (decoded !== raw) this.run(input, decoded, found, seen);
      const b64 = base64Text(raw.trim());
      if (b64 !== null) this.run(input, fullyDecode(b64), found, seen);
    }
    return found;
  }

  /** Runs the detectors on one variant. */
  private run(input: AttackInput, text: string, found: AttackMatch[], seen: Set<AttackFamily>): void {
    const mask = charMask(text);
    let lower: string | null = null;
    const bit = PartBit[input.part];
    const ds = this.detectors;
    for (let d = 0; d < ds.length; d++) {
      const det = ds[d];
      if ((det.parts & bit) === 0 || (det.needs !== 0 && (det.needs & mask) === 0)) continue;
      if (input.structural && det.structural !== true) continue;
      if (seen.has(det.family)) continue;
      if (lower === null) lower = text.toLowerCase();
      const v: ScanValue = { input, text, lower, mask };
      let rule: string | null = null;
      try {
        rule = det.detect(v);
      } catch {
        rule = null;
      }
      if (rule !== null) {
        seen.add(det.family);
        found.push({ family: det.family, rule, input, text });
      }
    }
  }
}
