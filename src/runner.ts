/**
 * The pipeline, in order: discover -> pre-filter -> analyse -> transform (+ verify) -> write ->
 * report. Data flows one way; each stage is its own module. The runner returns a RunReport (the
 * records) plus nothing else: printing and the process exit code belong to the CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { EditRecord, FileRecord, Mode, ReviewItem, RunReport, Summary } from './records.js';
import { SCHEMA_VERSION } from './records.js';
import { type DiscoveredFile, discover, toPosix } from './discover.js';
import { readIfMentions, readRegularFile, MAX_FILE_BYTES } from './prefilter.js';
import type { TransformOutcome } from './transform.js';
import type { SourceFile } from './transform.js';
import { WorkerPool, poolSize } from './pool.js';
import { type Interrupt, type WriteTarget, JOURNAL_NAME, plan, recoverJournal, writeAll } from './write.js';
import { changedSince, workTreeStatus } from './git.js';
import { withExit } from './exit-code.js';
import { CONTEXT_EXPORTS, CONTEXT_MARKER, renderContextModule } from '../transforms/lib/context-module.js';
import { ContextPlacer, type Placement } from './context-placement.js';
import { ruleDocsUrl, rules } from '../transforms/lib/rules.js';
import type { CacheMode, MigrateOptions } from '../transforms/ssr-singleton.js';

/** Our own version, from the nearest package.json above this module (dist/src or src). */
export const VERSION: string = (() => {
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'alova-ssr-migrate' && pkg.version) return pkg.version;
    } catch {
      /* keep looking upwards */
    }
    d = path.dirname(d);
  }
  return '0.0.0';
})();

export interface RunOptions {
  paths: string[];
  cwd: string;
  mode: Mode;
  extensions: string[];
  ignore: string[];
  gitignore: boolean;
  allowDirty: boolean;
  cache: CacheMode;
  /** A path (with or without extension) for the generated context module. */
  contextModule: string | null;
  alovaMajor?: 2 | 3;
  changedSince?: string;
  /** Migrate factories with no evidence either way (docs/what-is-left-alone.md). */
  assumeServer?: boolean;
  /** Worker threads (`--workers`); undefined: ALOVA_SSR_MIGRATE_WORKERS, else chosen from cores and files. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
  /** Called with each verified output the run would write (`--print`), before anything is written. */
  onOutput?: (file: FileRecord, output: string) => void;
  /** Set by the CLI's signal handlers; the write stage stops (or completes its commit) on it. */
  interrupt?: Interrupt;
  /**
   * Files the caller writes after the run (--output-file, --write-baseline): checked with the
   * run's own outputs before anything is written, so a bad path fails the run up front.
   */
  reportTargets?: string[];
}

interface Planned {
  record: FileRecord;
  abs: string;
  output?: string;
  before?: string | null;
  mode?: number;
  /** The file defines a factory: written after the files that only call factories. */
  definesFactory?: boolean;
}

