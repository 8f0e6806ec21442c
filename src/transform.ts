/**
 * Stages 4 and 5: transform one file and verify the result.
 *
 * Verification is not optional: the output must re-parse with the file's own parser, and a second
 * run over it must change nothing and report nothing (idempotency). A file that fails either is
 * left unchanged and reported as failed: we never write output we cannot prove is stable.
 */
import type { EditRecord, LeftAloneRecord, ReviewItem } from './records.js';
import { type MigrateOptions, TransformParseError, migrate } from '../transforms/ssr-singleton.js';
import { PERSISTENT_RULES } from '../transforms/lib/rules.js';
import { idPathOf } from '../transforms/lib/factory-id.js';
import { findingsToRecords } from './findings.js';
import type { ContextFlavor } from '../transforms/lib/context-module.js';

/** A file that mentions createAlova, read by the pre-filter. */
export interface SourceFile {
  abs: string;
  rel: string;
  text: string;
  mode: number;
}

export interface TransformInput {
  abs: string;
  rel: string;
  text: string;
}

/** What one file's transform produced, as records. */
export interface MigrateSourceResult {
  /** The migrated text, or null when the file is left unchanged. */
  output: string | null;
  edits: EditRecord[];
  items: ReviewItem[];
  leftAlone: LeftAloneRecord[];
  factoriesMigrated: number;
  /** The context module flavour this file imports (the CLI generates it), or null. */
  contextFlavor: ContextFlavor | null;
}

export type TransformOutcome =
  | ({ kind: 'ok' } & MigrateSourceResult)
  | { kind: 'failed'; ruleId: 'syntax-error' | 'too-deeply-nested' | 'output-does-not-parse' | 'not-idempotent' | 'internal-error'; reason: string };

/**
 * The parser and the walkers recurse per nesting level: thousands of nested brackets exhaust the
 * stack. That is not a syntax error (the file may be valid), so it has its own rule.
 */
export function isTooDeep(err: unknown): boolean {
  const message = String((err as Error)?.message ?? '');
  return (err instanceof RangeError || err instanceof TransformParseError) && /Maximum call stack size exceeded/.test(message);
}

/**
 * Runs the transform on one text and turns its findings into records (paths as `displayPath`, by
 * default relative to `root`). Throws TransformParseError when the text does not parse.
 */
export function migrateSource(source: string, filePath: string, options: MigrateOptions = {}): MigrateSourceResult {
  const { output, findings, factoriesMigrated, contextFlavor } = migrate(source, filePath, options);
  const file = options.displayPath ?? idPathOf(options.root ?? process.cwd(), filePath);
  return { output, ...findingsToRecords(findings, source, output, file), factoriesMigrated, contextFlavor };
}

const TOO_DEEP = { kind: 'failed', ruleId: 'too-deeply-nested', reason: 'too deeply nested to parse (the parser ran out of stack); left unchanged' } as const;

export function transformFile(input: TransformInput, options: MigrateOptions, stage: { verify?: boolean } = {}): TransformOutcome {
  const opts: MigrateOptions = { ...options, displayPath: input.rel };
  let result;
  try {
    result = migrateSource(input.text, input.abs, opts);
  } catch (err) {
    if (isTooDeep(err)) return TOO_DEEP;
    if (err instanceof TransformParseError) {
      return { kind: 'failed', ruleId: 'syntax-error', reason: `syntax error at ${err.line}:${err.col}: ${err.message.replace(/\s*\(\d+:\d+\)$/, '')}` };
    }
    return { kind: 'failed', ruleId: 'internal-error', reason: `internal error: ${oneLine(err)}` };
  }
  // --check skips the second run: it writes nothing, and a test proves check and apply agree.
  if (result.output !== null && stage.verify !== false) {
    try {
      // Only the items are compared: edits and left-alone records of the second run are not made.
      const again = migrate(result.output, input.abs, opts);
      const againItems = findingsToRecords(again.findings.filter((f) => f.kind === 'item'), result.output, null, input.rel).items;
      if (again.output !== null || !onlyKnownItems(againItems, result.items)) {
        return { kind: 'failed', ruleId: 'not-idempotent', reason: 'a second run would change the output again; the file was left unchanged (please report this)' };
      }
    } catch (err) {
      if (isTooDeep(err)) return TOO_DEEP;
      if (err instanceof TransformParseError) {
        return { kind: 'failed', ruleId: 'output-does-not-parse', reason: `the migrated output does not parse (${err.message}); the file was left unchanged (please report this)` };
      }
      return { kind: 'failed', ruleId: 'internal-error', reason: `internal error while verifying: ${oneLine(err)}` };
    }
  }
  return { kind: 'ok', ...result };
}

/**
 * A second run may only repeat what the first reported about code it left as it is (a persistent
 * finding, or a factory it refused: that factory is unchanged, so its items come back, at lines
 * shifted by the migrated factories above it). Anything new means the output is not stable.
 */
export function onlyKnownItems(again: ReviewItem[], first: ReviewItem[]): boolean {
  const key = (i: ReviewItem) => `${i.ruleId}\u0000${i.message}\u0000${i.excerpt}`;
  const known = new Map<string, number>();
  for (const i of first) known.set(key(i), (known.get(key(i)) ?? 0) + 1);
  return again.every((i) => {
    if (PERSISTENT_RULES.has(i.ruleId)) return true;
    const n = known.get(key(i)) ?? 0;
    known.set(key(i), n - 1);
    return n > 0;
  });
}

function oneLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}
