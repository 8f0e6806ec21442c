/**
 * The project-wide index handed to per-file transforms. It is plain, serialisable data built by
 * src/analyse.ts in a first pass; transforms only read it, and resolve imports against the list
 * of discovered files (never the file system), so they stay pure per-file functions.
 */
import path from 'node:path';

export interface IndexedFactory {
  /** `<file relative to the project root>#<local name>`: also the id of its migrated instance. */
  id: string;
  /** Absolute path of the defining module. */
  file: string;
  localName: string;
  /** `function`: calling it returns an instance; `class`: `new` stores one on `this`. */
  kind: 'function' | 'class';
  /** False when some caller cannot be wired (or it is public API): then nothing of it changes. */
  migratable: boolean;
  /** Why it is not migratable (one line, with the blocking caller's position). */
  reason?: string;
}

export interface ProjectIndex {
  root: string;
  /** Every discovered file (absolute paths). */
  files: string[];
  /** tsconfig `compilerOptions.baseUrl` (absolute) and `paths`, for alias imports. */
  baseUrl: string | null;
  paths: Record<string, string[]>;
  factories: Record<string, IndexedFactory>;
  /** Per module (absolute path): export name (`default`, `module.exports` or a name) -> factory id. */
  exports: Record<string, Record<string, string>>;
  /** `--wiring middleware`: files (absolute) with an Express/Koa/Fastify app that gets a context middleware. */
  middlewareApps?: string[];
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

const fileSets = new WeakMap<ProjectIndex, Set<string>>();

function fileSet(index: ProjectIndex): Set<string> {
  let s = fileSets.get(index);
  if (!s) {
    s = new Set(index.files);
    fileSets.set(index, s);
  }
  return s;
}

/** The candidates a module path may stand for: itself, with an extension, `.js` -> `.ts`, an index file. */
function candidates(base: string): string[] {
  const out = [base];
  const ext = path.extname(base);
  const stem = ext ? base.slice(0, -ext.length) : base;
  // TypeScript NodeNext style: `./api.js` written, `./api.ts` on disk.
  if (ext === '.js' || ext === '.jsx') out.push(stem + '.ts', stem + '.tsx');
  if (ext === '.mjs') out.push(stem + '.mts');
  if (ext === '.cjs') out.push(stem + '.cts');
  for (const e of EXTENSIONS) out.push(base + e);
  for (const e of EXTENSIONS) out.push(path.join(base, 'index' + e));
  return out;
}

/** Resolves an import specifier from `fromFile` to a discovered file, or null. */
export function resolveSpecifier(index: ProjectIndex, fromFile: string, spec: string): string | null {
  const files = fileSet(index);
  const tryBase = (base: string) => candidates(base).find((c) => files.has(c)) ?? null;
  if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..') {
    return tryBase(path.resolve(path.dirname(fromFile), spec));
  }
  // tsconfig `paths` aliases (`@/*` -> `src/*`), then baseUrl-relative bare paths.
  const baseUrl = index.baseUrl ?? index.root;
  for (const [pattern, targets] of Object.entries(index.paths)) {
    const star = pattern.indexOf('*');
    let rest: string | null = null;
    if (star === -1) rest = spec === pattern ? '' : null;
    else if (spec.startsWith(pattern.slice(0, star)) && spec.endsWith(pattern.slice(star + 1)) && spec.length >= pattern.length - 1) {
      rest = spec.slice(star, spec.length - (pattern.length - star - 1));
    }
    if (rest === null) continue;
    for (const t of targets) {
      const hit = tryBase(path.resolve(baseUrl, t.replace('*', rest)));
      if (hit) return hit;
    }
  }
  if (index.baseUrl) return tryBase(path.resolve(index.baseUrl, spec));
  return null;
}

/** The factory id a module exports under `name`, if any. */
export function exportedFactory(index: ProjectIndex, file: string, name: string): IndexedFactory | null {
  const id = index.exports[file]?.[name];
  return id ? (index.factories[id] ?? null) : null;
}
