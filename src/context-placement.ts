/**
 * Where the request-context module goes, and which flavour it is, in a project of one or many
 * packages (npm/pnpm/yarn workspaces, nested packages). Part of the analysis stage: it reads
 * package.json and tsconfig files, never source files, and decides:
 *
 *  - the package of each importer: the folder of its nearest package.json. Every package gets its
 *    own module, so no import ever crosses a package boundary (a package may be published, built
 *    or deployed alone);
 *  - one flavour per package, from the importers of that package (see `packageFlavor`);
 *  - one folder per package: the first candidate that is inside the package (not inside a nested
 *    package), and, for every tsconfig that compiles an importer, inside its `rootDir`, matched by
 *    its `include`/`files`, outside its `outDir`, and inside the common folder of its inputs when
 *    it emits without a `rootDir` (else tsc would move every output file one folder down:
 *    `dist/src/main.js` instead of `dist/main.js`). A generated module that already exists in the
 *    package is reused when it is valid, so later runs (a sub-path, lint-staged) stay on it.
 *
 * An importer that cannot import its package's module (a JavaScript file in a package whose
 * module is TypeScript) is left unchanged and reported, and so is every importer of a package
 * where no folder satisfies its tsconfig files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type TsConfigResult, createFilesMatcher, parseTsconfig } from 'get-tsconfig';
import { ALWAYS_SKIPPED_DIRS, toPosix } from './discover.js';
import { isRegularFile, readRegularFile } from './prefilter.js';
import { CONTEXT_EXPORTS, CONTEXT_MARKER, type ContextFlavor, DEFAULT_CONTEXT_BASENAME, contextModuleExtension } from '../transforms/lib/context-module.js';

/** What one importer is told (MigrateOptions.contextModules): the module to import, or why it cannot. */
export type ContextTarget =
  | {
      base: string;
      flavor: ContextFlavor;
      tsImportSuffix: '' | '.js';
      /** A JavaScript file importing a TypeScript module that no tsc build compiles: import it by its own name (`.ts`). */
      ownExtension?: true;
    }
  | { blocked: 'context-module-flavour' | 'context-module-placement'; detail: string };

export interface PackageModule {
  /** The package folder (nearest package.json). */
  packageDir: string;
  /** Absolute path of the module, with its extension. */
  abs: string;
  flavor: ContextFlavor;
  /** The importers that import it. */
  importers: string[];
}

export interface Placement {
  byFile: Record<string, ContextTarget>;
  modules: PackageModule[];
  /** A run error (an explicit --context-module that breaks the rules), one line. */
  error?: string;
}

export interface PlacementOptions {
  cwd: string;
  /** The first path argument (absolute): a folder inside a package is the first candidate there. */
  firstPath: string;
  /** `--context-module`, absolute, with or without extension; null for the default placement. */
  explicit: string | null;
  /** Discovered files (absolute): existing modules, and the inputs of tsconfigs that emit without rootDir. */
  discovered: string[];
}

/** How an importer can load a module: TypeScript, native ESM (runs as ESM in Node), or other JavaScript. */
type ImporterKind = 'ts' | 'native-esm' | 'other-js';

const TS_EXT = /\.(ts|tsx|mts|cts)$/i;
const FLAVORS: ContextFlavor[] = ['ts', 'mjs', 'cjs'];

interface Governing {
  config: TsConfigResult;
  dir: string;
  matches: (file: string) => boolean;
  rootDir: string | null;
  outDir: string | null;
  /** Writes JavaScript (not noEmit): a build that a module outside its files would break. */
  emits: boolean;
  /** Common folder of the program's inputs, when it emits without rootDir (tsc's computed root). */
  computedRoot: string | null;
}

export class ContextPlacer {
  private readonly packageOf = new Map<string, string | null>();
  private readonly packageJson = new Map<string, { type?: string }>();
  private readonly tsconfigCache = new Map<string, unknown>();
  private readonly governing = new Map<string, Governing[]>();

  constructor(private readonly options: PlacementOptions) {}

