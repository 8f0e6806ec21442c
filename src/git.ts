/**
 * The few git questions the CLI asks, through the git binary (no library: git itself is the
 * reference implementation of its own status). Without git, or outside a work tree, the callers
 * skip the dirty-tree guard and say so.
 */
import { spawnSync } from 'node:child_process';

export type GitStatus = { kind: 'clean' } | { kind: 'dirty'; files: string[] } | { kind: 'no-git'; reason: string };

function git(cwd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { ok: false, out: '', err: r.error.message };
  return { ok: r.status === 0, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/** Uncommitted changes (tracked or untracked, not ignored) under `paths`. */
export function workTreeStatus(cwd: string, paths: string[]): GitStatus {
  const inside = git(cwd, ['rev-parse', '--is-inside-work-tree']);
  if (!inside.ok || inside.out.trim() !== 'true') {
    return { kind: 'no-git', reason: inside.err.includes('ENOENT') ? 'git is not installed' : 'not inside a git work tree' };
  }
  const st = git(cwd, ['status', '--porcelain', '--', ...paths]);
  if (!st.ok) return { kind: 'no-git', reason: st.err.trim().split('\n')[0] || 'git status failed' };
  const files = st.out.split('\n').filter(Boolean).map((l) => l.slice(3));
  return files.length ? { kind: 'dirty', files } : { kind: 'clean' };
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
