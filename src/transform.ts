/**
 * Stages 4 and 5: transform one file and verify the result.
 *
 * Verification is not optional: the output must re-parse with the file's own parser, and a second
 * run over it must change nothing and report nothing (idempotency). A file that fails either is
 * left unchanged and reported as failed: we never write output we cannot prove is stable.
 */
import type { EditRecord, ReviewItem } from './records.js';
import { type MigrateOptions, TransformParseError, migrateSource } from '../transforms/ssr-singleton.js';
import { PERSISTENT_RULES } from '../transforms/lib/rules.js';
import type { ContextFlavor } from '../transforms/lib/context-module.js';

export interface TransformInput {
  abs: string;
  rel: string;
  text: string;
}

export type TransformOutcome =
  | {
      kind: 'ok';
      output: string | null;
      edits: EditRecord[];
      items: ReviewItem[];
      factoriesMigrated: number;
      callSitesRewired: number;
      contextFlavor: ContextFlavor | null;
      factoryIdsDefined: string[];
      factoryIdsUsed: string[];
      callSitesByFactory: Record<string, number>;
    }
  | { kind: 'failed'; ruleId: 'syntax-error' | 'output-does-not-parse' | 'not-idempotent' | 'internal-error'; reason: string };

export function transformFile(input: TransformInput, options: MigrateOptions, stage: { verify?: boolean } = {}): TransformOutcome {
  const opts: MigrateOptions = { ...options, displayPath: input.rel };
  let result;
  try {
    result = migrateSource(input.text, input.abs, opts);
  } catch (err) {
    if (err instanceof TransformParseError) {
      return { kind: 'failed', ruleId: 'syntax-error', reason: `syntax error at ${err.line}:${err.col}: ${err.message.replace(/\s*\(\d+:\d+\)$/, '')}` };
    }
    return { kind: 'failed', ruleId: 'internal-error', reason: `internal error: ${oneLine(err)}` };
  }
  // --check skips the second run: it writes nothing, and a test proves check and apply agree.
  if (result.output !== null && stage.verify !== false) {
    try {
      const again = migrateSource(result.output, input.abs, opts);
      if (again.output !== null || again.items.some((i) => !PERSISTENT_RULES.has(i.ruleId))) {
        return { kind: 'failed', ruleId: 'not-idempotent', reason: 'a second run would change the output again; the file was left unchanged (please report this)' };
      }
    } catch (err) {
      if (err instanceof TransformParseError) {
        return { kind: 'failed', ruleId: 'output-does-not-parse', reason: `the migrated output does not parse (${err.message}); the file was left unchanged (please report this)` };
      }
      return { kind: 'failed', ruleId: 'internal-error', reason: `internal error while verifying: ${oneLine(err)}` };
    }
  }
  return {
    kind: 'ok',
    output: result.output,
    edits: result.edits,
    items: result.items,
    factoriesMigrated: result.factoriesMigrated,
    callSitesRewired: result.callSitesRewired,
    contextFlavor: result.contextFlavor,
    factoryIdsDefined: result.factoryIdsDefined,
    factoryIdsUsed: result.factoryIdsUsed,
    callSitesByFactory: result.callSitesByFactory,
  };
}

function oneLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}
