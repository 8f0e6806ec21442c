/**
 * Documentation that ships with the tool: one page per rule id (docs/rules/<id>.md, in the format
 * the rule pages share), every URL the CLI emits resolves to a file of the repository, links between
 * the markdown files resolve, and the README stays a one-page read for users.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_URL, ruleDocsUrl, rules } from '../transforms/lib/rules.js';
import { FIX, REPO, cli, tempDir } from './helpers/cli.js';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

/**
 * Rule ids that issue 9 deletes from rules.ts; they get no page. Once they are gone from rules.ts
 * this list exempts nothing (and can be deleted).
 */
const LEAVING_RULES = new Set([
  'method-escapes-context',
  'multiple-factory-calls',
  'call-in-loop',
  'generator-function',
  'factory-called-at-module-level',
  'control-flow-crosses-wrapper',
  'unsupported-statement-position',
  'cross-file-factory',
  'untraceable-factory-use',
  'unresolved-factory-call',
  'factory-escapes',
  'wire-call-site',
  'insert-context-middleware',
]);

/** Pages other engineers are writing (issues 9, 10, 11); links to them may not resolve on every branch yet. */
const PAGES_IN_FLIGHT = new Set([
  'docs/request-context.md',
  'docs/migration.md',
  'docs/what-is-left-alone.md',
  'docs/workspaces.md',
  'docs/guarantees.md',
]);

/** The ids in rules.ts now, so a rule added later is checked against its own page. */
const documentedIds = Object.keys(rules).filter((id) => !LEAVING_RULES.has(id));

/** A repository URL -> the file or folder it names, or null when it is not one of ours. */
function repoPathOf(url: string): { rel: string; kind: 'file' | 'dir' } | null {
  if (!url.startsWith(REPOSITORY_URL)) return null;
  const rest = url.slice(REPOSITORY_URL.length).replace(/#.*$/, '');
  if (rest === '') return { rel: 'README.md', kind: 'file' };
  const m = /^\/(blob|tree)\/main\/(.+)$/.exec(rest);
  if (!m) throw new Error(`not a file URL of the repository: ${url}`);
  return { rel: m[2], kind: m[1] === 'blob' ? 'file' : 'dir' };
}

function exists(target: { rel: string; kind: 'file' | 'dir' }): boolean {
  const abs = path.join(REPO, target.rel);
  return fs.existsSync(abs) && (target.kind === 'file' ? fs.statSync(abs).isFile() : fs.statSync(abs).isDirectory());
}

describe('package metadata', () => {
  it('names the repository the docs URLs are built from, with homepage, bugs, license and a LICENSE file', () => {
    expect(pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')).toBe(REPOSITORY_URL);
    expect(pkg.homepage).toBe(`${REPOSITORY_URL}#readme`);
    expect(pkg.bugs.url).toBe(`${REPOSITORY_URL}/issues`);
    expect(pkg.license).toBe('MIT');
    expect(fs.readFileSync(path.join(REPO, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
  });
});

describe('rule pages', () => {
  it.each(documentedIds)('%s has docs/rules/<id>.md in the shared format', (id) => {
    const file = path.join(REPO, 'docs/rules', `${id}.md`);
    expect(fs.existsSync(file), `missing ${path.relative(REPO, file)}`).toBe(true);
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n');
    expect(lines[0]).toBe(`# ${id}`);
    expect(lines[1]).toBe(rules[id as keyof typeof rules].description);
    const headings = lines.filter((l) => /^#{1,6} /.test(l));
    expect(headings).toEqual([`# ${id}`, '## Why', '## How to fix', '## Example']);
    for (const section of text.split(/^## .*$/m).slice(1)) expect(section.trim().length).toBeGreaterThan(10);
  });

  it('there is no page for a rule id that does not exist', () => {
    const pages = fs.readdirSync(path.join(REPO, 'docs/rules')).map((f) => f.replace(/\.md$/, ''));
    expect(pages.filter((p) => !(p in rules))).toEqual([]);
  });
});

describe('every URL the CLI emits exists as a file of the repository', () => {
  it('in --help, the text report, JSON and SARIF', () => {
    const d = tempDir('asm-docs-');
    fs.mkdirSync(path.join(d, 'src'));
    // A server app (it depends on express, on no UI framework): its factories are per-request server code.
    fs.writeFileSync(path.join(d, 'package.json'), '{ "name": "p", "private": true, "dependencies": { "express": "^5.1.0" } }\n');
    // Edits, manual review, security, warnings and a failed file, so every kind of record is emitted.
    for (const f of ['named-import-arrow.input.ts', 'fixed-id.input.ts', 'env-base-url.input.ts', 'review-await-option.input.ts', 'method-share-request.input.ts']) {
      fs.copyFileSync(path.join(FIX, f), path.join(d, 'src', f.replace('.input', '')));
    }
    fs.writeFileSync(path.join(d, 'src/broken.ts'), "import { createAlova } from 'alova';\nconst a = ;\n");
    const urls = new Set<string>();
    const outputs: string[] = [];
    for (const args of [['--help'], ['src', '--check'], ['src', '--check', '--reporter', 'json'], ['src', '--check', '--reporter', 'sarif'], ['src', '--check', '--cache', 'shared']]) {
      const r = cli(args, d);
      outputs.push(r.stdout);
      for (const m of r.stdout.matchAll(/https?:\/\/[^\s"'`)]+/g)) urls.add(m[0]);
    }
    const ours = [...urls].filter((u) => u.startsWith(REPOSITORY_URL));
    // The runs above emit rule pages of edits, review items and file rules, and the general pages.
    expect(ours).toEqual(expect.arrayContaining([ruleDocsUrl('hoist-instance'), ruleDocsUrl('fixed-id-shares-requests'), ruleDocsUrl('shared-cache'), ruleDocsUrl('syntax-error'), `${REPOSITORY_URL}#readme`]));
    expect(ours.length).toBeGreaterThan(10);
    const leaving = new Set([...LEAVING_RULES].map(ruleDocsUrl));
    const broken = ours.filter((u) => !leaving.has(u) && !exists(repoPathOf(u)!));
    expect(broken).toEqual([]);
    // No relative README anchors are left anywhere in the output.
    expect(outputs.join('\n')).not.toMatch(/README\.md#rule-/);
  });
});

describe('markdown links', () => {
  const markdown = ['README.md', 'BENCHMARKS.md', ...fs.readdirSync(path.join(REPO, 'docs'), { recursive: true }).map((f) => `docs/${f}`).filter((f) => f.endsWith('.md'))];
  it.each(markdown)('every relative link in %s names a file that exists', (file) => {
    const text = fs.readFileSync(path.join(REPO, file), 'utf8').replace(/```[^]*?```/g, '');
    const missing: string[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1].replace(/#.*$/, '');
      if (!target || /^[a-z]+:/i.test(target)) continue;
      const rel = path.relative(REPO, path.resolve(REPO, path.dirname(file), target)).split(path.sep).join('/');
      if (!fs.existsSync(path.join(REPO, rel)) && !PAGES_IN_FLIGHT.has(rel)) missing.push(m[1]);
    }
    expect(missing).toEqual([]);
  });
});

describe('README', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  it('is a one-page read: at most 300 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('keeps the two quick-start commands, and says where the docs URLs point', () => {
    expect(readme).toContain('npm ci && npx alova-ssr-migrate fixtures/example-app --dry');
    expect(readme).toMatch(/^npm test\b/m);
    expect(readme).toContain(REPOSITORY_URL);
  });
});
