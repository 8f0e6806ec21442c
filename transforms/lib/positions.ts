/**
 * Offsets to 1-based lines and columns, and a line's text. Pure text helpers: src/ uses them to turn
 * a transform's findings into records, and the jscodeshift entry to print `file:line:col`.
 */

/** A 1-based line and 1-based column (columns count UTF-16 code units, as editors and GitHub do). */
export interface Position {
  line: number;
  col: number;
}

/**
 * Newline offsets of the last text asked about. Records are made file by file, many per file, so
 * a one-entry cache turns each lookup into a binary search instead of a scan from the start.
 */
let lastText: string | null = null;
let lastNewlines: number[] = [];

function newlinesOf(text: string): number[] {
  if (text !== lastText) {
    const nl: number[] = [];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) nl.push(i);
    lastText = text;
    lastNewlines = nl;
  }
  return lastNewlines;
}

/** How many entries of the sorted `list` are below `limit`. */
function countBelow(list: number[], limit: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The 1-based line and column of a character offset in `text`. */
export function positionAt(text: string, offset: number): Position {
  const nl = newlinesOf(text);
  const k = countBelow(nl, Math.min(offset, text.length));
  const lineStart = k > 0 ? nl[k - 1] + 1 : 0;
  return { line: k + 1, col: offset - lineStart + 1 };
}

/** The trimmed text of the given 1-based line, used as a record's excerpt. */
export function lineExcerpt(text: string, line: number): string {
  const nl = newlinesOf(text);
  if (line < 1 || line > nl.length + 1) return '';
  const start = line === 1 ? 0 : nl[line - 2] + 1;
  const end = line <= nl.length ? nl[line - 1] : text.length;
  // \r\n endings: the \r is whitespace and goes with trim().
  return text.slice(start, end).trim();
}
