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
import { ALWAYS_SKIPPED_DIRS, toPosix } from './discover.js';
import { readRegularFile } from './prefilter.js';
import { ProjectFiles, TS_EXT, commonDir, isInside } from './project-files.js';
import { CONTEXT_EXPORTS, CONTEXT_MARKER, type ContextFlavor, DEFAULT_CONTEXT_BASENAME, contextModuleExtension } from '../transforms/lib/context-module.js';
import type { ContextTarget } from '../transforms/lib/context-target.js';

/** What one importer is told (MigrateOptions.contextModules): declared by the transform that reads it. */
export type { ContextTarget } from '../transforms/lib/context-target.js';

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
  /** The first path's folder, when the caller has it already (src/project-facts.ts); else found from firstPath. */
  firstDir?: string;
  /** `--context-module`, absolute, with or without extension; null for the default placement. */
  explicit: string | null;
  /** Discovered files (absolute): existing modules, and the inputs of tsconfigs that emit without rootDir. */
  discovered: string[];
}

/** How an importer can load a module: TypeScript, native ESM (runs as ESM in Node), or other JavaScript. */
type ImporterKind = 'ts' | 'native-esm' | 'other-js';

const FLAVORS: ContextFlavor[] = ['ts', 'mjs', 'cjs'];

export class ContextPlacer {
  /** The package.json and tsconfig files, read once per run and shared with the project facts. */
  private readonly files: ProjectFiles;

  constructor(
    private readonly options: PlacementOptions,
    files?: ProjectFiles,
  ) {
    this.files = files ?? new ProjectFiles(options.discovered);
    this.firstDir = options.firstDir ?? (isDirectory(options.firstPath) ? options.firstPath : path.dirname(options.firstPath));
  }

  /** The first path's folder, found once (candidateDirs runs per package and per round). */
  private readonly firstDir: string;

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
    const compiledByTs = new Set(files.filter((f) => kinds.get(f) !== 'ts' && this.files.governingOf(f).some((g) => g.config.config.compilerOptions?.allowJs)));
    const tsFiles = files.filter((f) => kinds.get(f) === 'ts');
    const noTscBuild = this.files.governingAll(tsFiles).every((g) => !g.emits);
    // The package's own tsconfig counts too, whether or not this run has TypeScript importers.
    const jsWithTs = (f: string) => compiledByTs.has(f) || (noTscBuild && !this.files.emittingTsconfigAbove(f, pkg));
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
        byFile[f] = { base: withoutExtension(abs), flavor, tsImportSuffix: this.files.tsImportSuffix(f), ...(ownExtension ? { ownExtension: true as const } : {}) };
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
    if (isInside(this.firstDir, pkg)) dirs.push(this.firstDir);
    for (const g of this.files.governingAll(importers)) {
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
    for (const g of this.files.governingAll(importers)) {
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
      const text = readRegularFile(abs);
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

  private nearestPackage(dir: string): string {
    // No package.json anywhere above: the folder the run started from stands for the package.
    return this.files.packageAt(dir) ?? this.options.cwd;
  }

  private readPackageJson(pkg: string): { type?: unknown } {
    // An absent or unparsable package.json says nothing about the module type: CommonJS, as Node reads it.
    return this.files.packageJson(pkg) ?? {};
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

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
