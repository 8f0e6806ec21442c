/**
 * transforms/lib/text-edits.ts: the transform never reprints the tree, it splices text at parser
 * offsets. These pin what the helpers promise: offsets refer to the original text, edits apply in
 * offset order whatever order they are given in, overlaps are refused, droppable re-indentation
 * gives way to a real edit, and mapOffset follows an offset through the applied edits.
 */
import { describe, expect, it } from 'vitest';
import { EditConflictError, type TextEdit, applyEdits, applyEditsDetailed, indentOfLineAt, lineStartsIn, mapOffset, startsLine } from '../transforms/lib/text-edits.js';

const insert = (at: number, text: string, extra: Partial<TextEdit> = {}): TextEdit => ({ start: at, end: at, text, ...extra });
const replace = (start: number, end: number, text: string, extra: Partial<TextEdit> = {}): TextEdit => ({ start, end, text, ...extra });

describe('applyEdits', () => {
  const text = 'const a = 1;\nconst b = 2;\n';

  it('returns the text unchanged without edits', () => {
    expect(applyEdits(text, [])).toBe(text);
  });

  it('takes every offset from the original text, whatever order the edits come in', () => {
    // `a` at 6, `1` at 10, `b` at 19: each edit shifts the later ones, which must not matter.
    const edits = [replace(19, 20, 'beta'), replace(6, 7, 'alpha'), replace(10, 11, '100')];
    expect(applyEdits(text, edits)).toBe('const alpha = 100;\nconst beta = 2;\n');
    expect(applyEdits(text, [...edits].reverse())).toBe('const alpha = 100;\nconst beta = 2;\n');
  });

  it('does not change the edits it is given', () => {
    const edits = [replace(19, 20, 'beta'), replace(6, 7, 'alpha')];
    const copy = structuredClone(edits);
    applyEdits(text, edits);
    expect(edits).toEqual(copy);
  });

  it('deletes with an empty replacement and inserts at the very start and end', () => {
    expect(applyEdits(text, [replace(0, 13, ''), insert(0, '// head\n'), insert(text.length, '// tail\n')])).toBe('// head\nconst b = 2;\n// tail\n');
  });

  it('applies adjacent replacements (one ends where the next starts)', () => {
    expect(applyEdits('abcd', [replace(2, 4, 'CD'), replace(0, 2, 'AB')])).toBe('ABCD');
  });

  it('orders inserts at one offset by `order`, and keeps the given order on a tie', () => {
    expect(applyEdits('xy', [insert(1, '2', { order: 5 }), insert(1, '1', { order: -5 })])).toBe('x12y');
    expect(applyEdits('xy', [insert(1, 'a'), insert(1, 'b'), insert(1, 'c')])).toBe('xabcy');
  });

  it('puts an insert at the start of a replaced range before the replacement, and one at its end after it', () => {
    expect(applyEdits('abcd', [replace(1, 3, 'XY'), insert(1, '['), insert(3, ']')])).toBe('a[XY]d');
  });

  it('refuses overlapping replacements and an insert inside a replaced range', () => {
    expect(() => applyEdits('abcdef', [replace(0, 3, 'x'), replace(2, 4, 'y')])).toThrow(EditConflictError);
    expect(() => applyEdits('abcdef', [replace(0, 3, 'x'), replace(2, 4, 'y')])).toThrow('overlapping edits at offset 2');
    expect(() => applyEdits('abcdef', [replace(1, 5, 'x'), insert(3, 'y')])).toThrow(EditConflictError);
  });

  it('refuses a replacement that contains another', () => {
    expect(() => applyEdits('abcdef', [replace(2, 3, 'y'), replace(1, 5, 'x')])).toThrow(EditConflictError);
  });
});

