/**
 * Where a pipeline child process starts from. In the source tree (and in tests) a child is its TypeScript entry file
 * run through tsx. The appliance image runs the service from one bundled file (`dist/main.mjs`, see
 * image-build/lib/bundle-service.mjs), with each child bundled beside it under the entry file's name (`.mjs`): those
 * are forked with plain node, so a child starts without transforming TypeScript (minutes under software emulation).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The file to fork for a child whose source entry is `tsFile`, and the node options it needs. */
export function childEntry(tsFile: string, mainFile: string | undefined = process.argv[1]): { file: string; execArgv: string[] } {
  if (mainFile !== undefined && mainFile.endsWith('.mjs')) {
    const bundled = join(dirname(mainFile), basename(tsFile).replace(/\.ts$/, '.mjs'));
    if (existsSync(bundled)) return { file: bundled, execArgv: [] };
  }
  return { file: tsFile, execArgv: ['--import', 'tsx'] };
}
