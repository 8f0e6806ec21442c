/**
 * The project's configuration files, each read and parsed at most once per run (issue 11: the
 * root tsconfig was read twice, package.json three times): package.json files (the package of a
 * file, its module type, its dependencies) and the tsconfig files that compile a file. Source files
 * are never read here. Only regular files are opened: a FIFO named package.json or tsconfig.json
 * would block the read forever.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type TsConfigResult, createFilesMatcher, parseTsconfig } from 'get-tsconfig';
import { isRegularFile, readRegularFile } from './prefilter.js';

export const TS_EXT = /\.(ts|tsx|mts|cts)$/i;

/** A tsconfig that compiles a file, with what the placement rules need from it. */
export interface Governing {
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

export type PackageJson = Record<string, unknown>;

export class ProjectFiles {
  private readonly packageOf = new Map<string, string | null>();
  private readonly packageJsons = new Map<string, PackageJson | null>();
  private readonly tsconfigCache = new Map<string, unknown>();
  private readonly governing = new Map<string, Governing[]>();
  private readonly tsconfigByDir = new Map<string, string | null>();
  private readonly siblings = new Map<string, string[]>();
  private readonly governingByPath = new Map<string, Governing | null>();
  private readonly parsed = new Map<string, TsConfigResult['config'] | null>();

  /** `discovered`: the run's files (absolute), the inputs of tsconfigs that emit without rootDir. */
  constructor(private readonly discovered: readonly string[]) {}

  /** The nearest folder at or above `dir` with a package.json (cached per folder), or null. */
  packageAt(dir: string): string | null {
    const hit = this.packageOf.get(dir);
    if (hit !== undefined) return hit;
    const parent = path.dirname(dir);
    const found = isRegularFile(path.join(dir, 'package.json')) ? dir : parent === dir ? null : this.packageAt(parent);
    this.packageOf.set(dir, found);
    return found;
  }

  /** The package.json of `dir`, parsed once; null when there is none (or not a regular file) or it does not parse. */
  packageJson(dir: string): PackageJson | null {
    if (this.packageJsons.has(dir)) return this.packageJsons.get(dir)!;
    let pkg: PackageJson | null = null;
    try {
      const text = readRegularFile(path.join(dir, 'package.json'));
      const parsed: unknown = text === null ? null : JSON.parse(text);
      // A package.json that is not an object (`null`, `42`) exists but says nothing.
      pkg = text === null ? null : parsed && typeof parsed === 'object' ? (parsed as PackageJson) : {};
    } catch {
      pkg = null; // an unparsable package.json says nothing
    }
    this.packageJsons.set(dir, pkg);
    return pkg;
  }

  /**
   * The suffix a new relative import needs in a TypeScript file of the project that has no relative
   * import to copy: from `<root>/tsconfig.json` (no suffix when it is absent or does not parse).
   */
  rootImportSuffix(root: string): '' | '.js' {
    const file = path.join(root, 'tsconfig.json');
    return isRegularFile(file) ? suffixOf(this.parsedTsconfig(file)?.compilerOptions) : '';
  }

  /** `.js` on relative imports under node16/nodenext resolution (the tsconfig that compiles the file). */
  tsImportSuffix(file: string): '' | '.js' {
    return suffixOf(this.governingOf(file)[0]?.config.config.compilerOptions);
  }

  governingAll(files: readonly string[]): Governing[] {
    const all = new Map<string, Governing>();
    for (const f of files) for (const g of this.governingOf(f)) all.set(g.config.path, g);
    return [...all.values()];
  }

