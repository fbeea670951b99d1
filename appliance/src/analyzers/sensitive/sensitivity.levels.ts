/**
 * Sensitivity levels per sensitive type: the defaults the detectors declare (L1 public … L4 highly sensitive, in
 * the spirit of GB/T 43697) merged with the levels users edited. The merged map is what the analyzer reads; it is
 * consulted when results are read, so an edit applies at once to everything already aggregated.
 */
import type { SensitiveDetector, SensitivityLevel } from './detector.types.ts';
import { SENSITIVE_DETECTORS } from './detector.registry.ts';

/** Level per type id. Types missing from the map are treated as {@link UNKNOWN_TYPE_LEVEL}. */
export type SensitivityLevels = ReadonlyMap<string, SensitivityLevel>;

/** Level of a type that has no detector and no user setting (conservative: sensitive). */
export const UNKNOWN_TYPE_LEVEL: SensitivityLevel = 3;

/** True when `n` is a valid level (an integer 1..4). */
export function isSensitivityLevel(n: unknown): n is SensitivityLevel {
  return n === 1 || n === 2 || n === 3 || n === 4;
}

/** The detectors' default levels. */
export function defaultLevels(detectors: readonly SensitiveDetector[] = SENSITIVE_DETECTORS): Map<string, SensitivityLevel> {
  const out = new Map<string, SensitivityLevel>();
  for (const d of detectors) out.set(d.id, d.defaultLevel);
  return out;
}

/** Defaults overlaid with user settings; overrides with an invalid level are ignored. */
export function resolveLevels(
  overrides: ReadonlyMap<string, number>,
  detectors: readonly SensitiveDetector[] = SENSITIVE_DETECTORS,
): Map<string, SensitivityLevel> {
  const out = defaultLevels(detectors);
  for (const [type, level] of overrides) if (isSensitivityLevel(level)) out.set(type, level);
  return out;
}

/** The level of `type` in `levels`. */
export function levelOf(levels: SensitivityLevels, type: string): SensitivityLevel {
  return levels.get(type) ?? UNKNOWN_TYPE_LEVEL;
}
