/**
 * The one fixed point left after the handle-first change: the context placement is decided first
 * from every file that may import the module, then settled on the files that do (or would, but for
 * the placement). A file whose target changed is transformed again with NEW options; the options
 * the first round used are never mutated (issue 11).
 */
import type { Placement } from '../context-placement.js';
import type { SourceFile, TransformOutcome } from '../transform.js';
import type { MigrateOptions } from '../../transforms/ssr-singleton.js';
import type { Analysed } from './facts.js';

export type TransformMany = (list: SourceFile[], options: MigrateOptions) => Promise<TransformOutcome[]>;

/** A bound on the rounds (as before the split): a placement that still moves after three is kept as it is. */
const MAX_ROUNDS = 3;

/** Settles the placement; `outcomes` is updated with the files transformed again. */
export async function settlePlacement(sorted: SourceFile[], outcomes: Map<string, TransformOutcome>, analysed: Analysed, transformMany: TransformMany): Promise<Placement> {
  let placement = analysed.placement;
  for (let round = 0; round < MAX_ROUNDS && !placement.error; round++) {
    const importers = sorted.filter((c) => importsContext(outcomes.get(c.abs)));
    const next = analysed.placer.place(importers.map((c) => c.abs));
    const redo = next.error ? [] : importers.filter((c) => JSON.stringify(next.byFile[c.abs]) !== JSON.stringify(placement.byFile[c.abs]));
    placement = next;
    if (!redo.length) break;
    const again = await transformMany(redo, { ...analysed.migrateOptions, contextModules: placement.byFile });
    redo.forEach((c, i) => outcomes.set(c.abs, again[i]));
  }
  return placement;
}

/**
 * Does this outcome import the context module, or would it but for the placement (a blocked
 * importer still counts, so that the flavour and folder are settled on every file that needs one)?
 */
function importsContext(outcome: TransformOutcome | undefined): boolean {
  if (!outcome || outcome.kind === 'failed') return false;
  if (outcome.output !== null) return outcome.contextFlavor !== null;
  return outcome.items.some((i) => i.ruleId === 'context-module-flavour' || i.ruleId === 'context-module-placement');
}