  /** Decides the module of every package that holds one of `importers` (absolute paths). */
  place(importers: string[]): Placement {
    const byPackage = new Map<string, string[]>();
    for (const f of [...new Set(importers)].sort()) {
      const pkg = this.nearestPackage(path.dirname(f));
      const list = byPackage.get(pkg);
      if (list) list.push(f);
      else byPackage.set(pkg, [f]);
    }
    const out: Placement = { byFile: {}, modules: [] };
    if (this.options.explicit && byPackage.size > 1) {
      const [a, b] = [...byPackage.keys()];
      const own = this.nearestPackage(path.dirname(this.options.explicit));
      const other = own === a ? b : a;
      out.error = `--context-module ${this.rel(this.options.explicit)} is in package ${this.rel(own) || '.'}, but ${this.rel(byPackage.get(other)![0])} (package ${this.rel(other) || '.'}) needs a module too: a workspace gets one module per package, so omit --context-module or run once per package`;
      return out;
    }
    for (const [pkg, files] of byPackage) {
      const r = this.placePackage(pkg, files);
      if ('error' in r) {
        out.error = r.error;
        return out;
      }
      Object.assign(out.byFile, r.byFile);
      if (r.module) out.modules.push(r.module);
    }
    return out;
  }

  private placePackage(pkg: string, files: string[]): { byFile: Record<string, ContextTarget>; module?: PackageModule } | { error: string } {
    const kinds = new Map(files.map((f) => [f, this.kindOf(f, pkg)]));
    const existing = this.existingModules(pkg, files);
    const byFile: Record<string, ContextTarget> = {};
    // JavaScript next to TypeScript can import a .ts module when a tsconfig compiles it with the
    // TypeScript files (allowJs), or when no tsconfig emits the TypeScript files: then a TS-aware
    // runtime or bundler (tsx, Bun, Vite, Next...) runs them, and it runs the JavaScript too.
    const compiledByTs = new Set(files.filter((f) => kinds.get(f) !== 'ts' && this.governingOf(f).some((g) => g.config.config.compilerOptions?.allowJs)));
    const tsFiles = files.filter((f) => kinds.get(f) === 'ts');
    const noTscBuild = this.governingAll(tsFiles).every((g) => !g.emits);
    // The package's own tsconfig counts too, whether or not this run has TypeScript importers.
    const jsWithTs = (f: string) => compiledByTs.has(f) || (noTscBuild && !this.emittingTsconfigAbove(f, pkg));
    const usable = (flavor: ContextFlavor) => files.filter((f) => canImport(kinds.get(f)!, flavor) || (flavor === 'ts' && jsWithTs(f)));

    let abs: string | null = null;
    let flavor: ContextFlavor;
    if (this.options.explicit) {
      // The extension of an explicit path is ignored, as before workspaces: the importers decide the flavour.
      flavor = packageFlavor([...kinds.values()]);
      abs = withoutExtension(this.options.explicit) + contextModuleExtension(flavor);
      if (this.nearestPackage(path.dirname(abs)) !== pkg) {
        return { error: `--context-module ${this.rel(abs)} is outside package ${this.rel(pkg) || '.'} of ${this.rel(files[0])}: no import may cross a package boundary` };
      }
      const broken = this.violation(abs, usable(flavor));
      if (broken) return { error: `--context-module ${this.rel(abs)}: ${broken}` };
    } else {
      // A module generated earlier wins when it is still valid: one module per package, across runs.
      // Even when none of this run's importers can load it (they are then reported): a second
      // flavour would split the package's request store.
      const valid = existing.filter((e) => !this.violation(e.abs, usable(e.flavor)));
      const reuse = valid.find((e) => usable(e.flavor).length) ?? valid[0];
      flavor = reuse?.flavor ?? packageFlavor([...kinds.values()]);
      abs = reuse?.abs ?? null;
      if (!abs) {
        const ext = contextModuleExtension(flavor);
        const importing = usable(flavor);
        for (const dir of this.candidateDirs(pkg, importing)) {
          const candidate = path.join(dir, DEFAULT_CONTEXT_BASENAME + ext);
          // A file of that name that is not ours is never overwritten: the run stops with context-module-conflict.
          if (this.nearestPackage(dir) === pkg && !this.violation(candidate, importing)) {
            abs = candidate;
            break;
          }
        }
      }
      if (!abs) {
        // No folder of the package satisfies its tsconfig files: leave the package unchanged.
        const detail = `no folder of package ${this.rel(pkg) || '.'} is inside the rootDir and include of every tsconfig that compiles its migrated files`;
        for (const f of files) byFile[f] = { blocked: 'context-module-placement', detail };
        return { byFile };
      }
    }
    const importing = usable(flavor);
    const importingSet = new Set(importing);
    for (const f of files) {
      if (importingSet.has(f)) {
        const ownExtension = flavor === 'ts' && kinds.get(f) !== 'ts' && !compiledByTs.has(f);
        byFile[f] = { base: withoutExtension(abs), flavor, tsImportSuffix: this.tsImportSuffix(f), ...(ownExtension ? { ownExtension: true as const } : {}) };
      } else {
        // A JavaScript importer that no tsconfig compiles cannot load a TypeScript module at run time
        // (and TypeScript has no types for a JavaScript one); a second module would split the
        // package's request store.
        byFile[f] = { blocked: 'context-module-flavour', detail: `the context module of package ${this.rel(pkg) || '.'} is ${this.rel(abs)} (${flavorName(flavor)}), which this ${kindName(kinds.get(f)!)} file cannot import` };
      }
    }
    return { byFile, module: importing.length ? { packageDir: pkg, abs, flavor, importers: importing } : undefined };
  }

