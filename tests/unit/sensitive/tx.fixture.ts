// Test fixture: builds Transaction records (and single-detector contexts) for the sensitive-data tests.
export { makeTx, type TxSpec } from '../../fixtures/transaction.fixture.ts';
import type { DetectContext, SensitiveDetector, SensitiveLocation, SensitiveMatch } from '../../../appliance/src/analyzers/sensitive/detector.types.ts';
import { TextFeatures } from '../../../appliance/src/analyzers/sensitive/text.features.ts';
import { DigitGroups } from '../../../appliance/src/analyzers/sensitive/digit.groups.ts';
import { classifyField } from '../../../appliance/src/analyzers/sensitive/field.hints.ts';

/** Runs one detector on `text` as the scanner would for a value of field `field` at `location`. */
export function runDetector(d: SensitiveDetector, text: string, field = '', location: SensitiveLocation = 'json', today = 20250101): SensitiveMatch[] {
  const features = new TextFeatures().compute(text, 0, text.length);
  const groups = new DigitGroups();
  let computed = false;
  const ctx: DetectContext = {
    location,
    hints: classifyField(field),
    features,
    todayYmd: today,
    digitGroups(t: string): DigitGroups {
      if (!computed) groups.compute(t);
      computed = true;
      return groups;
    },
  };
  const out: SensitiveMatch[] = [];
  d.find(text, ctx, out);
  return out;
}

/** Values a detector reports at the scanner's default threshold (0.6). */
export function reported(d: SensitiveDetector, text: string, field = '', location: SensitiveLocation = 'json'): string[] {
  return runDetector(d, text, field, location).filter((m) => m.confidence >= 0.6).map((m) => m.value);
}
