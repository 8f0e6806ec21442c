/**
 * The pipeline, and only its order: preflight -> discover -> pre-filter -> project facts ->
 * transform (+ verify) -> context modules -> write -> report. Each stage is a file of its own in
 * src/stages/ (the libraries they call stay in src/: discover.ts, prefilter.ts, transform.ts,
 * write.ts...). Data flows one way; the run returns a RunReport (the records) and nothing else:
 * printing and the process exit code belong to the CLI.
 */
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import type { RunReport } from './records.js';
import { toPosix } from './discover.js';
import { pathFacts } from './project-facts.js';
import { contextModuleStage } from './stages/context-modules.js';
import { discoverStage } from './stages/discover.js';
import { factsStage } from './stages/facts.js';
import { prefilterStage } from './stages/prefilter.js';
import { preflight } from './stages/preflight.js';
import { finishReport } from './stages/report.js';
import type { RunOptions, RunState } from './stages/state.js';
import { transformStage } from './stages/transform.js';
import { writeStage } from './stages/write.js';

export type { RunOptions } from './stages/state.js';
export { VERSION } from './version.js';

export async function run(options: RunOptions): Promise<RunReport> {
  const state = startRun(options);
  if (!preflight(state)) return finishReport(state);
  const found = discoverStage(state);
  if (!found) return finishReport(state);
  const pre = prefilterStage(state, found.files);
  const analysed = await factsStage(state, pre, found);
  if (analysed) {
    const placement = await transformStage(state, pre.candidates, analysed);
    contextModuleStage(state, placement, analysed);
  }
  await writeStage(state);
  return finishReport(state);
}

function startRun(options: RunOptions): RunState {
  const t0 = performance.now();
  return {
    options,
    facts: pathFacts(options),
    planned: [],
    errors: [],
    notes: [],
    timings: { discoverMs: 0, prefilterMs: 0, analyseMs: 0, transformMs: 0, writeMs: 0, totalMs: 0 },
    t0,
    rel: (abs) => toPosix(path.relative(options.cwd, abs)),
  };
}