  /**
   * Folders to try, in order: the first path (the pre-workspace default), each tsconfig's rootDir and
   * include folders, the package root, its src/, and the common folder of the importers.
   */
  private candidateDirs(pkg: string, importers: string[]): string[] {
    const dirs: string[] = [];
    const first = this.options.firstPath;
    const firstDir = isDirectory(first) ? first : path.dirname(first);
    if (isInside(firstDir, pkg)) dirs.push(firstDir);
    for (const g of this.governingAll(importers)) {
      if (g.rootDir) dirs.push(g.rootDir);
      for (const inc of (g.config.config.include ?? []) as string[]) dirs.push(path.resolve(g.dir, staticPrefix(inc)));
      if (g.computedRoot) dirs.push(g.computedRoot);
    }
    dirs.push(pkg);
    if (isDirectory(path.join(pkg, 'src'))) dirs.push(path.join(pkg, 'src'));
    if (importers.length) dirs.push(commonDir(importers.map((f) => path.dirname(f))));
    // Never node_modules, dist or another output folder of the package.
    return [...new Set(dirs)].filter((d) => isInside(d, pkg) && !path.relative(pkg, d).split(path.sep).some((part) => ALWAYS_SKIPPED_DIRS.has(part)));
  }

  /** Why `abs` cannot be the module of `importers` (a tsconfig that compiles one of them would break), or null. */
  private violation(abs: string, importers: string[]): string | null {
    const isTs = TS_EXT.test(abs);
    for (const g of this.governingAll(importers)) {
      // A JavaScript module only matters to a tsconfig that compiles JavaScript.
      if (!isTs && !g.config.config.compilerOptions?.allowJs) continue;
      const cfg = this.rel(g.config.path);
      if (g.rootDir && !isInside(abs, g.rootDir)) return `outside rootDir ${this.rel(g.rootDir) || '.'} of ${cfg}`;
      if (g.outDir && isInside(abs, g.outDir)) return `inside outDir ${this.rel(g.outDir)} of ${cfg}`;
      if (!g.matches(abs)) return `not matched by the include/files of ${cfg}`;
      if (g.computedRoot && !isInside(abs, g.computedRoot)) return `outside ${this.rel(g.computedRoot) || '.'}, the common folder of the files ${cfg} compiles: tsc would move its output one folder down`;
    }
    return null;
  }

  /** Generated modules already in the package: in the candidate folders, or among the discovered files. */
  private existingModules(pkg: string, importers: string[]): { abs: string; flavor: ContextFlavor }[] {
    const seen = new Set<string>();
    const out: { abs: string; flavor: ContextFlavor }[] = [];
    const consider = (abs: string) => {
      if (seen.has(abs)) return;
      seen.add(abs);
      const flavor = FLAVORS.find((fl) => abs.endsWith(DEFAULT_CONTEXT_BASENAME + contextModuleExtension(fl)));
      if (!flavor || this.nearestPackage(path.dirname(abs)) !== pkg) return;
      const text = readText(abs);
      if (text !== null && (text.includes(CONTEXT_MARKER) || Object.values(CONTEXT_EXPORTS).every((n) => text.includes(n)))) out.push({ abs, flavor });
    };
    for (const dir of this.candidateDirs(pkg, importers)) for (const fl of FLAVORS) consider(path.join(dir, DEFAULT_CONTEXT_BASENAME + contextModuleExtension(fl)));
    for (const f of this.options.discovered) if (f.includes(DEFAULT_CONTEXT_BASENAME) && path.basename(f).startsWith(DEFAULT_CONTEXT_BASENAME + '.') && isInside(f, pkg)) consider(f);
    return out;
  }

