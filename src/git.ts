/**
 * The few git questions the CLI asks, through the git binary (no library: git itself is the
 * reference implementation of its own status). Without git, or outside a work tree, the callers
 * skip the dirty-tree guard and say so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export type GitStatus =
  | { kind: 'clean' }
  | { kind: 'dirty'; files: string[] }
  | { kind: 'no-git'; reason: string }
  /** The guard cannot answer, and skipping it would be an accident: the run stops. */
  | { kind: 'error'; ruleId: 'git-dubious-ownership' | 'git-other-repository' | 'git-status-failed'; message: string };

function git(cwd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { ok: false, out: '', err: r.error.message };
  return { ok: r.status === 0, out: r.stdout ?? '', err: r.stderr ?? '' };
}

function realFolder(p: string): string {
  try {
    const real = fs.realpathSync.native(p);
    return fs.statSync(real).isDirectory() ? real : path.dirname(real);
  } catch {
    return path.dirname(p);
  }
}

/**
 * Uncommitted changes (tracked or untracked, not ignored) under `paths` (absolute). Each path is
 * asked about in its real folder, so a path that goes through a symlink is checked in the
 * repository it lands in. Every path must be in the same work tree as the first, or none in any.
 */
export function workTreeStatus(paths: string[]): GitStatus {
  let top: string | null = null;
  let noGit: { path: string; reason: string } | null = null;
  const real: string[] = [];
  for (const p of paths) {
    const dir = realFolder(p);
    const r = git(dir, ['rev-parse', '--show-toplevel']);
    if (!r.ok) {
      if (r.err.includes('dubious ownership')) {
        const repo = /repository at '([^']+)'/.exec(r.err)?.[1] ?? dir;
        return {
          kind: 'error',
          ruleId: 'git-dubious-ownership',
          message: `git refuses to read ${repo}: it belongs to another user ("dubious ownership"), so uncommitted work cannot be checked. If you trust it, run: git config --global --add safe.directory ${repo} (or pass --allow-dirty to write without the check)`,
        };
      }
      noGit ??= { path: p, reason: r.err.includes('ENOENT') ? 'git is not installed' : 'not inside a git work tree' };
      continue;
    }
    const here = r.out.trim();
    if (top === null) top = here;
    else if (here !== top) return otherRepository(p, here, top);
    real.push(fs.existsSync(p) ? fs.realpathSync.native(p) : p);
  }
  if (top === null) return { kind: 'no-git', reason: noGit?.reason ?? 'not inside a git work tree' };
  if (noGit) return otherRepository(noGit.path, null, top);
  const st = git(top, ['status', '--porcelain', '-z', '--', ...real]);
  if (!st.ok) {
    return { kind: 'error', ruleId: 'git-status-failed', message: `git status failed in ${top}: ${st.err.trim().split('\n')[0]}; fix the repository or pass --allow-dirty` };
  }
  // -z: "XY name\0", with a second name after a rename entry.
  const files: string[] = [];
  const parts = st.out.split('\0');
  for (let i = 0; i < parts.length; i++) {
    if (!parts[i]) continue;
    files.push(parts[i].slice(3));
    if (parts[i][0] === 'R' || parts[i][0] === 'C') i++;
  }
  return files.length ? { kind: 'dirty', files } : { kind: 'clean' };
}

function otherRepository(p: string, repo: string | null, first: string): GitStatus {
  return {
    kind: 'error',
    ruleId: 'git-other-repository',
    message: `${p} is ${repo ? `in another git repository (${repo})` : 'outside any git repository'}, not in ${first}, so one uncommitted-work check cannot cover it; run the tool once per repository (or pass --allow-dirty)`,
  };
}

/**
 * Files changed since `ref` (committed, staged, unstaged and untracked), as absolute paths.
 * Committed changes are counted from the merge base of HEAD and `ref`.
 */
export function changedSince(cwd: string, ref: string): { ok: true; files: string[] } | { ok: false; error: string } {
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top.ok) return { ok: false, error: `--changed-since needs a git work tree (${top.err.trim() || 'git not found'})` };
  const root = top.out.trim();
  const verify = git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!verify.ok) return { ok: false, error: `--changed-since: unknown git ref "${ref}"` };
  const commit = verify.out.trim();
  // Compare with the point where HEAD left `ref` (like `git diff ref...HEAD` and `jest --changedSince`),
  // not with the tip of `ref`: in a pull request, files that only changed on the base branch since
  // the branch point are not this change's files. When `ref` is an ancestor of HEAD this is `ref`.
  const mergeBase = git(root, ['merge-base', 'HEAD', commit]);
  const base = mergeBase.ok && mergeBase.out.trim() ? mergeBase.out.trim() : commit;
  // -z: names verbatim, NUL-separated. Without it git quotes non-ASCII names ("\303\251.ts"),
  // which then match no file on disk.
  const diff = git(root, ['diff', '-z', '--name-only', '--diff-filter=ACMR', base, '--']);
  const untracked = git(root, ['ls-files', '-z', '--others', '--exclude-standard']);
  if (!diff.ok) return { ok: false, error: diff.err.trim() };
  const names = new Set([...diff.out.split('\0'), ...untracked.out.split('\0')].filter(Boolean));
  return { ok: true, files: [...names].map((n) => `${root}/${n}`) };
}