export async function run(options: RunOptions): Promise<RunReport> {
  const t0 = performance.now();
  const errors: RunReport['errors'] = [];
  const notes: string[] = [];
  const planned: Planned[] = [];
  const timings = { discoverMs: 0, prefilterMs: 0, analyseMs: 0, transformMs: 0, writeMs: 0, totalMs: 0 };
  const explicitContext = options.contextModule ? path.resolve(options.cwd, options.contextModule) : null;
  const rel = (abs: string) => toPosix(path.relative(options.cwd, abs));

  const finish = (): RunReport => {
    timings.totalMs = performance.now() - t0;
    const files = planned.map((p) => p.record);
    return withExit({
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'alova-ssr-migrate', version: VERSION },
      mode: options.mode,
      options: { cache: options.cache, paths: options.paths, contextModule: explicitContext ? toPosix(path.relative(options.cwd, explicitContext)) : null },
      files,
      summary: summarise(files, timings),
      errors,
      notes,
    });
  };

  // --- an earlier run killed during its commit: complete it first ---------------------------------
  const journalFile = path.join(gitFolder(options), JOURNAL_NAME);
  if (fs.existsSync(journalFile)) {
    if (options.mode !== 'apply') {
      // Never a silent pass: the tree may be half-written until an apply completes the commit.
      errors.push({ ruleId: 'interrupted-run', message: `${rel(journalFile)}: an earlier run was killed while writing; run the tool without --check/--dry to complete its commit` });
      return finish();
    }
    const recovered = recoverJournal(journalFile, rel);
    if (recovered.error) {
      errors.push({ ruleId: 'interrupted-run', message: recovered.error });
      return finish();
    }
    notes.push(...recovered.notes);
  }

  // --- guard: never write over uncommitted work ------------------------------------------------
  if (options.mode === 'apply' && !options.allowDirty) {
    const st = workTreeStatus(options.paths.map((p) => path.resolve(options.cwd, p)));
    if (st.kind === 'error') {
      errors.push({ ruleId: st.ruleId, message: st.message });
      return finish();
    }
    if (st.kind === 'dirty') {
      errors.push({
        ruleId: 'dirty-work-tree',
        message: `refusing to write: ${st.files.length} uncommitted change(s) under the given paths (first: ${st.files[0]}). Commit or stash them, preview with --dry, or pass --allow-dirty.`,
      });
      return finish();
    }
    if (st.kind === 'no-git') notes.push(`${st.reason}: the dirty-tree guard was skipped`);
  }

  // --- 1. discover ----------------------------------------------------------------------------
  let t = performance.now();
  const found = discover({
    paths: options.paths,
    cwd: options.cwd,
    extensions: options.extensions,
    ignoreGlobs: options.ignore,
    gitignore: options.gitignore,
  });
  for (const m of found.missing) errors.push({ ruleId: 'path-not-found', message: `path not found: ${m}` });
  if (errors.length) return finish();
  for (const issue of found.issues) {
    if (issue.ruleId === 'unreadable-file' && issue.message.startsWith('cannot read directory')) {
      // A folder the tool cannot list may hold a factory or a caller: the run cannot pass.
      planned.push({ abs: path.resolve(options.cwd, issue.rel), record: { ...fileRecord(issue.rel, 'failed'), reasonRuleId: 'unreadable-file', reason: issue.message } });
    } else notes.push(`${issue.rel}: ${issue.message}`);
  }
  if (found.leftovers.length) {
    const names = found.leftovers.map(rel);
    if (options.mode === 'apply') {
      for (const f of found.leftovers) fs.rmSync(f, { force: true });
      notes.push(`removed ${names.length} temp file(s) left by a run that was killed: ${names.join(', ')}`);
    } else notes.push(`${names.length} temp file(s) left by a run that was killed (an apply run removes them): ${names.join(', ')}`);
  }
  let files = found.files;
  if (options.changedSince) {
    const changed = changedSince(gitFolder(options), options.changedSince);
    if (!changed.ok) {
      errors.push({ ruleId: 'changed-since', message: changed.error });
      return finish();
    }
    const set = new Set(changed.files.map((f) => safeRealpath(f)));
    files = files.filter((f) => set.has(safeRealpath(f.abs)));
    notes.push(`--changed-since ${options.changedSince}: ${files.length} of ${found.files.length} files selected`);
  }
  timings.discoverMs = performance.now() - t;

  // --- 2. pre-filter by text ------------------------------------------------------------------
  t = performance.now();
  const candidates: SourceFile[] = [];
  const readable: DiscoveredFile[] = [];
  let read = 0;
  for (const f of files) {
    options.onProgress?.(++read, files.length);
    const r = readIfMentions(f.abs, ['createAlova']);
    switch (r.kind) {
      case 'no-match':
        readable.push(f);
        break;
      // A file the tool cannot read or decode FAILS when it could matter (it mentions alova, or it
      // cannot be read at all): --check must never pass over it.
      case 'too-large':
        if (r.mentions) {
          planned.push({
            abs: f.abs,
            record: { ...fileRecord(f.rel, 'failed'), reasonRuleId: 'file-too-large', reason: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB (${r.size} bytes) and mentions createAlova; not parsed` },
          });
        } else {
          planned.push({
            abs: f.abs,
            record: { ...fileRecord(f.rel, 'skipped'), reasonRuleId: 'file-too-large', reason: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB (${r.size} bytes); not parsed (it does not mention createAlova)` },
          });
        }
        break;
      case 'binary':
        planned.push({ abs: f.abs, record: { ...fileRecord(f.rel, 'failed'), reasonRuleId: 'binary-file', reason: 'mentions createAlova but contains NUL bytes (binary); not parsed' } });
        break;
      case 'bad-encoding':
        planned.push({ abs: f.abs, record: encodingRecord(f.rel, r) });
        break;
      case 'unreadable':
        planned.push({ abs: f.abs, record: { ...fileRecord(f.rel, 'failed'), reasonRuleId: 'unreadable-file', reason: `cannot read the file (${r.code})` } });
        break;
      case 'match':
        candidates.push({ abs: f.abs, rel: f.rel, text: r.text, mode: r.mode });
        readable.push(f);
        break;
    }
  }
  timings.prefilterMs = performance.now() - t;

  // --- 3. prepare: what the transforms need to know about the project ---------------------------
  // Each factory is migrated inside its own module and keeps its signature and return API, so no
  // other file is read, indexed or changed: a run over part of a project is as safe as a whole run.
  t = performance.now();
  const projectRoot = findProjectRoot(options);
  // The worker pool starts when enough files need parsing.
  let pool: WorkerPool | null = null;
  const poolFor = (files: number): WorkerPool | null => {
    if (pool) return pool;
    const size = poolSize(files, options.workers);
    if (size > 0) pool = new WorkerPool(size);
    if (size > 0 && process.env.ALOVA_SSR_MIGRATE_DEBUG) process.stderr.write(`worker pool: ${size} worker thread(s)\n`);
    return pool;
  };
  try {
    return await runStages();
  } finally {
    await (pool as WorkerPool | null)?.close();
  }

  async function runStages(): Promise<RunReport> {
  // Babel, jscodeshift and the transforms load only when some file needs parsing: a tree with
  // nothing to migrate (the usual CI run after a migration) costs a walk and a read.
  const needParse = candidates.length > 0;
  const { transformFile, relativeImportSuffix } = needParse ? await import('./transform.js') : ({} as typeof import('./transform.js'));
  const { unifiedDiff } = needParse ? await import('./diff.js') : ({} as typeof import('./diff.js'));
  const candidateSet = new Set(candidates.map((f) => f.abs));
  for (const f of readable) if (!candidateSet.has(f.abs)) planned.push({ abs: f.abs, record: fileRecord(f.rel, 'not-applicable') });
  // Where each package's context module goes; first from the files that may import it, settled
  // below from the files that do.
  const placer = new ContextPlacer({ cwd: options.cwd, firstPath: path.resolve(options.cwd, options.paths[0] ?? '.'), explicit: explicitContext, discovered: found.files.map((f) => f.abs) });
  let placement: Placement = placer.place(candidates.map((f) => f.abs));
  const migrateOptions: MigrateOptions = {
    cache: options.cache,
    root: projectRoot,
    contextModule: explicitContext?.replace(/\.(ts|mts|cts|js|mjs|cjs)$/, ''),
    contextModules: placement.byFile,
    alovaMajor: options.alovaMajor ?? detectAlovaMajor(projectRoot),
    tsImportSuffix: needParse ? relativeImportSuffix(projectRoot) : '',
    alovaVersion: needParse ? installedAlovaVersion(projectRoot) : undefined,
    // Classification hook: facts for transforms/lib/classify.ts (what is per-request server code).
    project: needParse ? (await import('./project-facts.js')).projectFacts(projectRoot, candidates, readable, options.assumeServer === true) : undefined,
  };
  timings.analyseMs = performance.now() - t;

  // --- 4 + 5. transform and verify ---------------------------------------------------------------
  t = performance.now();
  const verify = options.mode !== 'check';
  const transformMany = async (list: SourceFile[]): Promise<TransformOutcome[]> => {
    const p = poolFor(list.length);
    if (!p) return list.map((c) => transformFile(c, migrateOptions, { verify }));
    await p.broadcast({ kind: 'setOptions', options: migrateOptions });
    return p.map(
      list,
      (c) => ({ kind: 'transform', abs: c.abs, rel: c.rel, text: c.text, verify }),
      (c) => transformFile(c, migrateOptions, { verify }),
    );
  };
  const sorted = [...candidates].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const results = sorted.length ? await transformMany(sorted) : [];
  const outcomes = new Map<string, TransformOutcome>();
  sorted.forEach((c, i) => {
    outcomes.set(c.abs, results[i]);
    options.onProgress?.(i + 1, sorted.length);
  });
  // Settle the placement on the files that import the module (or would, but for the placement).
  for (let round = 0; round < 3 && !placement.error; round++) {
    const importers = sorted.filter((c) => importsContext(outcomes.get(c.abs)));
    const next = placer.place(importers.map((c) => c.abs));
    const redo = next.error ? [] : importers.filter((c) => JSON.stringify(next.byFile[c.abs]) !== JSON.stringify(placement.byFile[c.abs]));
    placement = next;
    if (!redo.length) break;
    migrateOptions.contextModules = placement.byFile;
    const again = await transformMany(redo);
    redo.forEach((c, i) => outcomes.set(c.abs, again[i]));
  }
  if (placement.error) errors.push({ ruleId: 'context-module-placement', message: placement.error });
  for (const c of sorted) {
    const outcome = outcomes.get(c.abs)!;
    if (outcome.kind === 'failed') {
      planned.push({ abs: c.abs, record: { ...fileRecord(c.rel, 'failed'), reasonRuleId: outcome.ruleId, reason: outcome.reason } });
      continue;
    }
    const record = fileRecord(c.rel, outcome.output === null ? 'unchanged' : options.mode === 'apply' ? 'changed' : 'would-change');
    record.edits = outcome.output === null ? [] : outcome.edits;
    record.items = outcome.items;
    record.leftAlone = outcome.leftAlone;
    record.factoriesMigrated = outcome.output === null ? 0 : outcome.factoriesMigrated;
    if (outcome.output !== null) {
      const d = unifiedDiff(c.rel, c.text, outcome.output);
      record.diff = d.patch;
      record.linesAdded = d.added;
      record.linesRemoved = d.removed;
    }
    planned.push({ abs: c.abs, record, output: outcome.output ?? undefined, before: c.text, mode: c.mode, definesFactory: outcome.factoriesMigrated > 0 });
  }
  // The request-context modules: one per package whose migrated files import it.
  const contextPlans: Planned[] = [];
  const changedFiles = new Set(planned.filter((p) => p.output !== undefined).map((p) => p.abs));
  for (const { abs, flavor, importers } of placement.error ? [] : placement.modules) {
    if (!importers.some((f) => changedFiles.has(f))) continue;
    const rel = toPosix(path.relative(options.cwd, abs));
    const existing = safeRead(abs);
    if (existing !== null) {
      const compatible = existing.includes(CONTEXT_MARKER) || Object.values(CONTEXT_EXPORTS).every((n) => existing.includes(n));
      if (!compatible) {
        errors.push({
          ruleId: 'context-module-conflict',
          message: `${rel} exists and does not export ${Object.values(CONTEXT_EXPORTS).join(', ')}; choose another path with --context-module`,
        });
      }
      continue;
    }
    const text = renderContextModule(flavor);
    const d = unifiedDiff(rel, null, text);
    const record: FileRecord = {
      ...fileRecord(rel, options.mode === 'apply' ? 'changed' : 'would-change'),
      created: true,
      diff: d.patch,
      linesAdded: d.added,
      edits: [
        {
          ruleId: 'create-context-module',
          file: rel,
          line: 1,
          col: 1,
          endLine: 1,
          endCol: 1,
          message: rules['create-context-module'].description,
          docs: ruleDocsUrl('create-context-module'),
        },
      ],
    };
    contextPlans.push({ abs, record, output: text, before: null, mode: 0o644 });
  }
  planned.push(...contextPlans);
  timings.transformMs = performance.now() - t;
  if (errors.length) {
    // Nothing is written when the run itself is in error.
    for (const p of planned) if (p.record.status === 'changed') p.record.status = 'would-change';
    return finish();
  }

  if (options.onOutput) for (const p of planned) if (p.output !== undefined && p.record.status !== 'unchanged') options.onOutput(p.record, p.output);

  // --- 6. plan, validate, then write (one transaction; see write.ts) -------------------------------
  t = performance.now();
  const writes = options.mode === 'apply' ? planned.filter((p) => p.output !== undefined && p.record.status === 'changed') : [];
  const problems = plan([
    ...writes.map((p) => ({ abs: p.abs, rel: p.record.file })),
    ...(options.reportTargets ?? []).map((f) => ({ abs: path.resolve(options.cwd, f), rel: f })),
  ]);
  if (problems.length) {
    for (const p of problems) errors.push({ ruleId: p.ruleId, message: `${p.message}; nothing was written` });
    for (const p of writes) p.record.status = 'would-change';
    return finish();
  }
  if (writes.length) {
    // The context module first, so that no migrated file ever imports a missing module; then the
    // files without a migrated factory, then the factory files.
    const rank = (p: Planned) => (contextPlans.includes(p) ? 0 : p.definesFactory ? 2 : 1);
    const order = [...writes].sort((a, b) => rank(a) - rank(b));
    const targets: WriteTarget[] = order.map((p) => ({ abs: p.abs, rel: p.record.file, content: p.output!, created: p.record.created }));
    const result = await writeAll(targets, journalFile, options.interrupt ?? { signal: null, writing: false });
    const written = new Set(result.written);
    for (const p of writes) if (!written.has(p.record.file)) p.record.status = 'would-change';
    if (result.interrupted) {
      errors.push({ ruleId: 'interrupted', message: `interrupted by ${result.interrupted} before the commit: no file was written (${writes.length} planned); temp files removed` });
    }
    if (result.error) errors.push({ ruleId: 'write-failed', message: result.error });
  }
  timings.writeMs = performance.now() - t;
  return finish();
  }
}

