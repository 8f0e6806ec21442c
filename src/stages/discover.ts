/**
 * Stage 1, discover: the files to look at (src/discover.ts walks the tree), narrowed by
 * --changed-since; what the walk could not read becomes a record or a note.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type DiscoveredFile, discover } from '../discover.js';
import { changedSince } from '../git.js';
import { type RunState, reasonRecord } from './state.js';

export interface Discovered {
  /** The files the run looks at. */
  files: DiscoveredFile[];
  /** Every discovered file (absolute), before --changed-since: existing context modules, tsconfig inputs. */
  all: string[];
}

/** Returns null when the run must stop here (the reason is in `state.errors`). */
export function discoverStage(state: RunState): Discovered | null {
  const t = performance.now();
  const { options } = state;
  const found = discover({ paths: options.paths, cwd: options.cwd, extensions: options.extensions, ignoreGlobs: options.ignore, gitignore: options.gitignore });
  for (const m of found.missing) state.errors.push({ ruleId: 'path-not-found', message: `path not found: ${m}` });
  if (state.errors.length) return null;
  for (const issue of found.issues) {
    if (issue.ruleId === 'unreadable-file' && issue.message.startsWith('cannot read directory')) {
      // A folder the tool cannot list may hold a factory or a caller: the run cannot pass.
      state.planned.push({ abs: path.resolve(options.cwd, issue.rel), record: reasonRecord(issue.rel, 'failed', 'unreadable-file', issue.message) });
    } else state.notes.push(`${issue.rel}: ${issue.message}`);
  }
  if (found.leftovers.length) {
    const names = found.leftovers.map(state.rel);
    if (options.mode === 'apply') {
      for (const f of found.leftovers) fs.rmSync(f, { force: true });
      state.notes.push(`removed ${names.length} temp file(s) left by a run that was killed: ${names.join(', ')}`);
    } else state.notes.push(`${names.length} temp file(s) left by a run that was killed (an apply run removes them): ${names.join(', ')}`);
  }
  let files = found.files;
  if (options.changedSince) {
    const changed = changedSince(state.facts.gitFolder, options.changedSince);
    if (!changed.ok) {
      state.errors.push({ ruleId: 'changed-since', message: changed.error });
      return null;
    }
    const set = new Set(changed.files.map((f) => safeRealpath(f)));
    files = files.filter((f) => set.has(safeRealpath(f.abs)));
    state.notes.push(`--changed-since ${options.changedSince}: ${files.length} of ${found.files.length} files selected`);
  }
  state.timings.discoverMs = performance.now() - t;
  return { files, all: found.files.map((f) => f.abs) };
}

function safeRealpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
