/**
 * Stage 3, project facts: what the transform is told about the project (src/project-facts.ts
 * computes it once), and where each package's context module goes (src/context-placement.ts).
 * Each factory is migrated inside its own module and keeps its signature and return API, so no
 * other file is indexed or changed: a run over part of a project is as safe as a whole run.
 */
import { performance } from 'node:perf_hooks';
import { ContextPlacer, type Placement } from '../context-placement.js';
import { parseFacts } from '../project-facts.js';
import type { TransformOutcome, TransformInput } from '../transform.js';
import type { FileDiff } from '../diff.js';
import type { MigrateOptions } from '../../transforms/ssr-singleton.js';
import type { Discovered } from './discover.js';
import type { Prefiltered } from './prefilter.js';
import { type RunState, fileRecord } from './state.js';

/** What the transform stage runs with. */
export interface Analysed {
  /** The options every file is transformed with (never mutated: a new placement makes new options). */
  migrateOptions: MigrateOptions;
  placer: ContextPlacer;
  /** The first placement, from every file that may import the context module. */
  placement: Placement;
  transformFile: (input: TransformInput, options: MigrateOptions, stage: { verify?: boolean }) => TransformOutcome;
  unifiedDiff: (rel: string, before: string | null, after: string) => FileDiff;
}

/** Returns null when no file needs parsing (then nothing below the pre-filter is loaded or read). */
export async function factsStage(state: RunState, pre: Prefiltered, found: Discovered): Promise<Analysed | null> {
  const t = performance.now();
  const candidateSet = new Set(pre.candidates.map((f) => f.abs));
  for (const f of pre.readable) if (!candidateSet.has(f.abs)) state.planned.push({ abs: f.abs, record: fileRecord(f.rel, 'not-applicable') });
  if (!pre.candidates.length) {
    state.timings.analyseMs = performance.now() - t;
    return null;
  }
  // Babel and the transforms load only when some file needs parsing: a tree with nothing to
  // migrate (the usual CI run after a migration) costs a walk and a read.
  const [{ transformFile }, { unifiedDiff }] = await Promise.all([import('../transform.js'), import('../diff.js')]);
  const { options, facts } = state;
  const project = parseFacts(facts, { candidates: pre.candidates, readable: pre.readable, discovered: found.all, assumeServer: options.assumeServer === true });
  const placer = new ContextPlacer(
    { cwd: options.cwd, firstPath: facts.firstPath, firstDir: facts.firstDir ?? undefined, explicit: facts.explicitContext, discovered: found.all },
    project.files,
  );
  // Where each package's context module goes: first from the files that may import it, settled
  // after the transform from the files that do (src/stages/settle-placement.ts).
  const placement = placer.place(pre.candidates.map((f) => f.abs));
  const migrateOptions: MigrateOptions = {
    cache: options.cache,
    root: facts.root,
    contextModule: facts.explicitContext?.replace(/\.(ts|mts|cts|js|mjs|cjs)$/, ''),
    contextModules: placement.byFile,
    alovaMajor: options.alovaMajor ?? project.alovaMajor,
    tsImportSuffix: project.tsImportSuffix,
    alovaVersion: project.alovaVersion,
    // Classification hook: facts for transforms/lib/classify.ts (what is per-request server code).
    project: project.classify,
  };
  state.timings.analyseMs = performance.now() - t;
  return { migrateOptions, placer, placement, transformFile, unifiedDiff };
}
