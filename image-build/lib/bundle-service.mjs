#!/usr/bin/env node
// Bundles the service's entry (appliance/src/main.ts and every TypeScript module it imports statically) into one ES
// module at image build time, so the appliance's boot neither transforms each TypeScript file nor crosses tsx's
// loader thread once per module. Packages stay external (native addons, playwright-core loaded on first use). Each
// module's import.meta.url becomes the file URL the module has once installed, so what is resolved from it
// (migrations, notifier plug-ins, the child processes' entry files, package.json) is the same file as without the
// bundle. The notifier plug-ins, which the registry imports by file path at start-up, are bundled too (the registry's
// dynamic import is pointed at them), so the service starts without tsx. The child processes (live capture, upload
// analysis) are bundled beside it under their entry files' names (`live-capture.child.mjs`, ...), which the service
// forks with plain node when it runs from a bundle (appliance/src/pipeline/child.entry.ts).
// Usage: node bundle-service.mjs <app-dir> <installed-app-dir> <out-file>
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const [appDir, installedDir, outFile] = process.argv.slice(2);
if (outFile === undefined) {
  console.error('usage: bundle-service.mjs <app-dir> <installed-app-dir> <out-file>');
  process.exit(2);
}

const NOTIFIERS = 'appliance/src/notifiers';
const REGISTRY = `${NOTIFIERS}/notifier.registry.ts`;
const DYNAMIC_IMPORT = 'await import(pathToFileURL(file).href)';

/** The registry's source with its import by path answered from the bundled plug-ins (other paths still imported). */
function registryWithBundledPlugins(source) {
  if (!source.includes(DYNAMIC_IMPORT)) throw new Error(`${REGISTRY} no longer imports plug-ins with "${DYNAMIC_IMPORT}"`);
  const entries = readdirSync(join(appDir, NOTIFIERS), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `  [${JSON.stringify(join(installedDir, NOTIFIERS, d.name, `${d.name}.notifier.ts`))}, () => import('./${d.name}/${d.name}.notifier.ts')],`);
  return (
    source.replace(DYNAMIC_IMPORT, 'await (BUNDLED_PLUGINS.get(file)?.() ?? import(pathToFileURL(file).href))') +
    `\nconst BUNDLED_PLUGINS = new Map<string, () => Promise<unknown>>([\n${entries.join('\n')}\n]);\n`
  );
}

/**
 * Replaces import.meta.url in every TypeScript module by the URL of the same file under the installed directory, and
 * bundles the notifier plug-ins into the registry.
 */
const installedModules = {
  name: 'installed-modules',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const path = relative(appDir, args.path);
      let source = (await readFile(args.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(join(installedDir, path)).href));
      if (path === REGISTRY) source = registryWithBundledPlugins(source);
      return { contents: source, loader: 'ts' };
    });
  },
};

/** The pipeline child processes, bundled next to the service. */
const CHILDREN = ['appliance/src/pipeline/live-capture.child.ts', 'appliance/src/pipeline/capture-analysis.worker.ts'];

/** Bundles one entry file into `out`; returns how many modules went in. */
async function bundle(entry, out) {
  const result = await build({
    entryPoints: [join(appDir, entry)],
    absWorkingDir: appDir,
    tsconfig: join(appDir, 'tsconfig.json'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    plugins: [installedModules],
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  return Object.keys(result.metafile.inputs).length;
}

const modules = await bundle('appliance/src/main.ts', outFile);
for (const child of CHILDREN) await bundle(child, join(dirname(outFile), basename(child).replace(/\.ts$/, '.mjs')));
console.error(`bundle-service: ${modules} modules -> ${outFile}, and ${CHILDREN.length} child processes beside it`);