/**
 * Does this outcome import the context module, or would it but for the placement (a blocked
 * importer still counts, so that the flavour and folder are settled on every file that needs one)?
 */
function importsContext(outcome: TransformOutcome | undefined): boolean {
  if (!outcome || outcome.kind === 'failed') return false;
  if (outcome.output !== null) return outcome.contextFlavor !== null;
  return outcome.items.some((i) => i.ruleId === 'context-module-flavour' || i.ruleId === 'context-module-placement');
}

function fileRecord(rel: string, status: FileRecord['status']): FileRecord {
  return { file: rel, status, linesAdded: 0, linesRemoved: 0, edits: [], items: [], leftAlone: [], factoriesMigrated: 0 };
}

function summarise(files: FileRecord[], timings: Summary['timings']): Summary {
  const s: Summary = {
    filesScanned: files.filter((f) => !f.created).length,
    filesNotApplicable: 0,
    filesSkipped: 0,
    filesChanged: 0,
    filesFailed: 0,
    linesAdded: 0,
    linesRemoved: 0,
    factoriesMigrated: 0,
    manualReviewItems: 0,
    securityFindings: 0,
    warnings: 0,
    baselined: 0,
    leftAlone: { total: 0, byReason: {} },
    ruleCounts: {},
    timings,
  };
  const count = (id: string) => (s.ruleCounts[id] = (s.ruleCounts[id] ?? 0) + 1);
  for (const f of files) {
    if (f.status === 'not-applicable') s.filesNotApplicable++;
    if (f.status === 'skipped') s.filesSkipped++;
    if (f.status === 'failed') s.filesFailed++;
    if (f.status === 'changed' || f.status === 'would-change') s.filesChanged++;
    s.linesAdded += f.linesAdded;
    s.linesRemoved += f.linesRemoved;
    s.factoriesMigrated += f.factoriesMigrated;
    for (const e of f.edits as EditRecord[]) count(e.ruleId);
    for (const i of f.items as ReviewItem[]) {
      count(i.ruleId);
      if (i.kind === 'manual-review') s.manualReviewItems++;
      else if (i.kind === 'security') s.securityFindings++;
      else s.warnings++;
    }
    // A file-level reason that is also an item (unsupported-encoding) counts once.
    if (f.reasonRuleId && !f.items.some((i) => i.ruleId === f.reasonRuleId)) count(f.reasonRuleId);
    for (const l of f.leftAlone) {
      s.leftAlone.total++;
      s.leftAlone.byReason[l.reason] = (s.leftAlone.byReason[l.reason] ?? 0) + 1;
    }
  }
  return s;
}

