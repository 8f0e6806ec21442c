/**
 * Stage 7, report: the records become the RunReport every reporter renders. Baselines remove their
 * items first; then the summary is counted once (src/summary.ts) and the exit code computed once
 * from the same records (src/exit-code.ts).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { suppress } from '../baseline.js';
import { toPosix } from '../discover.js';
import { withExit } from '../exit-code.js';
import { type RunReport, SCHEMA_VERSION } from '../records.js';
import { summarise } from '../summary.js';
import { VERSION } from '../version.js';
import type { RunState } from './state.js';

export function finishReport(state: RunState): RunReport {
  const { options, timings, errors, facts } = state;
  timings.totalMs = performance.now() - state.t0;
  let files = state.planned.map((p) => p.record);
  let notes = state.notes;
  let baselined = 0;
  for (const baseline of options.baselines?.(files, errors) ?? []) {
    const s = suppress(files, baseline);
    files = s.files;
    baselined += s.removed;
    if (s.note) notes = [...notes, s.note];
  }
  return withExit({
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'alova-ssr-migrate', version: VERSION },
    mode: options.mode,
    options: { cache: options.cache, paths: options.paths, contextModule: facts.explicitContext ? toPosix(path.relative(options.cwd, facts.explicitContext)) : null },
    files,
    summary: summarise(files, baselined, timings),
    errors,
    notes,
  });
}
