/**
 * The generated request-context module's three texts, pinned byte for byte
 * (test/__fixtures__/runtime/alova-request-context.{ts,mjs,cjs}), and the derivation that makes the
 * .mjs and .cjs texts from the TypeScript source (transforms/runtime/derive.mjs), case by case.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parse } from '@babel/parser';
import { CONTEXT_EXPORTS, CONTEXT_MARKER, renderContextModule, type ContextFlavor } from '../transforms/lib/context-module.js';
import * as runtime from '../transforms/runtime/alova-request-context';
import { RUNTIME_SOURCE, deriveFlavours, stripTypes, toCommonJs } from '../transforms/runtime/derive.mjs';

const REPO = path.resolve(__dirname, '..');
const GOLDEN = path.join(REPO, 'test/__fixtures__/runtime');
const FLAVOURS: ContextFlavor[] = ['ts', 'mjs', 'cjs'];
const golden = (flavor: ContextFlavor) => fs.readFileSync(path.join(GOLDEN, `alova-request-context.${flavor}`), 'utf8');

describe('the generated module, pinned', () => {
  for (const flavor of FLAVOURS) {
    it(`${flavor}: renderContextModule gives the golden text byte for byte`, () => {
      expect(renderContextModule(flavor)).toBe(golden(flavor));
    });

    it(`${flavor}: with CRLF, every line ends in \\r\\n and the text is otherwise the same`, () => {
      const crlf = renderContextModule(flavor, '\r\n');
      expect(crlf).toBe(golden(flavor).replace(/\n/g, '\r\n'));
      expect(/(^|[^\r])\n/.test(crlf)).toBe(false);
    });
  }

  it('the ts text is the runtime source file itself', () => {
    expect(golden('ts')).toBe(fs.readFileSync(RUNTIME_SOURCE, 'utf8'));
  });

  it('the built texts are the ones derived from the source now (a stale context-module.generated.ts fails here: run npm run build)', () => {
    const fresh = deriveFlavours(fs.readFileSync(RUNTIME_SOURCE, 'utf8'));
    expect({ ts: renderContextModule('ts'), mjs: renderContextModule('mjs'), cjs: renderContextModule('cjs') }).toEqual(fresh);
  });

  it('every flavour starts with the marker the CLI recognises, and exports what migrated code imports', () => {
    for (const flavor of FLAVOURS) expect(renderContextModule(flavor).startsWith(`// ${CONTEXT_MARKER}. `)).toBe(true);
    for (const name of Object.values(CONTEXT_EXPORTS)) expect(typeof (runtime as Record<string, unknown>)[name]).toBe('function');
    const exported = Object.keys(loadCjs(renderContextModule('cjs'))).sort();
    expect(exported).toEqual(['alovaRequestStorage', ...Object.values(CONTEXT_EXPORTS)].sort());
  });

  it('the derived texts are plain JavaScript: no TypeScript parser needed', () => {
    expect(() => parse(renderContextModule('mjs'), { sourceType: 'module' })).not.toThrow();
    expect(() => parse(renderContextModule('cjs'), { sourceType: 'script' })).not.toThrow();
    expect(() => parse(renderContextModule('ts'), { sourceType: 'module' })).toThrow();
  });
});

/** Runs a CommonJS text in a fresh context, with Node's require, and returns its module.exports. */
function loadCjs(text: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  vm.runInThisContext(`(function (module, exports, require) {\n${text}\n})`)(module, module.exports, require);
  return module.exports;
}

