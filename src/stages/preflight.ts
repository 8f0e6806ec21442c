/**
 * Before anything is read: complete the commit of an earlier run that was killed while writing,
 * and never write over uncommitted work (the dirty-tree guard).
 */
import fs from 'node:fs';
import path from 'node:path';
import { workTreeStatus } from '../git.js';
import { JOURNAL_NAME, recoverJournal } from '../write.js';
import type { RunState } from './state.js';

/** The journal of an interrupted commit, next to the files git is asked about. */
export function journalFile(state: RunState): string {
  return path.join(state.facts.gitFolder, JOURNAL_NAME);
}

/** Returns false when the run must stop here (the reason is in `state.errors`). */
export function preflight(state: RunState): boolean {
  return recoverInterrupted(state) && guardDirtyTree(state);
}

function recoverInterrupted(state: RunState): boolean {
  const journal = journalFile(state);
  if (!fs.existsSync(journal)) return true;
  if (state.options.mode !== 'apply') {
    // Never a silent pass: the tree may be half-written until an apply completes the commit.
    state.errors.push({ ruleId: 'interrupted-run', message: `${state.rel(journal)}: an earlier run was killed while writing; run the tool without --check/--dry to complete its commit` });
    return false;
  }
  const recovered = recoverJournal(journal, state.rel);
  if (recovered.error) {
    state.errors.push({ ruleId: 'interrupted-run', message: recovered.error });
    return false;
  }
  state.notes.push(...recovered.notes);
  return true;
}

function guardDirtyTree(state: RunState): boolean {
  const { options } = state;
  if (options.mode !== 'apply' || options.allowDirty) return true;
  const st = workTreeStatus(options.paths.map((p) => path.resolve(options.cwd, p)));
  if (st.kind === 'error') {
    state.errors.push({ ruleId: st.ruleId, message: st.message });
    return false;
  }
  if (st.kind === 'dirty') {
    state.errors.push({
      ruleId: 'dirty-work-tree',
      message: `refusing to write: ${st.files.length} uncommitted change(s) under the given paths (first: ${st.files[0]}). Commit or stash them, preview with --dry, or pass --allow-dirty.`,
    });
    return false;
  }
  if (st.kind === 'no-git') state.notes.push(`${st.reason}: the dirty-tree guard was skipped`);
  return true;
}
