/**
 * Findings -> records: the one place a transform's plain findings (rule id + offsets) become the
 * records of src/records.ts that reporters print (line/col, excerpt, message text, docs URL).
 */
import type { EditRecord, LeftAloneRecord, ReviewItem } from './records.js';
import { lineExcerpt, positionAt } from './records.js';
import type { Finding } from '../transforms/lib/findings.js';
import { itemKindOf, ruleDocsUrl, ruleMessage, rules } from '../transforms/lib/rules.js';

export interface FileRecords {
  edits: EditRecord[];
  items: ReviewItem[];
  leftAlone: LeftAloneRecord[];
}

/**
 * Offsets index the texts as given; a leading BOM is not a column an editor shows, so positions
 * are counted in the text after it (as the transform, which strips it, sees the file).
 */
function positionsIn(text: string) {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const body = bom ? text.slice(1) : text;
  return {
    at: (offset: number) => positionAt(body, Math.max(0, offset - bom)),
    excerpt: (line: number) => lineExcerpt(body, line),
  };
}

/** The records of one file's findings. `input` and `output` are the texts the offsets index; `file` is the path records carry. */
export function findingsToRecords(findings: Finding[], input: string, output: string | null, file: string): FileRecords {
  const out: FileRecords = { edits: [], items: [], leftAlone: [] };
  const src = positionsIn(input);
  for (const f of findings) {
    const s = src.at(f.start);
    if (f.kind === 'leftAlone') out.leftAlone.push({ file, line: s.line, col: s.col, factory: f.factory, reason: f.reason, why: f.why });
    else if (f.kind === 'item') out.items.push(itemRecord(f.ruleId, f.detail, f.fix, file, s, src.excerpt(s.line)));
    else {
      const e = src.at(f.end);
      out.edits.push({ ruleId: f.ruleId, file, line: s.line, col: s.col, endLine: e.line, endCol: e.col, message: ruleMessage(f.ruleId, f.detail), docs: ruleDocsUrl(f.ruleId) });
    }
  }
  // Output positions last: the position helper caches one text's line starts at a time.
  if (output !== null) {
    const dst = positionsIn(output);
    const withAfter = findings.filter((f) => f.kind === 'edit');
    withAfter.forEach((f, i) => {
      if (!f.after) return;
      const a = dst.at(f.after.start);
      const b = dst.at(f.after.end);
      out.edits[i].after = { line: a.line, col: a.col, endLine: b.line, endCol: b.col };
    });
  }
  return out;
}

function itemRecord(ruleId: Extract<Finding, { kind: 'item' }>['ruleId'], detail: string | undefined, fix: { description: string } | undefined, file: string, pos: { line: number; col: number }, excerpt: string): ReviewItem {
  const meta = rules[ruleId] as (typeof rules)[typeof ruleId] & { hint?: string };
  const item: ReviewItem = {
    ruleId,
    kind: itemKindOf(ruleId),
    severity: meta.severity,
    file,
    line: pos.line,
    col: pos.col,
    message: ruleMessage(ruleId, detail),
    excerpt,
    hint: meta.hint ?? '',
    docs: ruleDocsUrl(ruleId),
  };
  if (fix) item.fix = { description: fix.description };
  return item;
}
