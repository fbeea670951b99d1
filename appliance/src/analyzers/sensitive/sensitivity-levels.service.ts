/**
 * Sensitivity levels as users edit them: validates edits, stores them through the SensitiveRepository and pushes
 * the merged level map to its listeners (the running SensitiveAnalyzer's `setLevels`), so edits apply without a
 * restart.
 */
import type { SensitivityLevel } from './detector.types.ts';
import type { SensitiveRepository } from '../../store/sqlite/sensitive.repository.ts';
import { SENSITIVE_DETECTORS } from './detector.registry.ts';
import type { SensitivityLevels } from './sensitivity.levels.ts';
import { isSensitivityLevel, resolveLevels } from './sensitivity.levels.ts';

/** Thrown for an unknown type id or a level outside 1..4. */
export class SensitivityLevelError extends Error {
  override readonly name = 'SensitivityLevelError';
}

/** One type's level as shown to users. */
export interface TypeLevelView {
  typeId: string;
  label: { en: string; zh: string };
  defaultLevel: SensitivityLevel;
  level: SensitivityLevel;
  /** Set by a user (else the default). */
  edited: boolean;
}

/** Lists, edits and distributes sensitivity levels. */
export class SensitivityLevelsService {
  private readonly listeners: Array<(levels: SensitivityLevels) => void> = [];

  constructor(private readonly repo: SensitiveRepository) {}

  /** The merged level map (defaults overlaid with user settings). */
  levels(): Map<string, SensitivityLevel> {
    return resolveLevels(new Map(this.repo.levelOverrides().map((r) => [r.typeId, r.level])));
  }

  /** The user's settings (type id, level), the form pipelines in child processes receive (see `applySensitiveLevels`). */
  overrides(): Array<[string, number]> {
    return this.repo.levelOverrides().map((r) => [r.typeId, r.level]);
  }

  /** Every built-in type with its default and current level. */
  list(): TypeLevelView[] {
    const overrides = new Map(this.repo.levelOverrides().map((r) => [r.typeId, r.level]));
    return SENSITIVE_DETECTORS.map((d) => {
      const o = overrides.get(d.id);
      return { typeId: d.id, label: { ...d.label }, defaultLevel: d.defaultLevel, level: o ?? d.defaultLevel, edited: o !== undefined };
    });
  }

  /** Calls `fn` with the merged map now and after every edit. */
  subscribe(fn: (levels: SensitivityLevels) => void): void {
    this.listeners.push(fn);
    fn(this.levels());
  }

  /** Sets a type's level (by user `by`) and notifies listeners. */
  set(typeId: string, level: unknown, by: string): void {
    if (!SENSITIVE_DETECTORS.some((d) => d.id === typeId)) throw new SensitivityLevelError(`unknown sensitive type: ${typeId}`);
    if (!isSensitivityLevel(level)) throw new SensitivityLevelError('level must be 1, 2, 3 or 4');
    this.repo.setLevel(typeId, level, by);
    this.publish();
  }

  /** Puts a type back to its default level and notifies listeners. */
  reset(typeId: string): void {
    this.repo.resetLevel(typeId);
    this.publish();
  }

  private publish(): void {
    const levels = this.levels();
    for (const fn of this.listeners) fn(levels);
  }
}
