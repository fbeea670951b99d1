// Test runner: runs the test tiers (unit, integration, e2e) with Node's built-in runner through tsx.
// Node 20 cannot glob in --test, so the files are listed here. Usage: node scripts/run-tests.mjs [unit|integration|all] [filter]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const tiers = { unit: ['tests/unit'], integration: ['tests/integration'], all: ['tests/unit', 'tests/integration'] };
const tier = process.argv[2] ?? 'all';
const filter = process.argv[3];
if (!(tier in tiers)) {
  console.error(`unknown test tier "${tier}" (expected one of ${Object.keys(tiers).join(', ')})`);
  process.exit(2);
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = tiers[tier].flatMap(walk).filter((f) => !filter || f.includes(filter));
if (files.length === 0) {
  console.error(`no test files found for tier "${tier}"${filter ? ` matching "${filter}"` : ''}`);
  process.exit(1);
}
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);
