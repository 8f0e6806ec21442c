/**
 * Stage 1: discover files.
 *
 * - git-style ignore semantics (nested .gitignore files, negations) come from the `ignore` package,
 *   the same library ESLint and many others use; we only walk directories and hand it paths
 *   relative to each .gitignore's folder, as git does.
 * - `--ignore <glob>` patterns are matched with picomatch against POSIX paths relative to cwd.
 * - node_modules, dist, build, coverage, .next, .nuxt, .output and .git are always skipped.
 * - Symlinks are followed only when their target stays inside one of the given paths; a directory
 *   whose real path was already visited is skipped, so symlink loops cannot hang the walk.
 * - The walk is synchronous and keeps at most one directory handle open at a time: bounded I/O by
 *   construction (jscodeshift's runner opens every file at once and loses files to EMFILE).
 */
import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { readRegularFile } from './prefilter.js';
import { isStaleTemp, TEMP_SUFFIX } from './write.js';

export const DEFAULT_EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];
export const ALWAYS_SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', '.next', '.nuxt', '.output', '.git']);

export interface DiscoverOptions {
  paths: string[];
  cwd: string;
  extensions: string[];
  ignoreGlobs: string[];
  gitignore: boolean;
}

export interface DiscoveredFile {
  /** Absolute path. */
  abs: string;
  /** POSIX path relative to cwd (for records). */
  rel: string;
}

export interface DiscoverIssue {
  /** POSIX path relative to cwd. */
  rel: string;
  ruleId: 'path-not-found' | 'unreadable-file' | 'symlink-outside' | 'symlink-loop';
  message: string;
}

export interface DiscoverResult {
  files: DiscoveredFile[];
  /** Paths the user named that do not exist: a usage error. */
  missing: string[];
  /** Temp files left by a run that was killed (its pid is gone): the next apply removes them. */
  leftovers: string[];
  issues: DiscoverIssue[];
}

interface IgnoreLayer {
  dir: string;
  /** `dir` with a trailing separator. */
  prefix: string;
  ig: Ignore;
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function isDeclarationFile(name: string): boolean {
  return /\.d\.(ts|mts|cts)$/.test(name) || /\.d\.[^.]+\.ts$/.test(name);
}

export function discover(options: DiscoverOptions): DiscoverResult {
  return new Walk(options).run();
}

/** One discovery: the state the walk shares (what was seen, what was found) and its steps. */
class Walk {
  private readonly exts: Set<string>;
  private readonly userIgnore: ((p: string) => boolean) | null;
  private readonly roots: string[];
  private readonly realRoots: string[] = [];
  private readonly result: DiscoverResult = { files: [], missing: [], leftovers: [], issues: [] };
  private readonly seenFiles = new Set<string>();
  private readonly seenDirs = new Set<string>();
  private readonly cwdAbs: string;
  /**
   * Appending names to the root's relative path equals path.relative(cwd, child) unless the walk
   * goes back into the working directory, i.e. unless cwd lies inside the root (`..` then
   * re-entering). For such a root every path is computed with path.relative.
   */
  private exactRel = false;

  constructor(private readonly options: DiscoverOptions) {
    this.exts = new Set(options.extensions.map((e) => e.replace(/^\./, '').toLowerCase()));
    this.userIgnore = options.ignoreGlobs.length ? picomatch(options.ignoreGlobs, { dot: true }) : null;
    this.roots = options.paths.map((p) => path.resolve(options.cwd, p));
    this.cwdAbs = path.resolve(options.cwd);
    for (const r of this.roots) {
      try {
        this.realRoots.push(fs.realpathSync.native(r));
      } catch {
        /* reported as missing by run() */
      }
    }
  }

  run(): DiscoverResult {
    this.roots.forEach((abs, i) => {
      let st: fs.Stats;
      try {
        st = fs.statSync(abs);
      } catch {
        this.result.missing.push(this.options.paths[i]);
        return;
      }
      this.exactRel = this.cwdAbs !== abs && this.cwdAbs.startsWith(abs.endsWith(path.sep) ? abs : abs + path.sep);
      if (st.isDirectory()) this.walkDir(abs, this.rel(abs), this.gitLayersFor(abs));
      else if (st.isFile()) this.addFile(abs, this.rel(abs), true);
    });
    this.result.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    return this.result;
  }

  private rel(abs: string): string {
    return toPosix(path.relative(this.options.cwd, abs)) || '.';
  }

  private insideRoots(real: string): boolean {
    return this.realRoots.some((root) => real === root || real.startsWith(root + path.sep));
  }

  // Paths relative to cwd are built by appending names while walking (path.relative per file
  // was a measurable share of the walk on 20,000 files).
  private child(relDir: string, name: string, abs: string): string {
    return this.exactRel ? this.rel(abs) : relDir === '.' ? name : relDir === '/' ? '/' + name : relDir + '/' + name;
  }

  private userIgnored(relPath: string, isDir: boolean): boolean {
    if (!this.userIgnore) return false;
    return this.userIgnore(relPath) || (isDir && this.userIgnore(relPath + '/'));
  }

  private gitLayersFor(dir: string): IgnoreLayer[] {
    if (!this.options.gitignore) return [];
    // .gitignore files above the given path apply too (up to the repository root).
    const layers: IgnoreLayer[] = [];
    let d = dir;
    const chain: string[] = [];
    for (;;) {
      chain.push(d);
      if (fs.existsSync(path.join(d, '.git'))) break;
      const parent = path.dirname(d);
      if (parent === d) break;
      d = parent;
    }
    for (const c of chain.slice(1)) {
      const layer = readGitignore(c);
      // A path the user names explicitly is always walked: a .gitignore above it that ignores
      // the named folder itself is not applied (the ones inside it are).
      if (layer && !layer.ig.ignores(toPosix(path.relative(c, dir)) + '/')) layers.push(layer);
    }
    return layers;
  }