describe('droppable edits (re-indentation)', () => {
  const text = 'f(\n  a,\n  b\n);\n';
  // The call spans the whole first statement: offsets 0..13 (`f(` to `)`), `;` at 13.

  it('are applied when nothing replaces their place', () => {
    expect(applyEdits(text, [insert(3, '  ', { droppable: true }), insert(8, '  ', { droppable: true })])).toBe('f(\n    a,\n    b\n);\n');
  });

  it('are dropped inside a range a real edit replaces, instead of conflicting', () => {
    const r = applyEditsDetailed(text, [insert(3, '  ', { droppable: true }), replace(0, 13, 'f(a, b)'), insert(8, '  ', { droppable: true })]);
    expect(r.text).toBe('f(a, b);\n');
    expect(r.applied).toEqual([replace(0, 13, 'f(a, b)')]);
  });

  it('are kept at the start of a replaced range (an insert there goes before it) and at its end', () => {
    const r = applyEditsDetailed('ab\ncd\n', [replace(3, 5, 'CD'), insert(3, '  ', { droppable: true }), insert(5, '!', { droppable: true })]);
    expect(r.text).toBe('ab\n  CD!\n');
    expect(r.applied.length).toBe(3);
  });

  it('give way only to replacements: a plain insert at the same place does not drop them', () => {
    expect(applyEdits('ab', [insert(1, '  ', { droppable: true }), insert(1, 'X')])).toBe('a  Xb');
  });

  it('a droppable replacement overlapping a real one is dropped too', () => {
    expect(applyEdits('abcdef', [replace(1, 4, 'x', { droppable: true }), replace(3, 5, 'Y')])).toBe('abcYf');
  });
});

describe('applyEditsDetailed + mapOffset', () => {
  const text = 'let a = f(x);\n';
  // Replace `f(x)` (8..12) with `g(x, y)`, insert `export ` at 0.
  const { text: out, applied } = applyEditsDetailed(text, [replace(8, 12, 'g(x, y)'), insert(0, 'export ')]);

  it('returns the applied edits sorted by offset', () => {
    expect(out).toBe('export let a = g(x, y);\n');
    expect(applied.map((e) => e.start)).toEqual([0, 8]);
  });

  it('shifts an offset by the edits before it', () => {
    // `a` at 4 moves past `export `.
    expect(out[mapOffset(applied, 4, 'start')]).toBe('a');
    // `;` at 12 (the end of the replaced range) moves by both edits.
    expect(out[mapOffset(applied, 12, 'start')]).toBe(';');
    expect(mapOffset(applied, text.length, 'end')).toBe(out.length);
  });

  it('counts an insertion at the offset as before a start and after an end', () => {
    // A node starting at 0 now starts after `export `; a range ending at 0 ends before it.
    expect(mapOffset(applied, 0, 'start')).toBe('export '.length);
    expect(mapOffset(applied, 0, 'end')).toBe(0);
  });

  it('maps an offset inside a replaced range to the start or end of its replacement', () => {
    const start = mapOffset(applied, 10, 'start');
    const end = mapOffset(applied, 10, 'end');
    expect(out.slice(start, end)).toBe('g(x, y)');
  });

  it('with no edits, maps every offset to itself', () => {
    expect(mapOffset([], 7, 'start')).toBe(7);
    expect(mapOffset([], 7, 'end')).toBe(7);
  });
});

describe('line helpers', () => {
  const text = 'a\n  b\n\tc\n';

  it('lineStartsIn lists line starts after `start` up to and including `end`', () => {
    expect(lineStartsIn(text, 0, text.length)).toEqual([2, 6, 9]);
    expect(lineStartsIn(text, 0, 2)).toEqual([2]);
    expect(lineStartsIn(text, 2, 5)).toEqual([]);
    expect(lineStartsIn(text, 1, 1)).toEqual([]);
  });

  it('indentOfLineAt is the leading spaces or tabs of the line holding the offset', () => {
    expect(indentOfLineAt(text, 0)).toBe('');
    expect(indentOfLineAt(text, 4)).toBe('  ');
    expect(indentOfLineAt(text, 7)).toBe('\t');
  });

  it('startsLine is true when only spaces or tabs come before the offset on its line', () => {
    expect(startsLine(text, 0)).toBe(true);
    expect(startsLine(text, 4)).toBe(true);
    expect(startsLine(text, 5)).toBe(false);
    expect(startsLine(text, 3)).toBe(true);
  });
});