  private kindOf(file: string, pkg: string): ImporterKind {
    if (TS_EXT.test(file)) return 'ts';
    if (/\.mjs$/i.test(file)) return 'native-esm';
    if (/\.cjs$/i.test(file)) return 'other-js';
    // A .js file runs as ESM only in a "type": "module" package. Elsewhere it is CommonJS, or ESM
    // syntax that a bundler or Babel turns into require(): both load a .cjs module, not always an .mjs one.
    return this.readPackageJson(pkg).type === 'module' ? 'native-esm' : 'other-js';
  }

  /** `.js` on relative imports under node16/nodenext resolution (the tsconfig that compiles the file). */
  private tsImportSuffix(file: string): '' | '.js' {
    const g = this.governingOf(file)[0];
    const co = g?.config.config.compilerOptions;
    const resolution = String(co?.moduleResolution ?? co?.module ?? '').toLowerCase();
    return resolution === 'node16' || resolution === 'nodenext' ? '.js' : '';
  }

  private governingAll(files: string[]): Governing[] {
    const all = new Map<string, Governing>();
    for (const f of files) for (const g of this.governingOf(f)) all.set(g.config.path, g);
    return [...all.values()];
  }

  /**
   * The tsconfig files that compile `file`: the nearest tsconfig.json that includes it (as the
   * language server finds it), plus its `tsconfig.*.json` siblings that include it too (the
   * `tsconfig.build.json` a NestJS build uses, `tsconfig.app.json`...).
   */
  private governingOf(file: string): Governing[] {
    const cached = this.governing.get(file);
    if (cached) return cached;
    const out: Governing[] = [];
    // The nearest tsconfig.json whose include/files match the file (a solution-style config with
    // `files: []` does not compile it: look further up). Looked up per folder, parsed once per file.
    let nearest: Governing | null = null;
    for (let dir = path.dirname(file); ; ) {
      const p = this.tsconfigIn(dir);
      if (!p) break;
      const g = this.readGoverning(p);
      if (g?.matches(file)) {
        nearest = g;
        break;
      }
      const parent = path.dirname(path.dirname(p));
      if (parent === path.dirname(p)) break;
      dir = parent;
    }
    if (nearest) {
      out.push(nearest);
      for (const n of this.siblingConfigs(nearest.dir)) {
        const g = this.readGoverning(n);
        if (g?.matches(file)) out.push(g);
      }
    }
    this.governing.set(file, out);
    return out;
  }

  /** Is there a tsconfig that emits (tsconfig.json or a sibling) at or above the file, inside its package? */
  private emittingTsconfigAbove(file: string, pkg: string): boolean {
    const p = this.tsconfigIn(path.dirname(file));
    if (!p || !isInside(p, pkg)) return false;
    return [p, ...this.siblingConfigs(path.dirname(p))].some((c) => this.readGoverning(c)?.emits);
  }

  private readonly tsconfigByDir = new Map<string, string | null>();

  /** The nearest tsconfig.json at or above `dir` (cached per folder), or null. */
  private tsconfigIn(dir: string): string | null {
    const hit = this.tsconfigByDir.get(dir);
    if (hit !== undefined) return hit;
    const own = path.join(dir, 'tsconfig.json');
    const parent = path.dirname(dir);
    // A regular file only: a FIFO named tsconfig.json would block get-tsconfig's read forever.
    const found = isRegularFile(own) ? own : parent === dir ? null : this.tsconfigIn(parent);
    this.tsconfigByDir.set(dir, found);
    return found;
  }

  private readonly siblings = new Map<string, string[]>();

  /** `tsconfig.*.json` next to a tsconfig.json: the `tsconfig.build.json` a NestJS build uses, `tsconfig.app.json`... */
  private siblingConfigs(dir: string): string[] {
    let s = this.siblings.get(dir);
    if (!s) {
      s = safeReaddir(dir)
        .filter((n) => /^tsconfig\..+\.json$/.test(n))
        .map((n) => path.join(dir, n))
        .filter(isRegularFile);
      this.siblings.set(dir, s);
    }
    return s;
  }

  private readonly governingByPath = new Map<string, Governing | null>();

