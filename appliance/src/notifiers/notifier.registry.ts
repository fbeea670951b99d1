/**
 * The notifier kinds the appliance knows. Each kind is a folder `notifiers/<kind>/` with a `<kind>.notifier.ts`
 * exporting `plugin` (a {@link NotifierPlugin}); {@link discoverNotifierPlugins} finds them at start-up, so adding a
 * kind is adding a folder.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { NotifierPlugin } from './notifier.types.ts';

/** The folder plug-in folders are read from. */
export const NOTIFIERS_DIR = fileURLToPath(new URL('./', import.meta.url));

/** Looks up notifier plug-ins by kind. */
export class NotifierRegistry {
  private readonly byKind = new Map<string, NotifierPlugin>();

  constructor(plugins: readonly NotifierPlugin[]) {
    for (const p of plugins) {
      if (this.byKind.has(p.kind)) throw new Error(`two notifier plug-ins of kind ${p.kind}`);
      this.byKind.set(p.kind, p);
    }
  }

  /** The plug-in of `kind`, or undefined. */
  get(kind: string): NotifierPlugin | undefined {
    return this.byKind.get(kind);
  }

  /** Every kind, sorted. */
  kinds(): string[] {
    return [...this.byKind.keys()].sort();
  }
}

/** Imports every `<dir>/<kind>/<kind>.notifier.ts` and returns the plug-ins they export as `plugin`. */
export async function discoverNotifierPlugins(dir: string = NOTIFIERS_DIR): Promise<NotifierPlugin[]> {
  const out: NotifierPlugin[] = [];
  for (const kind of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const file = join(dir, kind, `${kind}.notifier.ts`);
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as { plugin?: NotifierPlugin };
    if (mod.plugin === undefined || mod.plugin.kind !== kind) throw new Error(`${file} must export \`plugin\` of kind ${kind}`);
    out.push(mod.plugin);
  }
  return out;
}
