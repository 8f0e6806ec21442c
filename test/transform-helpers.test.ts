/** Pure helpers of the ssr-singleton phases and of transforms/lib, each on its own. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { containsAwait, exprRange, isLiteralValue, isPureRead, needsParens, walkNoFunctions } from '../transforms/lib/ast.js';
import { factoryId, idPathOf } from '../transforms/lib/factory-id.js';
import { type Finding, shiftFindings } from '../transforms/lib/findings.js';
import { parseFile } from '../transforms/lib/parsers.js';
import { applyEdits } from '../transforms/lib/text-edits.js';
import { applyEditsWithin, removePropertyEdit, setOption, wholeLines } from '../transforms/ssr-singleton/edit-text.js';

/** The first expression of `code` (an expression statement), parsed as TypeScript. */
const expr = (code: string) => parseFile(code, 'x.ts').program.body[0].expression;
/** The properties of the object literal in `const o = {...}`. */
const objectOf = (code: string) => parseFile(code, 'x.ts').program.body[0].declarations[0].init;

describe('ast walkers and predicates', () => {
  it('walkNoFunctions skips nested functions unless asked', () => {
    const types = (enter: boolean) => {
      const out: string[] = [];
      walkNoFunctions([expr('a(() => b)')], (n) => out.push(n.type), enter);
      return out;
    };
    expect(types(false)).not.toContain('BlockStatement');
    expect(types(false).filter((t) => t === 'Identifier')).toEqual(['Identifier']);
    expect(types(true).filter((t) => t === 'Identifier')).toEqual(['Identifier', 'Identifier']);
  });

  it('containsAwait and isPureRead look outside nested functions only', () => {
    expect(containsAwait(expr('async () => { await x }'))).toBe(false);
    expect(containsAwait(expr('f(await x)'))).toBe(true);
    expect(isPureRead(expr('process.env.BASE ?? cfg.url'))).toBe(true);
    expect(isPureRead(expr('getBase()'))).toBe(false);
    expect(isPureRead(expr('x = 1'))).toBe(false);
    expect(isPureRead(expr('() => getBase()'))).toBe(true);
  });

  it('isLiteralValue: literals, negative numbers and plain templates only', () => {
    expect(['1', '-1', "'a'", '`a`', 'null', 'true'].map((c) => isLiteralValue(expr(`(${c})`)))).toEqual([true, true, true, true, true, true]);
    expect(['`${a}`', 'a', '-a', 'process.env.X'].map((c) => isLiteralValue(expr(`(${c})`)))).toEqual([false, false, false, false]);
  });

  it('exprRange includes the expression own parentheses; needsParens only for bare operators', () => {
    const code = 'f((a ? b : c), d)';
    const call = expr(code);
    const { start, end } = exprRange(code, call.arguments[0]);
    expect(code.slice(start, end)).toBe('(a ? b : c)');
    expect(needsParens(call.arguments[0])).toBe(false);
    expect(needsParens(expr('a ? b : c'))).toBe(true);
    expect(needsParens(expr('a.b(c)'))).toBe(false);
  });
});

describe('text edits of the emit phase', () => {
  it('wholeLines takes the line (and its CRLF) only when the range starts it', () => {
    const t = 'a\r\n  x: 1,\r\nb';
    const at = t.indexOf('x');
    expect(wholeLines(t, at, at + 5)).toEqual({ start: 3, end: t.indexOf('b'), text: '' });
    expect(wholeLines('a x: 1', 2, 6)).toBeNull();
  });

  it('removePropertyEdit takes the comma, and the line when the property stands alone', () => {
    const multi = 'const o = {\n  a: 1,\n  b: 2,\n};';
    const o = objectOf(multi);
    expect(applyEdits(multi, [removePropertyEdit(multi, o.properties[0])])).toBe('const o = {\n  b: 2,\n};');
    const one = 'const o = { a: 1, b: 2 };';
    expect(applyEdits(one, [removePropertyEdit(one, objectOf(one).properties[0])])).toBe('const o = { b: 2 };');
  });

  it('setOption replaces a value in place, but moves a key that a later spread could override', () => {
    const code = 'const o = { shareRequest: true, ...rest, cacheFor: 1 };';
    const props = objectOf(code).properties;
    const run = (existing: number, key: string, value: string) => {
      const edits: Parameters<typeof setOption>[5] = [];
      const append: string[] = [];
      setOption(code, props, 1, props[existing], { key, value }, edits, append);
      return { text: applyEdits(code, edits), append };
    };
    expect(run(2, 'cacheFor', 'null')).toEqual({ text: 'const o = { shareRequest: true, ...rest, cacheFor: null };', append: [] });
    expect(run(0, 'shareRequest', 'false')).toEqual({ text: 'const o = { ...rest, cacheFor: 1 };', append: ['shareRequest: false'] });
    expect(run(2, 'cacheFor', '1')).toEqual({ text: code, append: [] });
  });

  it('applyEditsWithin applies edits given in whole-text offsets to one slice', () => {
    const text = 'xx{ a: 1 }yy';
    expect(applyEditsWithin(text, 2, 10, [{ start: 7, end: 8, text: '2' }])).toBe('{ a: 2 }');
  });
});

describe('factory ids and finding offsets', () => {
  it('the factory id is the root-relative POSIX path and the name', () => {
    const root = path.resolve('/proj');
    expect(factoryId(idPathOf(root, path.join(root, 'src', 'api.ts')), 'apiAlova')).toBe('src/api.ts#apiAlova');
    expect(idPathOf(path.join(root, 'a.ts'), path.join(root, 'a.ts'))).toBe('a.ts');
  });

  it('shiftFindings moves every offset, output ranges included', () => {
    const findings: Finding[] = [
      { kind: 'item', ruleId: 'shared-cache', start: 3 },
      { kind: 'edit', ruleId: 'hoist-instance', start: 1, end: 4, after: { start: 5, end: 9 } },
      { kind: 'leftAlone', start: 0, factory: null, reason: 'cli', why: 'x' },
    ];
    shiftFindings(findings, 1);
    expect(findings.map((f) => [f.start, f.kind === 'edit' ? [f.end, f.after] : null])).toEqual([
      [4, null],
      [2, [5, { start: 6, end: 10 }]],
      [1, null],
    ]);
  });
});