  private readGoverning(p: string): Governing | null {
    if (this.governingByPath.has(p)) return this.governingByPath.get(p)!;
    let g: Governing | null = null;
    try {
      const config: TsConfigResult = { path: p, config: parseTsconfig(p, this.tsconfigCache as Map<string, never>) };
      const dir = path.dirname(p);
      const co = config.config.compilerOptions ?? {};
      const matcher = createFilesMatcher(config);
      const matches = (f: string) => !!matcher(f);
      const rootDir = co.rootDir ? path.resolve(dir, co.rootDir) : co.composite ? dir : null;
      const outDir = co.outDir ? path.resolve(dir, co.outDir) : null;
      const emitsElsewhere = !co.noEmit && !!(outDir || co.declarationDir);
      const inputs = emitsElsewhere && !rootDir ? this.options.discovered.filter((f) => TS_EXT.test(f) && !/\.d\.[cm]?ts$/.test(f) && matches(f)) : [];
      g = { config, dir, matches, rootDir, outDir, emits: !co.noEmit, computedRoot: inputs.length ? commonDir(inputs.map((f) => path.dirname(f))) : null };
    } catch {
      // An unreadable tsconfig (a missing `extends` of a generated one, like SvelteKit's before
      // `svelte-kit sync`) gives no constraint we could check; the other rules still apply.
      g = null;
    }
    this.governingByPath.set(p, g);
    return g;
  }

  private nearestPackage(dir: string): string {
    // No package.json anywhere above: the folder the run started from stands for the package.
    return this.packageAt(dir) ?? this.options.cwd;
  }

  /** The nearest folder at or above `dir` with a package.json (cached per folder), or null. */
  private packageAt(dir: string): string | null {
    const hit = this.packageOf.get(dir);
    if (hit !== undefined) return hit;
    const parent = path.dirname(dir);
    // A regular file only: a FIFO named package.json is never opened (it would block the read).
    const found = isRegularFile(path.join(dir, 'package.json')) ? dir : parent === dir ? null : this.packageAt(parent);
    this.packageOf.set(dir, found);
    return found;
  }

  private readPackageJson(pkg: string): { type?: string } {
    let p = this.packageJson.get(pkg);
    if (!p) {
      try {
        p = JSON.parse(readText(path.join(pkg, 'package.json')) ?? '{}') as { type?: string };
      } catch {
        p = {}; // an unparsable package.json says nothing about the module type: CommonJS, as Node reads it
      }
      this.packageJson.set(pkg, p);
    }
    return p;
  }

  private rel(abs: string): string {
    return toPosix(path.relative(this.options.cwd, abs));
  }
}

/**
 * The package's flavour: TypeScript when any importer is TypeScript (the package is built or run by
 * a TypeScript tool); an .mjs module when every importer runs as native ESM; otherwise a .cjs
 * module, which CommonJS `require()`, ESM `import` and bundlers all load.
 */
function packageFlavor(kinds: ImporterKind[]): ContextFlavor {
  if (kinds.includes('ts')) return 'ts';
  return kinds.every((k) => k === 'native-esm') ? 'mjs' : 'cjs';
}

function canImport(kind: ImporterKind, flavor: ContextFlavor): boolean {
  if (flavor === 'ts') return kind === 'ts';
  if (flavor === 'mjs') return kind === 'native-esm';
  return kind !== 'ts';
}

function withoutExtension(abs: string): string {
  return abs.replace(/\.(ts|mts|cts|js|mjs|cjs)$/, '');
}

function flavorName(flavor: ContextFlavor): string {
  return flavor === 'ts' ? 'TypeScript' : flavor === 'mjs' ? 'an ES module' : 'CommonJS';
}

function kindName(kind: ImporterKind): string {
  return kind === 'ts' ? 'TypeScript' : 'JavaScript';
}

/** The folder part of an include pattern before its first wildcard (`src/**\/*.ts` -> `src`). */
function staticPrefix(pattern: string): string {
  const parts = pattern.split(/[\\/]/);
  const fixed: string[] = [];
  for (const part of parts) {
    if (/[*?{[]/.test(part)) break;
    fixed.push(part);
  }
  // `src` (a folder) or `src/main.ts` (a file): a file name's folder is the prefix.
  const joined = fixed.join('/');
  return fixed.length === parts.length && path.extname(joined) ? path.dirname(joined) : joined || '.';
}

function commonDir(dirs: string[]): string {
  let common = dirs[0];
  for (const d of dirs.slice(1)) while (!isInside(d, common)) common = path.dirname(common);
  return common;
}

function isInside(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Never blocks: special files (a FIFO named package.json) read as absent. */
function readText(abs: string): string | null {
  return readRegularFile(abs);
}
