/**
 * Minimal text edits. Transforms never reprint the tree: they splice text at parser offsets, so
 * every byte they do not touch stays byte-identical (comments, quotes, blank lines, odd spacing).
 * The same idea as ESLint fixers (insert before, replace a range), implemented here from scratch.
 */

export interface TextEdit {
  start: number;
  end: number;
  text: string;
  /** Tie-breaker for edits at the same offset: lower goes first. */
  order?: number;
  /**
   * Indentation inserts are droppable: when they fall inside a range another edit replaces
   * (e.g. a multi-line call replaced by a one-liner), they are discarded instead of conflicting.
   */
  droppable?: boolean;
}

export class EditConflictError extends Error {}

/** Applies non-overlapping edits to `text`. Offsets refer to the original text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  return applyEditsDetailed(text, edits).text;
}

/** Like applyEdits, and also returns the edits actually applied (sorted), to map offsets. */
export function applyEditsDetailed(text: string, edits: TextEdit[]): { text: string; applied: TextEdit[] } {
  // Droppable edits (re-indentation) give way to any real edit whose range they touch.
  const solid = edits.filter((e) => !e.droppable && e.end > e.start);
  const kept = edits.filter(
    (e) => !(e.droppable && solid.some((r) => e.start < r.end && Math.max(e.end, e.start + 1) > r.start && !(e.end === e.start && e.start === r.start))),
  );
  const sorted = [...kept].sort((a, b) => a.start - b.start || (a.order ?? 0) - (b.order ?? 0) || a.end - b.end);
  let out = '';
  let cursor = 0;
  for (const e of sorted) {
    if (e.start < cursor) throw new EditConflictError(`overlapping edits at offset ${e.start}`);
    out += text.slice(cursor, e.start) + e.text;
    cursor = e.end;
  }
  return { text: out + text.slice(cursor), applied: sorted };
}

/**
 * Where an original offset ends up after the `applied` edits (sorted, as applyEditsDetailed
 * returns them). An insertion exactly at the offset counts as before a start and after an end; an
 * offset inside a replaced range maps to the start (`start`) or the end (`end`) of its replacement.
 */
export function mapOffset(applied: TextEdit[], offset: number, side: 'start' | 'end'): number {
  let shift = 0;
  for (const e of applied) {
    if (e.start > offset) break;
    if (e.start === e.end) {
      if (e.start < offset || side === 'start') shift += e.text.length;
      continue;
    }
    if (e.end <= offset) {
      shift += e.text.length - (e.end - e.start);
      continue;
    }
    return e.start + shift + (side === 'end' ? e.text.length : 0);
  }
  return offset + shift;
}

/** Offsets of every line start in (start, end]: used to re-indent a region. */
export function lineStartsIn(text: string, start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) === 10 && i + 1 <= end) out.push(i + 1);
  }
  return out;
}

/** The whitespace that starts the line containing `offset`. */
export function indentOfLineAt(text: string, offset: number): string {
  let s = offset;
  while (s > 0 && text.charCodeAt(s - 1) !== 10) s--;
  let e = s;
  while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
  return text.slice(s, e);
}

/** True when only whitespace precedes `offset` on its line. */
export function startsLine(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text[i];
    if (c === '\n') return true;
    if (c !== ' ' && c !== '\t') return false;
  }
  return true;
}
