// Every word the UI shows comes from the message catalogues: the Svelte templates hold no literal text and no literal
// placeholder, aria-label, title or alt, except the technical names and sample values listed here (protocol names,
// each language's own name, example host names). Catches strings added in one language only, in the markup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'svelte/compiler';

const UI = new URL('../../../ui/src/', import.meta.url).pathname;
const LETTERS = /[A-Za-z\u3400-\u9fff]/;
const LABEL_ATTRIBUTES = new Set(['placeholder', 'aria-label', 'title', 'alt']);
/** Shown as they are in both languages. */
const ALLOWED = new Set([
  'STARTTLS',
  'TLS',
  'PDF',
  '简体中文',
  'English',
  'smtp.example.com',
  'API Radar <radar@example.com>',
  'secops@example.com',
  'api.example.com, shop.example.com',
  '/v1/users/',
  'id',
  'cn_id_card',
]);

function svelteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return svelteFiles(p);
    return p.endsWith('.svelte') ? [p] : [];
  });
}

interface AstNode {
  type?: string;
  data?: string;
  name?: string;
  value?: unknown;
  [key: string]: unknown;
}

/** Literal words in a template: text nodes and label attributes with letters in them. */
function literalWords(source: string): string[] {
  const found: string[] = [];
  const walk = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const c of n) walk(c);
      return;
    }
    const node = n as AstNode;
    if (node.type === 'Text' && LETTERS.test(node.data ?? '')) found.push((node.data ?? '').trim());
    if (node.type === 'Attribute') {
      if (LABEL_ATTRIBUTES.has(node.name ?? '') && Array.isArray(node.value)) {
        for (const v of node.value as AstNode[]) if (v.type === 'Text' && LETTERS.test(v.data ?? '')) found.push(`${node.name}="${v.data}"`);
      }
      return;
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'parent' && k !== 'instance' && k !== 'module' && k !== 'css') walk(v);
  };
  walk(parse(source, { modern: true }).fragment);
  return found;
}

test('the scanner finds literal text and label attributes, and skips expressions and other attributes', () => {
  assert.deepEqual(literalWords('<p>Hello {name}</p><input placeholder="Search" class="wide" aria-label={t("x")} /><b>{t("y")}</b>'), ['Hello', 'placeholder="Search"']);
  assert.deepEqual(literalWords('{#if a}<span>  ok </span>{:else}<span>—</span>{/if}'), ['ok']);
});

test('no Svelte template shows untranslated words', () => {
  const files = svelteFiles(UI);
  assert.ok(files.length > 40, `${files.length} components`);
  const problems: string[] = [];
  for (const f of files) {
    for (const w of literalWords(readFileSync(f, 'utf8'))) {
      const bare = w.replace(/^[a-z-]+="(.*)"$/, '$1');
      if (!ALLOWED.has(bare)) problems.push(`${f.slice(UI.length)}: ${w}`);
    }
  }
  assert.deepEqual(problems, []);
});
