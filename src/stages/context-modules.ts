/**
 * The request-context modules: one per package whose migrated files import it (the placement says
 * where). A file already there is reused when it is ours; anything else stops the run.
 */
import { performance } from 'node:perf_hooks';
import type { Placement } from '../context-placement.js';
import { readRegularFile } from '../prefilter.js';
import { CONTEXT_EXPORTS, CONTEXT_MARKER, renderContextModule } from '../../transforms/lib/context-module.js';
import { ruleDocsUrl, rules } from '../../transforms/lib/rules.js';
import type { Analysed } from './facts.js';
import { type RunState, fileRecord } from './state.js';

export function contextModuleStage(state: RunState, placement: Placement, analysed: Pick<Analysed, 'unifiedDiff'>): void {
  const t = performance.now();
  const changedFiles = new Set(state.planned.filter((p) => p.output !== undefined).map((p) => p.abs));
  const created = [];
  for (const { abs, flavor, importers } of placement.error ? [] : placement.modules) {
    if (!importers.some((f) => changedFiles.has(f))) continue;
    const rel = state.rel(abs);
    // Read only when it is a regular file: a FIFO would block the run.
    const existing = readRegularFile(abs);
    if (existing !== null) {
      const compatible = existing.includes(CONTEXT_MARKER) || Object.values(CONTEXT_EXPORTS).every((n) => existing.includes(n));
      if (!compatible) {
        state.errors.push({
          ruleId: 'context-module-conflict',
          message: `${rel} exists and does not export ${Object.values(CONTEXT_EXPORTS).join(', ')}; choose another path with --context-module`,
        });
      }
      continue;
    }
    const text = renderContextModule(flavor);
    const d = analysed.unifiedDiff(rel, null, text);
    const record = {
      ...fileRecord(rel, state.options.mode === 'apply' ? 'changed' : 'would-change'),
      created: true,
      diff: d.patch,
      linesAdded: d.added,
      edits: [{ ruleId: 'create-context-module', file: rel, line: 1, col: 1, endLine: 1, endCol: 1, message: rules['create-context-module'].description, docs: ruleDocsUrl('create-context-module') }],
    };
    created.push({ abs, record, output: text, before: null, mode: 0o644, contextModule: true as const });
  }
  state.planned.push(...created);
  state.timings.transformMs += performance.now() - t;
}