  /**
   * The tsconfig files that compile `file`: the nearest tsconfig.json that includes it (as the
   * language server finds it), plus its `tsconfig.*.json` siblings that include it too (the
   * `tsconfig.build.json` a NestJS build uses, `tsconfig.app.json`...).
   */
  governingOf(file: string): Governing[] {
    const cached = this.governing.get(file);
    if (cached) return cached;
    const out: Governing[] = [];
    const nearest = this.nearestMatching(file);
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

  /**
   * The nearest tsconfig.json whose include/files match the file (a solution-style config with
   * `files: []` does not compile it: look further up). Looked up per folder, parsed once per file.
   */
  private nearestMatching(file: string): Governing | null {
    for (let dir = path.dirname(file); ; ) {
      const p = this.tsconfigIn(dir);
      if (!p) return null;
      const g = this.readGoverning(p);
      if (g?.matches(file)) return g;
      const parent = path.dirname(path.dirname(p));
      if (parent === path.dirname(p)) return null;
      dir = parent;
    }
  }

  /** Is there a tsconfig that emits (tsconfig.json or a sibling) at or above the file, inside `pkg`? */
  emittingTsconfigAbove(file: string, pkg: string): boolean {
    const p = this.tsconfigIn(path.dirname(file));
    if (!p || !isInside(p, pkg)) return false;
    return [p, ...this.siblingConfigs(path.dirname(p))].some((c) => this.readGoverning(c)?.emits);
  }

  /** The nearest tsconfig.json at or above `dir` (cached per folder), or null. */
  private tsconfigIn(dir: string): string | null {
    const hit = this.tsconfigByDir.get(dir);
    if (hit !== undefined) return hit;
    const own = path.join(dir, 'tsconfig.json');
    const parent = path.dirname(dir);
    const found = isRegularFile(own) ? own : parent === dir ? null : this.tsconfigIn(parent);
    this.tsconfigByDir.set(dir, found);
    return found;
  }

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

  /** A tsconfig with its `extends` chain (get-tsconfig: JSON with comments), parsed once; null when it does not parse. */
  private parsedTsconfig(p: string): TsConfigResult['config'] | null {
    if (this.parsed.has(p)) return this.parsed.get(p)!;
    let config: TsConfigResult['config'] | null = null;
    try {
      config = parseTsconfig(p, this.tsconfigCache as Map<string, never>);
    } catch {
      config = null;
    }
    this.parsed.set(p, config);
    return config;
  }

  private readGoverning(p: string): Governing | null {
    if (this.governingByPath.has(p)) return this.governingByPath.get(p)!;
    let g: Governing | null = null;
    try {
      const parsed = this.parsedTsconfig(p);
      if (!parsed) throw new Error('unparsable tsconfig');
      const config: TsConfigResult = { path: p, config: parsed };
      const dir = path.dirname(p);
      const co = config.config.compilerOptions ?? {};
      const matcher = createFilesMatcher(config);
      const matches = (f: string) => !!matcher(f);
      const rootDir = co.rootDir ? path.resolve(dir, co.rootDir) : co.composite ? dir : null;
      const outDir = co.outDir ? path.resolve(dir, co.outDir) : null;
      const emitsElsewhere = !co.noEmit && !!(outDir || co.declarationDir);
      const inputs = emitsElsewhere && !rootDir ? this.discovered.filter((f) => TS_EXT.test(f) && !/\.d\.[cm]?ts$/.test(f) && matches(f)) : [];
      g = { config, dir, matches, rootDir, outDir, emits: !co.noEmit, computedRoot: inputs.length ? commonDir(inputs.map((f) => path.dirname(f))) : null };
    } catch {
      // An unreadable tsconfig (a missing `extends` of a generated one, like SvelteKit's before
      // `svelte-kit sync`) gives no constraint we could check; the other rules still apply.
      g = null;
    }
    this.governingByPath.set(p, g);
    return g;
  }
}

/** `.js` under node16/nodenext module resolution, else nothing. */
export function suffixOf(co: { moduleResolution?: unknown; module?: unknown } | undefined): '' | '.js' {
  const resolution = String(co?.moduleResolution ?? co?.module ?? '').toLowerCase();
  return resolution === 'node16' || resolution === 'nodenext' ? '.js' : '';
}

export function commonDir(dirs: string[]): string {
  let common = dirs[0];
  for (const d of dirs.slice(1)) while (!isInside(d, common)) common = path.dirname(common);
  return common;
}

export function isInside(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}
