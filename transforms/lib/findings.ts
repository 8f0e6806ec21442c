/**
 * What a transform found, as plain data with offsets into the text it was given. A transform never
 * builds report records: src/findings.ts turns findings into them (line/col, excerpt, message text,
 * docs URL), so transforms/ depends on nothing above it. Like biome's diagnostics: the rule id and a
 * range; the text of the message lives in the rule catalogue (rules.ts).
 */
import type { RuleId } from './rules.js';

/** A change the transform made: its range in the input and, once the edits are applied, in the output. */
export interface EditFinding {
  kind: 'edit';
  ruleId: RuleId;
  start: number;
  end: number;
  /** Appended to the rule's description in parentheses. */
  detail?: string;
  /** The same change's range in the output text. */
  after?: { start: number; end: number };
}

/** Something a human must look at (a manual-review, security or warning rule). */
export interface ItemFinding {
  kind: 'item';
  ruleId: RuleId;
  start: number;
  detail?: string;
  /** A suggestion the tool describes (and applies only where the rule says so). */
  fix?: { description: string };
}

/** A factory left alone because it is not per-request server code (transforms/lib/classify.ts). */
export interface LeftAloneFinding {
  kind: 'leftAlone';
  start: number;
  factory: string | null;
  reason: string;
  why: string;
}

export type Finding = EditFinding | ItemFinding | LeftAloneFinding;

/** Moves every offset of `findings` by `delta` (a BOM the transform did not see), in place. */
export function shiftFindings(findings: Finding[], delta: number): void {
  for (const f of findings) {
    f.start += delta;
    if (f.kind !== 'edit') continue;
    f.end += delta;
    if (f.after) f.after = { start: f.after.start + delta, end: f.after.end + delta };
  }
}
