/** Offsets to line:col and line excerpts: checked against the plain scan they replaced. */
import { describe, expect, it } from 'vitest';
import { lineExcerpt, positionAt } from '../src/records.js';

const scanPosition = (text: string, offset: number) => {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
};
const splitExcerpt = (text: string, line: number) => (text.split(/\r?\n/)[line - 1] ?? '').trim();

describe('positionAt and lineExcerpt', () => {
  const texts = ['', 'a', '\n', 'ab\ncd\r\nef\n', '\n\n x \r\n\ry\r', 'one line', 'x\n'.repeat(50) + '  last  '];
  it('agree with a scan from the start at every offset (and past the end)', () => {
    for (const t of texts) for (let o = 0; o <= t.length + 2; o++) expect(positionAt(t, o)).toEqual(scanPosition(t, o));
  });
  it('agree with splitting the text, alternating between texts (the cache must not leak)', () => {
    for (let l = -1; l <= 60; l++) for (const t of texts) expect(lineExcerpt(t, l)).toBe(splitExcerpt(t, l));
  });
  it('examples', () => {
    expect(positionAt('ab\ncd', 4)).toEqual({ line: 2, col: 2 });
    expect(lineExcerpt('a\r\n  b c  \r\nd', 2)).toBe('b c');
  });
});
