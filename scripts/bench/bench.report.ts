/**
 * Shared by the benchmark scripts: writes a figures block into docs/benchmarks.md between
 * `<!-- <name>:begin -->` and `<!-- <name>:end -->` markers (replacing the previous run's block, or appending a new
 * section with `heading` when the markers are not there yet).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'benchmarks.md');

/** Replaces (or appends) the `name` block of docs/benchmarks.md with `text`; returns the file written. */
export function writeBenchSection(name: string, heading: string, text: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${begin}\n${text.trimEnd()}\n${end}`;
  let cur = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n\nFigures printed by the benchmark scripts; each run rewrites its own section.\n';
  const a = cur.indexOf(begin);
  const b = cur.indexOf(end);
  if (a >= 0 && b > a) cur = `${cur.slice(0, a)}${block}${cur.slice(b + end.length)}`;
  else cur = `${cur.trimEnd()}\n\n## ${heading}\n\n${block}\n`;
  writeFileSync(DOC, cur.endsWith('\n') ? cur : `${cur}\n`);
  return DOC;
}
