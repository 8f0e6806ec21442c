/**
 * Text edit primitives of the emit phase: remove a property or a statement with its line, append
 * properties in an object's own layout, re-indent a region that moves to module level.
 */
import type { Node } from '../lib/ast.js';
import { type TextEdit, applyEdits, lineStartsIn, startsLine } from '../lib/text-edits.js';
import type { FileContext } from './file-context.js';

export function stripPrefix(s: string, prefix: string): string {
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

export function nextLineStart(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i + 1;
}

/** Deletes [start, end) with its line(s), when the range starts its line; null when it does not. */
export function wholeLines(t: string, start: number, end: number): TextEdit | null {
  if (!startsLine(t, start)) return null;
  while (start > 0 && t[start - 1] !== '\n') start--;
  let e = end;
  while (e < t.length && (t[e] === ' ' || t[e] === '\t')) e++;
  if (t[e] === '\r') e++;
  if (t[e] === '\n') end = e + 1;
  return { start, end, text: '' };
}

/** Deletes one statement with its whole line(s) when it stands alone on them. */
export function removeStatementEdit(text: string, st: Node): TextEdit {
  return wholeLines(text, st.start, st.end) ?? { start: st.start, end: st.end, text: '' };
}

/** Deletes one property with its comma, and its whole line(s) when it stands alone on them. */
export function removePropertyEdit(t: string, prop: Node): TextEdit {
  let end = prop.end;
  let k = end;
  while (k < t.length && (t[k] === ' ' || t[k] === '\t')) k++;
  if (t[k] === ',') end = k + 1;
  const lines = wholeLines(t, prop.start, end);
  if (lines) return lines;
  while (end < t.length && t[end] === ' ') end++;
  return { start: prop.start, end, text: '' };
}

/**
 * Appends new properties before the object's closing brace, in the object's own layout. `edits`
 * are the other edits of the same object: when they remove its last property (an option moved into
 * a hook), appending after that property would overlap its removal, so the new properties take
 * its place instead (that removal edit is taken out of `edits`).
 */
export function appendPropertiesEdit(ctx: FileContext, obj: Node, entries: string[], propIndent: string, edits: TextEdit[] = []): TextEdit {
  const t = ctx.text;
  const props = obj.properties;
  const closing = obj.end - 1;
  if (!props.length) return { start: obj.start + 1, end: closing, text: ` ${entries.join(', ')} ` };
  const last = props[props.length - 1];
  const multiLine = /\n/.test(t.slice(obj.start, obj.end));
  const removal = edits.findIndex((e) => e.text === '' && e.start <= last.start && e.end >= last.end);
  if (removal !== -1) return inPlaceOfRemoved(ctx, last, edits.splice(removal, 1)[0], entries, propIndent);
  const between = t.slice(last.end, closing);
  const trailingComma = /^\s*,/.test(between);
  const at = trailingComma ? last.end + between.indexOf(',') + 1 : last.end;
  if (!multiLine) return { start: at, end: at, text: `${trailingComma ? '' : ','} ${entries.join(', ')}${trailingComma ? ',' : ''}` };
  const { eol } = ctx.style;
  // Inserted text is not touched by the dedent pass, so it uses the hoisted (top-level) indent.
  const lines = entries.map((e, i) => `${eol}${propIndent}${e}${i < entries.length - 1 || trailingComma ? ',' : ''}`);
  return { start: at, end: at, text: `${trailingComma ? '' : ','}${lines.join('')}`, order: 2 };
}

/** The new properties written over the removal of the object's last property, keeping its comma and layout. */
function inPlaceOfRemoved(ctx: FileContext, last: Node, removal: TextEdit, entries: string[], propIndent: string): TextEdit {
  const t = ctx.text;
  const comma = t.slice(last.end, removal.end).includes(',');
  const { eol } = ctx.style;
  // The removal took whole lines (removePropertyEdit): write whole lines back, at the hoisted indent.
  if (t[removal.end - 1] === '\n' && startsLine(t, removal.start)) {
    const text = entries.map((e, i) => `${propIndent}${e}${i < entries.length - 1 || comma ? ',' : ''}${eol}`).join('');
    return { start: removal.start, end: removal.end, text };
  }
  const removedAfter = t.slice(last.end, removal.end);
  const tail = comma ? removedAfter.slice(removedAfter.indexOf(',') + 1) : removedAfter;
  return { start: removal.start, end: removal.end, text: `${entries.join(', ')}${comma ? ',' : ''}${tail}` };
}

/** Removes `baseIndent` from every line in (start, end]: the region moves to module level. Template text is left as it is. */
export function dedentEdits(ctx: FileContext, start: number, end: number, baseIndent: string): TextEdit[] {
  if (!baseIndent) return [];
  const out: TextEdit[] = [];
  for (const ls of lineStartsIn(ctx.text, start, end)) {
    if (ctx.inTemplate(ls)) continue;
    if (ctx.text.startsWith(baseIndent, ls)) out.push({ start: ls, end: ls + baseIndent.length, text: '', droppable: true });
  }
  return out;
}

/**
 * Sets `key: value` in an options object whose property for `key` is `existing`: its value is
 * replaced in place, unless a spread after it could override it (or it is a method); then it is
 * removed and the key is appended (to `append`), after the last spread.
 */
export function setOption(text: string, props: Node[], lastSpreadIndex: number, existing: Node | undefined, entry: { key: string; value: string }, edits: TextEdit[], append: string[]): void {
  const { key, value } = entry;
  if (existing && existing.type !== 'ObjectMethod' && props.indexOf(existing) > lastSpreadIndex) {
    if (text.slice(existing.value.start, existing.value.end) !== value) edits.push({ start: existing.value.start, end: existing.value.end, text: value });
    return;
  }
  if (existing) edits.push(removePropertyEdit(text, existing));
  append.push(`${key}: ${value}`);
}

/** Applies edits that all lie inside [start, end) to that slice of `text` alone. */
export function applyEditsWithin(text: string, start: number, end: number, edits: TextEdit[]): string {
  return applyEdits(
    text.slice(start, end),
    edits.map((e) => ({ ...e, start: e.start - start, end: e.end - start })),
  );
}