  private addFile(abs: string, relPath: string, explicit: boolean, realDir?: string): void {
    const name = path.basename(abs);
    const ext = path.extname(name).slice(1).toLowerCase();
    if (!explicit && (!this.exts.has(ext) || isDeclarationFile(name))) return;
    if (explicit && isDeclarationFile(name)) return;
    let real: string;
    if (realDir !== undefined) {
      // A plain file inside a directory whose real path is known: no system call needed.
      real = realDir + path.sep + name;
    } else {
      try {
        real = fs.realpathSync.native(abs);
      } catch {
        this.result.issues.push({ rel: relPath, ruleId: 'unreadable-file', message: 'cannot resolve the file (broken symlink?)' });
        return;
      }
    }
    if (this.seenFiles.has(real)) return;
    this.seenFiles.add(real);
    // A symlinked file is recorded (and later written) as its target, which the walk proved is
    // inside the given paths: the link stays a link and the target is edited once.
    if (realDir === undefined && real !== abs && isSymlink(abs)) this.result.files.push({ abs: real, rel: this.rel(real) });
    else this.result.files.push({ abs, rel: relPath });
  }

  /**
   * `knownReal` is the directory's real path when it is a plain (non-symlink) child of a directory
   * whose real path is known: then no realpath system call is needed.
   */
  private walkDir(dir: string, relDir: string, layers: IgnoreLayer[], knownReal?: string): void {
    const real = knownReal ?? this.realDir(dir, relDir);
    if (real === null) return;
    if (this.seenDirs.has(real)) {
      this.result.issues.push({ rel: relDir, ruleId: 'symlink-loop', message: 'directory already visited (symlink loop); skipped' });
      return;
    }
    this.seenDirs.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      this.result.issues.push({ rel: relDir, ruleId: 'unreadable-file', message: `cannot read directory: ${(err as NodeJS.ErrnoException).code ?? err}` });
      return;
    }
    // Read .gitignore only where the listing shows one (a failed read per folder cost an exception each).
    const own = this.options.gitignore && entries.some((e) => e.name === '.gitignore') ? readGitignore(dir) : null;
    const here = own ? [...layers, own] : layers;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    for (const e of entries) {
      const abs = prefix + e.name;
      this.visit(e, abs, this.child(relDir, e.name, abs), here, real);
    }
  }

  private realDir(dir: string, relDir: string): string | null {
    try {
      return fs.realpathSync.native(dir);
    } catch {
      this.result.issues.push({ rel: relDir, ruleId: 'unreadable-file', message: 'cannot resolve the directory' });
      return null;
    }
  }

  /** One directory entry: a folder to walk, a file to keep, a symlink followed only inside the given paths. */
  private visit(e: fs.Dirent, abs: string, relPath: string, here: IgnoreLayer[], parentReal: string): void {
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    const isLink = e.isSymbolicLink();
    if (isLink) {
      let target: string;
      try {
        target = fs.realpathSync.native(abs);
      } catch {
        this.result.issues.push({ rel: relPath, ruleId: 'symlink-loop', message: 'broken or looping symlink; skipped' });
        return;
      }
      if (!this.insideRoots(target)) {
        this.result.issues.push({ rel: relPath, ruleId: 'symlink-outside', message: 'symlink points outside the given paths; not followed' });
        return;
      }
      const st = fs.statSync(target);
      isDir = st.isDirectory();
      isFile = st.isFile();
    }
    if (isDir) {
      if (ALWAYS_SKIPPED_DIRS.has(e.name)) return;
      if (this.userIgnored(relPath, true) || gitIgnored(here, abs, true)) return;
      this.walkDir(abs, relPath, here, isLink ? undefined : parentReal + path.sep + e.name);
    } else if (isFile) {
      if (e.name.endsWith(TEMP_SUFFIX)) {
        if (!isLink && isStaleTemp(e.name)) this.result.leftovers.push(abs);
        return;
      }
      const ext = path.extname(e.name).slice(1).toLowerCase();
      if (!this.exts.has(ext)) return;
      if (this.userIgnored(relPath, false) || gitIgnored(here, abs, false)) return;
      this.addFile(abs, relPath, false, isLink ? undefined : parentReal);
    }
  }
}

// Every layer's folder is an ancestor of the walked path, so the path relative to it is a suffix.
function gitIgnored(layers: IgnoreLayer[], abs: string, isDir: boolean): boolean {
  for (const l of layers) {
    if (!abs.startsWith(l.prefix)) continue;
    const r = toPosix(abs.slice(l.prefix.length));
    if (!r) continue;
    if (l.ig.ignores(isDir ? r + '/' : r)) return true;
  }
  return false;
}

function isSymlink(abs: string): boolean {
  try {
    return fs.lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

function readGitignore(dir: string): IgnoreLayer | null {
  // A .gitignore that is a FIFO, socket or device is not opened (reading a FIFO blocks forever).
  const text = readRegularFile(path.join(dir, '.gitignore'));
  if (text === null) return null;
  return { dir, prefix: dir.endsWith(path.sep) ? dir : dir + path.sep, ig: ignore().add(text) };
}
