/**
 * Stages 4 and 5, transform and verify (src/transform.ts does both for one file): every candidate,
 * in path order, on a worker pool when enough files need parsing; then the context placement is
 * settled, and each outcome becomes the file's record.
 */
import { performance } from 'node:perf_hooks';
import type { Placement } from '../context-placement.js';
import { WorkerPool, poolSize } from '../pool.js';
import type { SourceFile, TransformOutcome } from '../transform.js';
import type { Analysed } from './facts.js';
import { type TransformMany, settlePlacement } from './settle-placement.js';
import { type Planned, type RunState, fileRecord, reasonRecord } from './state.js';

export async function transformStage(state: RunState, candidates: SourceFile[], analysed: Analysed): Promise<Placement> {
  const t = performance.now();
  const sorted = [...candidates].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const pool = new LazyPool(state.options.workers);
  const verify = state.options.mode !== 'check';
  const transformMany: TransformMany = async (list, options) => {
    const local = (c: SourceFile) => analysed.transformFile(c, options, { verify });
    const p = pool.get(list.length);
    if (!p) return list.map(local);
    await p.broadcast({ kind: 'setOptions', options });
    return p.map(list, (c) => ({ kind: 'transform', abs: c.abs, rel: c.rel, text: c.text, verify }), local);
  };
  try {
    const results = sorted.length ? await transformMany(sorted, analysed.migrateOptions) : [];
    const outcomes = new Map<string, TransformOutcome>();
    sorted.forEach((c, i) => {
      outcomes.set(c.abs, results[i]);
      state.options.onProgress?.(i + 1, sorted.length);
    });
    const placement = await settlePlacement(sorted, outcomes, analysed, transformMany);
    if (placement.error) state.errors.push({ ruleId: 'context-module-placement', message: placement.error });
    for (const c of sorted) state.planned.push(planned(state, c, outcomes.get(c.abs)!, analysed));
    return placement;
  } finally {
    await pool.close();
    state.timings.transformMs += performance.now() - t;
  }
}

function planned(state: RunState, c: SourceFile, outcome: TransformOutcome, analysed: Analysed): Planned {
  if (outcome.kind === 'failed') return { abs: c.abs, record: reasonRecord(c.rel, 'failed', outcome.ruleId, outcome.reason) };
  const record = fileRecord(c.rel, outcome.output === null ? 'unchanged' : state.options.mode === 'apply' ? 'changed' : 'would-change');
  record.edits = outcome.output === null ? [] : outcome.edits;
  record.items = outcome.items;
  record.leftAlone = outcome.leftAlone;
  record.factoriesMigrated = outcome.output === null ? 0 : outcome.factoriesMigrated;
  if (outcome.output !== null) {
    const d = analysed.unifiedDiff(c.rel, c.text, outcome.output);
    record.diff = d.patch;
    record.linesAdded = d.added;
    record.linesRemoved = d.removed;
  }
  return { abs: c.abs, record, output: outcome.output ?? undefined, before: c.text, mode: c.mode, definesFactory: outcome.factoriesMigrated > 0 };
}

/** The worker pool starts on the first list long enough to repay it (src/pool.ts decides), and is reused after. */
class LazyPool {
  private pool: WorkerPool | null = null;

  constructor(private readonly workers: number | undefined) {}

  get(files: number): WorkerPool | null {
    if (this.pool) return this.pool;
    const size = poolSize(files, this.workers);
    if (size > 0) this.pool = new WorkerPool(size);
    if (size > 0 && process.env.ALOVA_SSR_MIGRATE_DEBUG) process.stderr.write(`worker pool: ${size} worker thread(s)\n`);
    return this.pool;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
