/**
 * Stage 6, write: plan and validate every write (the run's outputs and the report files the caller
 * will write), then write them in one transaction (src/write.ts). Nothing is written when the run
 * is in error, and a record says `changed` only for a file that was written.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type WriteTarget, plan, writeAll } from '../write.js';
import { journalFile } from './preflight.js';
import type { Planned, RunState } from './state.js';

export async function writeStage(state: RunState): Promise<void> {
  const { options, planned, errors } = state;
  if (errors.length) {
    // Nothing is written when the run itself is in error.
    for (const p of planned) if (p.record.status === 'changed') p.record.status = 'would-change';
    return;
  }
  if (options.onOutput) for (const p of planned) if (p.output !== undefined && p.record.status !== 'unchanged') options.onOutput(p.record, p.output);
  const t = performance.now();
  const writes = options.mode === 'apply' ? planned.filter((p) => p.output !== undefined && p.record.status === 'changed') : [];
  const problems = plan([...writes.map((p) => ({ abs: p.abs, rel: p.record.file })), ...(options.reportTargets ?? []).map((f) => ({ abs: path.resolve(options.cwd, f), rel: f }))]);
  if (problems.length) {
    for (const p of problems) errors.push({ ruleId: p.ruleId, message: `${p.message}; nothing was written` });
    for (const p of writes) p.record.status = 'would-change';
    return;
  }
  if (writes.length) await commit(state, writes);
  state.timings.writeMs = performance.now() - t;
}

async function commit(state: RunState, writes: Planned[]): Promise<void> {
  // The context module first, so that no migrated file ever imports a missing module; then the
  // files without a migrated factory, then the factory files.
  const rank = (p: Planned) => (p.contextModule ? 0 : p.definesFactory ? 2 : 1);
  const order = [...writes].sort((a, b) => rank(a) - rank(b));
  const targets: WriteTarget[] = order.map((p) => ({ abs: p.abs, rel: p.record.file, content: p.output!, created: p.record.created }));
  const result = await writeAll(targets, journalFile(state), state.options.interrupt ?? { signal: null, writing: false });
  const written = new Set(result.written);
  for (const p of writes) if (!written.has(p.record.file)) p.record.status = 'would-change';
  if (result.interrupted) {
    state.errors.push({ ruleId: 'interrupted', message: `interrupted by ${result.interrupted} before the commit: no file was written (${writes.length} planned); temp files removed` });
  }
  if (result.error) state.errors.push({ ruleId: 'write-failed', message: result.error });
}
