/**
 * Unified diffs, computed by the `diff` package (jsdiff), with git-style headers so that
 * `alova-ssr-migrate --dry --diff-only > migrate.patch && git apply migrate.patch` works.
 */
import { createTwoFilesPatch, structuredPatch } from 'diff';

export interface FileDiff {
  patch: string;
  added: number;
  removed: number;
}

/** `rel` is the POSIX path relative to cwd; `before` is null for a file the run creates. */
export function unifiedDiff(rel: string, before: string | null, after: string): FileDiff {
  const oldName = before === null ? '/dev/null' : `a/${rel}`;
  const raw = createTwoFilesPatch(oldName, `b/${rel}`, before ?? '', after, undefined, undefined, { context: 3 });
  const body = raw
    .split('\n')
    .filter((l, i) => !(i === 0 && /^=+$/.test(l)))
    .map((l) => (l.startsWith('--- ') || l.startsWith('+++ ') ? l.replace(/\t$/, '') : l))
    .join('\n');
  const header = [`diff --git a/${rel} b/${rel}`, ...(before === null ? ['new file mode 100644'] : [])].join('\n');
  let added = 0;
  let removed = 0;
  for (const h of structuredPatch(oldName, rel, before ?? '', after, undefined, undefined, { context: 0 }).hunks) {
    for (const l of h.lines) {
      if (l.startsWith('+')) added++;
      else if (l.startsWith('-')) removed++;
    }
  }
  return { patch: `${header}\n${body}`, added, removed };
}
