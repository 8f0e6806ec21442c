/**
 * Issue 11's "Done when", as tests: imports run one way (bin -> src -> transforms -> transforms/lib)
 * with no circle, no source file over 400 lines, no function over 80 lines, and no block of six or
 * more lines written twice (outside fixtures). Each checker is first shown to catch a deliberately
 * bad tree, then run on the repository; a failure lists every offender.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type SourceFile,
  duplicatedBlocks,
  functionSizes,
  importCycles,
  importGraph,
  importSpecifiers,
  layerOf,
  lineCount,
  longFiles,
  longFunctions,
  normalisedLines,
  readTree,
  upwardImports,
} from './helpers/architecture.js';

const REPO = path.resolve(__dirname, '..');
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;
const DUPLICATE_LINES = 6;

const file = (rel: string, text: string): SourceFile => ({ rel, text });
/** `n` lines of distinct statements, each naming `tag` so two bodies differ unless they share a tag. */
const statements = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `  total += ${tag}[${i}] * ${i + 1};`).join('\n');

describe('the checkers catch a bad tree', () => {
  it('reads static, type-only, multi-line, re-export and dynamic imports', () => {
    const text = [
      "import fs from 'node:fs';",
      "import type { A } from './a.js';",
      'import {',
      '  b,',
      '  c,',
      "} from '../b.js';",
      "import './side-effect.js';",
      "export { d } from './d.js';",
      "export * from './e.js';",
      "const f = await import('./f.js');",
      "const note = 'import x from \"./not-at-line-start.js\"';",
    ].join('\n');
    expect(importSpecifiers(text).sort()).toEqual(['../b.js', './a.js', './d.js', './e.js', './f.js', './side-effect.js', 'node:fs']);
  });

  it('puts transforms/<folder>/ in the transforms layer and transforms/runtime/ with transforms/lib', () => {
    expect(['bin/x.ts', 'src/report/json.ts', 'transforms/ssr-singleton.ts', 'transforms/ssr-singleton/emit.ts', 'transforms/lib/ast.ts', 'transforms/runtime/alova-request-context.ts', 'test/x.ts'].map(layerOf)).toEqual([0, 1, 2, 2, 3, 3, null]);
  });

  it('reports an import that goes up a layer, and accepts imports down or across', () => {
    const graph = importGraph([
      file('bin/cli.ts', "import { run } from '../src/run.js';"),
      file('src/run.ts', "import { migrate } from '../transforms/t.js';\nimport { helper } from './helper.js';"),
      file('src/helper.ts', ''),
      file('transforms/t.ts', "import { edits } from './lib/edits.js';"),
      file('transforms/lib/edits.ts', "import type { Record } from '../../src/records.js';\nimport { ctx } from '../runtime/ctx.js';"),
      file('transforms/runtime/ctx.ts', "import { rules } from '../lib/rules.js';"),
      file('transforms/lib/rules.ts', ''),
      file('src/records.ts', ''),
    ]);
    expect(upwardImports(graph)).toEqual(['transforms/lib/edits.ts -> src/records.ts (transforms/lib imports src)']);
  });

  it('resolves `.js` to the `.ts` source and a folder to its index.ts; ignores what names no file', () => {
    const graph = importGraph([file('src/a.ts', "import './b.js';\nimport './dir';\nimport './missing.js';"), file('src/b.ts', ''), file('src/dir/index.ts', '')]);
    expect(graph.get('src/a.ts')).toEqual(['src/b.ts', 'src/dir/index.ts']);
  });

  it('reports an import circle with its path, and none in a tree without one', () => {
    const circle = [
      file('src/report/index.ts', "import { text } from './text.js';"),
      file('src/report/text.ts', "import type { RenderOptions } from './index.js';"),
      file('src/a.ts', "import { b } from './b.js';"),
      file('src/b.ts', "import { c } from './c.js';"),
      file('src/c.ts', "import { a } from './a.js';\nimport { x } from './report/index.js';"),
    ];
    expect(importCycles(importGraph(circle))).toEqual(['src/a.ts -> src/b.ts -> src/c.ts -> src/a.ts', 'src/report/index.ts -> src/report/text.ts -> src/report/index.ts']);
    expect(importCycles(importGraph([file('src/a.ts', "import './b.js';"), file('src/b.ts', '')]))).toEqual([]);
  });

  it('reports a file over the line limit', () => {
    const ok = file('src/ok.ts', 'x;\n'.repeat(MAX_FILE_LINES));
    const big = file('src/big.ts', 'x;\n'.repeat(MAX_FILE_LINES + 1));
    expect(lineCount(ok.text)).toBe(MAX_FILE_LINES);
    expect(longFiles([ok, big], MAX_FILE_LINES)).toEqual([`src/big.ts: ${MAX_FILE_LINES + 1} lines`]);
  });

  it('measures every kind of function from its head to its closing brace, and reports the long ones', () => {
    const body = (n: number) => statements(n - 2, 'v');
    const text = [
      '/** A doc comment does not count. */',
      `export function exact(v: number[]) {\n${body(MAX_FUNCTION_LINES)}\n}`,
      `export function tooLong(v: number[]) {\n${body(MAX_FUNCTION_LINES + 1)}\n}`,
      `class K {\n  method(v: number[]) {\n${body(MAX_FUNCTION_LINES + 1)}\n  }\n  get g() {\n    return 1;\n  }\n}`,
      // An arrow counts from its `=>`: the parameter lines above it do not.
      `const arrow = (\n  v: number[],\n  w: number,\n) => {\n${body(MAX_FUNCTION_LINES)}\n};`,
      `const obj = { f: function (v: number[]) {\n${body(MAX_FUNCTION_LINES + 2)}\n} };`,
    ].join('\n');
    const sizes = functionSizes(file('src/f.ts', text));
    expect(sizes.map((s) => `${s.name} ${s.lines}`)).toEqual([`exact ${MAX_FUNCTION_LINES}`, `tooLong ${MAX_FUNCTION_LINES + 1}`, `method ${MAX_FUNCTION_LINES + 1}`, 'g 3', `arrow ${MAX_FUNCTION_LINES}`, `f ${MAX_FUNCTION_LINES + 2}`]);
    expect(longFunctions([file('src/f.ts', text)], MAX_FUNCTION_LINES)).toEqual([
      `src/f.ts:${2 + MAX_FUNCTION_LINES} tooLong (${MAX_FUNCTION_LINES + 1} lines)`,
      `src/f.ts:${2 + MAX_FUNCTION_LINES + (MAX_FUNCTION_LINES + 1) + 1} method (${MAX_FUNCTION_LINES + 1} lines)`,
      expect.stringMatching(new RegExp(`^src/f\\.ts:\\d+ f \\(${MAX_FUNCTION_LINES + 2} lines\\)$`)),
    ]);
  });

  it('normalises lines: trims, folds spaces, drops blanks, comments, imports and lone punctuation', () => {
    const text = "import {\n  a,\n} from './a.js';\nimport b from 'b';\n\n  // note\n  /**\n   * doc\n   */\n  const   x =  1;\n  });\n  if (x) {\n  const m = import.meta.url;\n";
    expect(normalisedLines(text)).toEqual([
      { line: 10, text: 'const x = 1;' },
      { line: 12, text: 'if (x) {' },
      { line: 13, text: 'const m = import.meta.url;' },
    ]);
  });

  it('reports six lines written twice, however they are spaced, commented or indented, and not five', () => {
    const six = statements(DUPLICATE_LINES, 'shared');
    const a = file('src/a.ts', `import x from 'x';\nfunction a() {\n${six}\n}\n`);
    // The same six lines with only blank lines, comments and indentation between them.
    const c = file('test/c.test.ts', `it('c', () => {\n${six.split('\n').map((l) => `\n      ${l.trim()}\n  // step`).join('\n')}\n});\n`);
    expect(duplicatedBlocks([a, c], DUPLICATE_LINES)).toEqual([`src/a.ts:3-8 ~ test/c.test.ts:3-18`]);
    const five = file('src/five.ts', statements(DUPLICATE_LINES - 1, 'shared'));
    expect(duplicatedBlocks([a, five], DUPLICATE_LINES)).toEqual([]);
  });

  it('merges a longer repeated run into one row, and finds a repeat inside one file', () => {
    const ten = statements(10, 'run');
    expect(duplicatedBlocks([file('src/a.ts', ten), file('src/b.ts', `let y = 2;\n${ten}`)], DUPLICATE_LINES)).toEqual(['src/a.ts:1-10 ~ src/b.ts:2-11']);
    const twice = file('src/twice.ts', `${statements(6, 'p')}\nlet gap = 0;\n${statements(6, 'p')}\n`);
    expect(duplicatedBlocks([twice], DUPLICATE_LINES)).toEqual(['src/twice.ts:1-6 ~ src/twice.ts:8-13']);
  });

  describe('readTree', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'asm-arch-'));
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    it('reads the matching files of the given folders, skipping the named folders', () => {
      for (const rel of ['src/a.ts', 'src/deep/b.ts', 'src/notes.md', 'test/fixtures/f.ts', 'test/t.ts', 'other/o.ts']) {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), `// ${rel}\n`);
      }
      expect(readTree(root, ['src', 'test', 'missing'], /\.ts$/, /^fixtures$/).map((f) => f.rel)).toEqual(['src/a.ts', 'src/deep/b.ts', 'test/t.ts']);
    });
  });
});

