/**
 * Stage 3, project facts: what the transform needs to know about the project and a single file
 * cannot tell, computed once per run in this one place (issue 11: the first path was resolved three
 * times, the root tsconfig read twice).
 *
 * - {@link pathFacts}, before discovery (the journal and git need the folder): the first path, the
 *   project root, the git folder and the explicit --context-module path;
 * - {@link parseFacts}, only when a file needs parsing (a tree with nothing to migrate never pays
 *   for it): the relative-import suffix of the root tsconfig, alova's major and installed version,
 *   the classifier's facts and the context placement, all from one {@link ProjectFiles} cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ProjectFacts } from '../transforms/lib/classify.js';
import { classifierFacts } from './classifier-facts.js';
import { readRegularFile } from './prefilter.js';
import { ProjectFiles } from './project-files.js';

export interface PathFacts {
  cwd: string;
  /** The first path argument, absolute. */
  firstPath: string;
  /** The first path's folder (itself when it is a folder); null when it cannot be stat'ed. */
  firstDir: string | null;
  /** The nearest folder with a package.json above the first path (ids in generated code are relative to it). */
  root: string;
  /** The folder git is asked about: the first path's folder (the user may run from outside the repo). */
  gitFolder: string;
  /** `--context-module`, absolute (with or without extension), or null. */
  explicitContext: string | null;
}

export function pathFacts(options: { cwd: string; paths: readonly string[]; contextModule: string | null }): PathFacts {
  const { cwd } = options;
  const firstPath = path.resolve(cwd, options.paths[0] ?? '.');
  let firstDir: string | null;
  try {
    firstDir = fs.statSync(firstPath).isDirectory() ? firstPath : path.dirname(firstPath);
  } catch {
    firstDir = null;
  }
  return {
    cwd,
    firstPath,
    firstDir,
    root: firstDir === null ? cwd : packageRoot(firstDir, cwd),
    gitFolder: firstDir ?? cwd,
    explicitContext: options.contextModule ? path.resolve(cwd, options.contextModule) : null,
  };
}

/** The nearest folder at or above `dir` with a package.json; `fallback` when there is none. */
function packageRoot(dir: string, fallback: string): string {
  for (let d = dir; ; ) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    const parent = path.dirname(d);
    if (parent === d) return fallback;
    d = parent;
  }
}

export interface ParseFacts {
  /** package.json and tsconfig files, each read once; the context placement uses the same cache. */
  files: ProjectFiles;
  tsImportSuffix: '' | '.js';
  /** From the project's package.json dependencies; undefined when it gives no hint. */
  alovaMajor: 2 | 3 | undefined;
  /** The alova version installed in the project (node_modules), when there is one. */
  alovaVersion: string | undefined;
  classify: ProjectFacts;
}

export function parseFacts(
  facts: PathFacts,
  run: { candidates: { abs: string; text: string }[]; readable: { abs: string }[]; discovered: string[]; assumeServer: boolean },
): ParseFacts {
  const files = new ProjectFiles(run.discovered);
  return {
    files,
    tsImportSuffix: files.rootImportSuffix(facts.root),
    alovaMajor: detectAlovaMajor(files.packageJson(facts.root)),
    alovaVersion: installedAlovaVersion(facts.root),
    classify: classifierFacts(facts.root, run.candidates, run.readable, run.assumeServer, files),
  };
}

function installedAlovaVersion(root: string): string | undefined {
  const text = readRegularFile(path.join(root, 'node_modules', 'alova', 'package.json'));
  if (!text) return undefined;
  try {
    return (JSON.parse(text) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** alova's major version from the project's package.json (dependencies), when the code gives no hint. */
function detectAlovaMajor(pkg: Record<string, unknown> | null): 2 | 3 | undefined {
  const deps = (key: string) => pkg?.[key] as Record<string, string> | undefined;
  const range = deps('dependencies')?.alova ?? deps('devDependencies')?.alova ?? deps('peerDependencies')?.alova;
  const m = typeof range === 'string' ? /(\d+)/.exec(range.replace(/^npm:alova@/, '')) : null;
  if (m?.[1] === '2') return 2;
  if (m?.[1] === '3') return 3;
  return undefined;
}