describe('stripTypes removes each TypeScript construct and nothing else', () => {
  const cases: [string, string, string][] = [
    ['annotations on variables, parameters, rest parameters and returns', 'let a: number = 1;\nfunction f(x: string, ...r: unknown[]): void {}\nconst g = (y: () => number): number => y();\n', 'let a = 1;\nfunction f(x, ...r) {}\nconst g = (y) => y();\n'],
    ['annotations on object methods', 'const o = {\n  get(key: string): any {\n    return key;\n  },\n};\n', 'const o = {\n  get(key) {\n    return key;\n  },\n};\n'],
    ['type parameters and type arguments', 'function id<T>(x: T): T {\n  return x;\n}\nconst m = new Map<string, number>();\nid<number>(1);\n', 'function id(x) {\n  return x;\n}\nconst m = new Map();\nid(1);\n'],
    ['as expressions, nested and in a return', 'const y = x as unknown as string;\nfunction h() {\n  return make(a, b) as T;\n}\n', 'const y = x;\nfunction h() {\n  return make(a, b);\n}\n'],
    ['satisfies, non-null and angle-bracket assertions', 'const a = b satisfies C;\nconst d = e!.f;\nconst g = <H>i;\n', 'const a = b;\nconst d = e.f;\nconst g = i;\n'],
    ['an interface and a type alias, with their lines and the comment above', "import a from 'a';\n\nexport interface I {\n  /** doc */\n  x: number;\n}\n\n/** A union. */\ntype U = string | number;\n\nexport const b: U = 1;\n", "import a from 'a';\n\nexport const b = 1;\n"],
    ['type-only imports and exports', "import type { T } from 't';\nimport { v } from 'v';\nexport type { T };\nv();\n", "import { v } from 'v';\nv();\n"],
    ['`this` parameters, alone and before others', 'o.f = function (this: unknown, ...args: unknown[]) {};\nfunction g(this: Window) {}\n', 'o.f = function (...args) {};\nfunction g() {}\n'],
    ['not the JavaScript that looks alike: optional chains, `!!`, generics-free comparisons', 'const a = b?.c ?? d;\nconst e = !!f && g < h && i > j;\n', 'const a = b?.c ?? d;\nconst e = !!f && g < h && i > j;\n'],
  ];
  for (const [name, input, output] of cases) {
    it(name, () => {
      expect(stripTypes(input)).toBe(output);
    });
  }

  const refused: [string, string][] = [
    ['enum', 'enum E {\n  A,\n}\n'],
    ['parameter property', 'class C {\n  constructor(private a: number) {}\n}\n'],
    ['optional parameter', 'function f(x?: number) {}\n'],
    ['namespace', 'namespace N {\n  export const a = 1;\n}\n'],
    ['class implements', 'class C implements I {}\n'],
    ['type-only import specifier', "import { type T, v } from 'v';\n"],
  ];
  for (const [name, input] of refused) {
    it(`refuses what removing types cannot turn into JavaScript: ${name}`, () => {
      expect(() => stripTypes(input)).toThrow(/unsupported TypeScript construct/);
    });
  }
});

describe('toCommonJs rewrites the module syntax', () => {
  it('imports become require(), `export` goes, and a module.exports object in source order ends the file', () => {
    const input = [
      "import { A, B as C } from 'm';",
      "import d from 'd';",
      "import * as ns from 'ns';",
      "import 'side';",
      '',
      'export const x = 1, y = 2;',
      'export function f() {}',
      'const z = 3;',
      'export { z as w };',
      '',
      'f(A, C, d, ns);',
      '',
    ].join('\n');
    const output = [
      "const { A, B: C } = require('m');",
      "const d = require('d');",
      "const ns = require('ns');",
      "require('side');",
      '',
      'const x = 1, y = 2;',
      'function f() {}',
      'const z = 3;',
      '',
      'f(A, C, d, ns);',
      '',
      'module.exports = {',
      '  x,',
      '  y,',
      '  f,',
      '  w: z,',
      '};',
      '',
    ].join('\n');
    expect(toCommonJs(input)).toBe(output);
  });

  it('a text without a final newline still gets its exports on lines of their own', () => {
    expect(toCommonJs('export const a = 1;')).toBe('const a = 1;\n\nmodule.exports = {\n  a,\n};\n');
  });

  for (const [name, input] of [
    ['export default', 'export default 1;\n'],
    ['export * from', "export * from 'm';\n"],
    ['export { a } from', "export { a } from 'm';\n"],
    ['default beside named imports', "import d, { a } from 'm';\n"],
  ]) {
    it(`refuses ${name}`, () => {
      expect(() => toCommonJs(input)).toThrow(/unsupported/);
    });
  }
});

describe('deriveFlavours', () => {
  it('reads a CRLF checkout as LF, so the texts do not depend on how git wrote the source', () => {
    const source = "import { a } from 'a';\n\nexport function f(x: number): number {\n  return a(x);\n}\n";
    expect(deriveFlavours(source.replace(/\n/g, '\r\n'))).toEqual(deriveFlavours(source));
    expect(deriveFlavours(source).cjs).toBe("const { a } = require('a');\n\nfunction f(x) {\n  return a(x);\n}\n\nmodule.exports = {\n  f,\n};\n");
  });
});