describe('the repository', () => {
  const sources = readTree(REPO, ['bin', 'src', 'transforms'], /\.ts$/);
  const graph = importGraph(sources);

  it('has sources to check', () => {
    expect(sources.length).toBeGreaterThan(10);
    expect([...graph.values()].flat().length).toBeGreaterThan(10);
  });

  it('imports run one way: bin -> src -> transforms -> transforms/lib', () => {
    const up = upwardImports(graph);
    expect(up, `imports that go up a layer:\n${up.join('\n')}`).toEqual([]);
  });

  it('has no import circle', () => {
    const cycles = importCycles(graph);
    expect(cycles, `import circles:\n${cycles.join('\n')}`).toEqual([]);
  });

  it(`has no source file over ${MAX_FILE_LINES} lines`, () => {
    const long = longFiles(sources, MAX_FILE_LINES);
    expect(long, `files over ${MAX_FILE_LINES} lines:\n${long.join('\n')}`).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = longFunctions(sources, MAX_FUNCTION_LINES);
    expect(long, `functions over ${MAX_FUNCTION_LINES} lines:\n${long.join('\n')}`).toEqual([]);
  });

  it(`has no block of ${DUPLICATE_LINES} or more lines written twice in bin/, src/, transforms/, test/ (fixtures aside)`, () => {
    const code = readTree(REPO, ['bin', 'src', 'transforms', 'test'], /\.(ts|tsx|js|mjs|cjs)$/, /^(node_modules|dist|fixtures|__fixtures__|__snapshots__)$/);
    const dups = duplicatedBlocks(code, DUPLICATE_LINES);
    expect(dups, `blocks written twice:\n${dups.join('\n')}`).toEqual([]);
  });
});