/** The nearest folder with a package.json above the first path (ids in generated code are relative to it). */
function findProjectRoot(options: RunOptions): string {
  let d = path.resolve(options.cwd, options.paths[0] ?? '.');
  try {
    if (!fs.statSync(d).isDirectory()) d = path.dirname(d);
  } catch {
    return options.cwd;
  }
  for (;;) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    const parent = path.dirname(d);
    if (parent === d) return options.cwd;
    d = parent;
  }
}

/** The alova version installed in the project (node_modules), when there is one. */
function installedAlovaVersion(projectRoot: string): string | undefined {
  const text = safeRead(path.join(projectRoot, 'node_modules', 'alova', 'package.json'));
  if (!text) return undefined;
  try {
    return (JSON.parse(text) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** alova's major version from the project's package.json (dependencies), when the code gives no hint. */
function detectAlovaMajor(projectRoot: string): 2 | 3 | undefined {
  const text = safeRead(path.join(projectRoot, 'package.json'));
  if (!text) return undefined;
  try {
    const pkg = JSON.parse(text) as Record<string, Record<string, string> | undefined>;
    const range = pkg.dependencies?.alova ?? pkg.devDependencies?.alova ?? pkg.peerDependencies?.alova;
    const m = range ? /(\d+)/.exec(range.replace(/^npm:alova@/, '')) : null;
    if (m?.[1] === '2') return 2;
    if (m?.[1] === '3') return 3;
  } catch {
    /* an unparsable package.json gives no hint */
  }
  return undefined;
}

/** The folder git is asked about: the first given path's folder (the user may run from outside the repo). */
function gitFolder(options: RunOptions): string {
  const first = path.resolve(options.cwd, options.paths[0] ?? '.');
  try {
    return fs.statSync(first).isDirectory() ? first : path.dirname(first);
  } catch {
    return options.cwd;
  }
}

/** Configuration files are read only when they are regular files (a FIFO package.json would hang). */
function safeRead(abs: string): string | null {
  return readRegularFile(abs);
}

function encodingRecord(relPath: string, r: { detail: string; line: number; col: number }): FileRecord {
  const meta = rules['unsupported-encoding'];
  const record: FileRecord = { ...fileRecord(relPath, 'failed'), reasonRuleId: 'unsupported-encoding', reason: `${r.detail}; left unchanged` };
  record.items = [
    {
      ruleId: 'unsupported-encoding',
      kind: 'manual-review',
      severity: meta.severity,
      file: relPath,
      line: r.line,
      col: r.col,
      message: `${meta.description}: ${r.detail}`,
      excerpt: '',
      hint: meta.hint,
      docs: ruleDocsUrl('unsupported-encoding'),
    },
  ];
  return record;
}

function safeRealpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
