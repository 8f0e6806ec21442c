/**
 * The AST index's single walk: parent links, lazily built NodePaths, and the quote/semicolon
 * evidence that decides the style of generated code.
 */
import { describe, expect, it } from 'vitest';
import jscodeshift from 'jscodeshift';
import { AstIndex } from '../transforms/lib/ast-index.js';
import { parseFile } from '../transforms/lib/parsers.js';
import { detectStyle } from '../transforms/lib/style.js';

function index(code: string, file: string) {
  const ast = parseFile(code, file);
  return { ast, idx: new AstIndex(ast, jscodeshift(ast).paths()[0], code) };
}

describe('AstIndex', () => {
  it('links every node to its parent and rebuilds the same NodePath as a jscodeshift find', () => {
    const code = "import x from 'x';\nexport function f(a) {\n  return [a, g(a, { k: h(1) })];\n}\n";
    const { ast, idx } = index(code, 'a.ts');
    const inner = idx.calls.find((c) => c.callee.name === 'h')!;
    expect(idx.parentOf(inner)?.type).toBe('ObjectProperty');
    expect(idx.parentOf(ast)).toBeNull();
    const viaFind = jscodeshift(ast).find(jscodeshift.CallExpression, { callee: { name: 'h' } }).paths()[0];
    const built = idx.pathOf(inner);
    expect(built.node).toBe(inner);
    // Same position in the tree: same chain of (parent key, index) steps up to the root.
    const chain = (p: { name: unknown; parentPath: unknown }) => {
      const out: unknown[] = [];
      for (let q = p as { name: unknown; parentPath: unknown } | null; q; q = q.parentPath as typeof q) out.push(q.name);
      return out;
    };
    expect(chain(built)).toEqual(chain(viaFind));
  });

  it('lists calls in source order and collects identifiers by name', () => {
    const { idx } = index('a(b(c()));\nd();\n', 'a.js');
    expect(idx.calls.map((c) => c.callee.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(idx.identifiersNamed('b')).toHaveLength(1);
    expect(idx.identifiersNamed('zz')).toEqual([]);
  });

  it('decides the quote style from code strings, not from JSX attributes', () => {
    const code = [
      "import React from 'react';",
      "const a = 'x';",
      'export const C = () => <div className="a" id="b" title="c" role="d" onClick={() => { go("e"); }} />;',
      '',
    ].join('\n');
    const { idx } = index(code, 'c.tsx');
    expect(idx.style).toEqual({ single: 2, double: 0, withSemi: 3, withoutSemi: 0 });
    expect(detectStyle(code, idx.style).quote).toBe("'");
  });

  it('decides semicolons by majority of statements', () => {
    const { idx } = index('const a = "1"\nconst b = "2"\nfoo();\n', 'a.js');
    expect(idx.style).toEqual({ single: 0, double: 2, withSemi: 1, withoutSemi: 2 });
    const style = detectStyle('const a = "1"\n', idx.style);
    expect(style).toMatchObject({ quote: '"', semi: false });
  });
});
