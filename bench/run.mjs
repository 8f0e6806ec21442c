#!/usr/bin/env node
// Benchmark: alova-ssr-migrate vs jscodeshift's runner vs the I/O floor, on generated corpora.
//
//   node bench/run.mjs [--sizes 1000,5000,20000] [--runs N] [--quick] [--seed 1]
//                      [--ulimit 256] [--corpus-dir bench/corpus] [--out bench/out]
//
// For each size: generate (or reuse) bench/corpus/<seed>-<size>, run one untimed warm-up
// round (which also collects file accounting and the CLI's JSON report for verification),
// then N timed rounds; within a round every tool runs once, in a rotating order. All tools
// run with the corpus as working directory on the path `.`.
// Writes bench/out/bench.md and bench/out/bench.json (bench-ulimit-N.* with --ulimit N).
// Exit status: 0 ok, 1 verification mismatch or a tool crashed, 2 usage error,
// 3 --strict and a tool (dist/ build) is missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCorpus, readCorpus } from './lib/corpus.mjs';
import { measure, median, GNU_TIME, CAN_SAMPLE } from './lib/measure.mjs';
import { verifyReport, formatVerification } from './lib/verify.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const JSCS_BIN = path.join(ROOT, 'node_modules/jscodeshift/bin/jscodeshift.js');
let TRANSFORM = path.join(ROOT, 'dist/transforms/ssr-singleton.js');
let CLI = path.join(ROOT, 'dist/bin/alova-ssr-migrate.js');
const NODE_SCAN = path.join(ROOT, 'bench/lib/node-scan.mjs');
const PARSE_ONLY = path.join(ROOT, 'bench/lib/parse-only-transform.cjs');
const PARSE_FLOOR = path.join(ROOT, 'bench/lib/parse-floor.mjs');

function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      ulimit: { type: 'string' },
      'corpus-dir': { type: 'string', default: path.join(ROOT, 'bench/corpus') },
      out: { type: 'string', default: path.join(ROOT, 'bench/out') },
      'sample-ms': { type: 'string', default: '50' },
      'factory-rule': { type: 'string' },
      'call-site-rule': { type: 'string' },
      'match-line': { type: 'boolean', default: false },
      'budget-s': { type: 'string', default: '150' },
      'with-parse-only': { type: 'boolean', default: false },
      'jscodeshift-babel': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      snapshot: { type: 'boolean', default: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  fail(err.message);
}
if (values.help) {
  process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 14).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
  process.exit(0);
}
const seed = Number(values.seed);
const sizes = (values.sizes ?? (values.quick ? '1000' : '1000,5000,20000')).split(',').map(Number);
if (!sizes.every((n) => Number.isInteger(n) && n > 0)) fail('--sizes must be a comma-separated list of positive integers');
const ulimit = values.ulimit ? Number(values.ulimit) : null;
if (values.ulimit && !(ulimit >= 16)) fail('--ulimit must be a number >= 16');
const sampleMs = Number(values['sample-ms']);
const budgetS = Number(values['budget-s']);
if (!(budgetS > 0)) fail('--budget-s must be a positive number');
const runsFor = (size) => {
  if (values.runs) return Math.max(1, Number(values.runs));
  if (values.quick) return 2;
  return size >= 20000 ? 3 : 5;
};
const log = (msg) => process.stderr.write(msg + '\n');

// ------------------------------------------------------------------ environment

// Measure a frozen copy of dist/ (taken now, inside bench/out so that bare imports still
// resolve to this repo's node_modules): a rebuild during the run must not mix two builds.
let snapshotOf = null;
if (values.snapshot && fs.existsSync(path.join(ROOT, 'dist'))) {
  const snap = path.join(path.resolve(values.out), 'dist-snapshot');
  const stamp = () => [path.join(ROOT, 'dist/bin/alova-ssr-migrate.js'), path.join(ROOT, 'dist/transforms/ssr-singleton.js')].map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)).join();
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = stamp();
    fs.rmSync(snap, { recursive: true, force: true });
    fs.cpSync(path.join(ROOT, 'dist'), snap, { recursive: true });
    await new Promise((r) => setTimeout(r, 1000));
    if (stamp() === before) {
      snapshotOf = before;
      break;
    }
    log('bench: dist/ changed while it was copied; retrying');
  }
  if (snapshotOf === null) fail('dist/ keeps changing (a build is running?); try again, or pass --no-snapshot');
  TRANSFORM = path.join(snap, 'transforms/ssr-singleton.js');
  CLI = path.join(snap, 'bin/alova-ssr-migrate.js');
}
const have = { transform: fs.existsSync(TRANSFORM), cli: fs.existsSync(CLI), jscodeshift: fs.existsSync(JSCS_BIN) };
const sh = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });
const gitRev = sh('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).stdout?.trim() || null;
const gitDirty = gitRev ? sh('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT }).stdout.trim().length > 0 : null;
const pkgVersion = (p) => {
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8')).version;
  } catch {
    return null;
  }
};
const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
  os: `${os.type()} ${os.release()}`,
  node: process.version,
  ulimitN: sh('bash', ['-c', 'ulimit -n']).stdout.trim(),
  gnuTime: GNU_TIME,
  rssSampling: CAN_SAMPLE && sampleMs > 0 ? `${sampleMs} ms` : 'off',
};
const versions = {
  tool: pkgVersion(path.join(ROOT, 'package.json')),
  jscodeshift: pkgVersion(path.join(ROOT, 'node_modules/jscodeshift/package.json')),
  grep: sh('grep', ['--version']).stdout.split('\n')[0],
  gitRev,
  gitDirty,
  measured: values.snapshot ? 'frozen copy of dist/ in bench/out/dist-snapshot' : 'dist/ in place',
  distBuilt: {
    transform: have.transform ? fs.statSync(TRANSFORM).mtime.toISOString() : null,
    cli: have.cli ? fs.statSync(CLI).mtime.toISOString() : null,
  },
};
const missing = [];
if (!have.transform) missing.push('dist/transforms/ssr-singleton.js (jscodeshift runs skipped; run npm run build)');
if (!have.cli) missing.push('dist/bin/alova-ssr-migrate.js (CLI runs and verification skipped; run npm run build)');
if (have.cli) {
  const v = sh(process.execPath, [CLI, '--version']);
  if (v.status !== 0) fail(`${path.relative(ROOT, CLI)} --version failed (broken build?):\n${v.stderr}`);
}
for (const m of missing) log(`bench: WARNING missing ${m}`);
if (!GNU_TIME) log('bench: WARNING /usr/bin/time (GNU) not found: CPU time and max RSS are not measured');

// ------------------------------------------------------------------ tools

/** Each tool: id, label, argv (run in the corpus dir on "."), whether it runs under --ulimit. */
function tools() {
  const list = [
    { id: 'grep', label: '(a) grep -rl createAlova', cmd: 'grep', args: ['-rl', 'createAlova', '.'], limited: false, okCodes: [0, 1] },
    { id: 'node-scan', label: 'ref: Node walk+read+includes (async, 64 in flight)', cmd: process.execPath, args: [NODE_SCAN, '.'], limited: false, okCodes: [0] },
    { id: 'node-scan-sync', label: 'ref: Node walk+read+includes (sync)', cmd: process.execPath, args: [NODE_SCAN, '.', '--sync'], limited: false, okCodes: [0] },
  ];
  // The least an AST-based tool can do: the sync walk+read, then one Babel parse (the CLI's
  // parser settings) of each file the generator says must be analysed. Needs the dist/ build.
  if (have.transform) list.push({ id: 'parse-floor', label: 'ref: sync walk+read + Babel parse of the must-parse files', cmd: process.execPath, args: [PARSE_FLOOR, '.'], limited: false, okCodes: [0] });
  // jscodeshift: --no-babel because its default Babel require hook compiles the ESM build in
  // dist/ to CommonJS and the worker dies (the runner then prints "0 ok" and exits 0).
  // No --silent: its summary is how files are accounted for; stdout goes to a file.
  const jscsArgs = (transform) => [JSCS_BIN, '-t', transform, ...(values['jscodeshift-babel'] ? [] : ['--no-babel']), '--dry', '--parser', 'tsx', '--extensions', 'ts,tsx', '.'];
  if (values['with-parse-only'] && have.jscodeshift) {
    list.push({ id: 'jscs-parse', label: 'ref: jscodeshift runner, parse-only transform', cmd: process.execPath, args: jscsArgs(PARSE_ONLY), limited: true, okCodes: [0], jscs: true, noWarmup: true });
  }
  if (have.transform && have.jscodeshift) {
    list.push({ id: 'jscodeshift', label: values['jscodeshift-babel'] ? '(b) jscodeshift runner --dry (babel hook on)' : '(b) jscodeshift runner --dry --no-babel', cmd: process.execPath, args: jscsArgs(TRANSFORM), limited: true, okCodes: [0], jscs: true, noWarmup: true });
  }
  if (have.cli) {
    list.push(
      { id: 'cli-check', label: '(c) alova-ssr-migrate --check', cmd: process.execPath, args: [CLI, '.', '--check', '--reporter', 'json'], limited: true, okCodes: [0, 1], noWarmup: true },
      { id: 'cli-dry', label: '(c) alova-ssr-migrate --dry', cmd: process.execPath, args: [CLI, '.', '--dry'], limited: true, okCodes: [0, 1], noWarmup: true },
    );
  }
  return list;
}

function parseJscodeshiftSummary(text) {
  const num = (re) => {
    const m = text.match(re);
    return m ? Number(m[1]) : null;
  };
  const r = {
    selected: num(/^Processing (\d+) files/m),
    errors: num(/^(\d+) errors\s*$/m),
    unmodified: num(/^(\d+) unmodified\s*$/m),
    skipped: num(/^(\d+) skipped\s*$/m),
    ok: num(/^(\d+) ok\s*$/m),
    emfile: (text.match(/^\s*ERR .*EMFILE/gm) ?? []).length, // ERR lines (one per file); the stack line below each repeats EMFILE
  };
  r.accounted = [r.errors, r.unmodified, r.skipped, r.ok].every((x) => x !== null) ? r.errors + r.unmodified + r.skipped + r.ok : null;
  return r;
}

function cliAccounting(report) {
  const counts = {};
  let emfile = 0;
  for (const f of report.files ?? []) {
    counts[f.status] = (counts[f.status] ?? 0) + 1;
    if (/EMFILE|too many open files/i.test(f.reason ?? '')) emfile++;
  }
  const src = (report.files ?? []).filter((f) => /\.tsx?$/.test(f.file)).length;
  return { records: (report.files ?? []).length, sourceRecords: src, statuses: counts, emfile, filesScanned: report.summary?.filesScanned ?? null, exitCode: report.exitCode, exitReason: report.exitReason };
}

// ------------------------------------------------------------------ main loop

const outDir = path.resolve(values.out);
const tmpDir = path.join(outDir, 'tmp');
fs.mkdirSync(tmpDir, { recursive: true });
const suffix = ulimit ? `-ulimit-${ulimit}` : '';
const results = { generatedBy: 'bench/run.mjs', date: new Date().toISOString(), machine, versions, seed, ulimit, missing, sizes: [] };
let exitCode = 0;
const started = Date.now();

for (const size of sizes) {
  const dir = path.join(path.resolve(values['corpus-dir']), `${seed}-${size}`);
  let expected = readCorpus(dir, seed, size);
  let genMs = null;
  if (expected) {
    log(`\n== ${size} files: reusing ${path.relative(ROOT, dir)}`);
  } else {
    log(`\n== ${size} files: generating ${path.relative(ROOT, dir)} ...`);
    ({ expected, ms: genMs } = generateCorpus({ seed, files: size, out: dir }));
    log(`   generated in ${(genMs / 1000).toFixed(2)} s`);
  }
  // A jscodeshift run with its Babel hook on leaves node_modules/.cache/@babel/register/ in
  // its working directory (the compiled transform, which mentions createAlova): remove it,
  // and keep the hook's cache off for every run.
  const pollution = path.join(dir, 'node_modules');
  if (fs.existsSync(pollution)) {
    log(`   removing ${path.relative(ROOT, pollution)} (left by an earlier run)`);
    fs.rmSync(pollution, { recursive: true, force: true });
  }
  const list = tools();
  const runs = runsFor(size);
  const loadBefore = os.loadavg();
  if (loadBefore[0] > 0.5) log(`   WARNING load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')}: other work on this machine will distort the timings`);
  const entry = { size, dir: path.relative(ROOT, dir), corpus: expected.stats, planted: { factories: expected.factories.length, callSites: expected.callSites.length, mentions: expected.mentions.length }, genMs, runs, tools: {}, ratios: {}, accounting: {}, verification: null };
  const timeoutMs = Math.max(120_000, size * 30); // a hung tool must not hang the benchmark

  /** Accounting and verification from one run's output (warm-up, or first timed run). */
  function inspect(t, stdout, stderrTail, m) {
    if (t.id === 'grep') entry.accounting.grep = { matched: stdout.split('\n').filter(Boolean).length };
    if (t.id === 'parse-floor') {
      try {
        entry.accounting.parseFloor = JSON.parse(stdout);
      } catch {
        entry.accounting.parseFloor = null;
      }
    }
    if (t.id === 'node-scan') {
      try {
        entry.accounting.nodeScan = JSON.parse(stdout);
      } catch {
        entry.accounting.nodeScan = null;
      }
    }
    if (t.id === 'cli-dry') entry.accounting.cliDry = { stdoutBytes: Buffer.byteLength(stdout), diffFiles: (stdout.match(/^\+\+\+ /gm) ?? []).length, exitCode: m.exitCode };
    if (t.id === 'cli-check') {
      let report = null;
      try {
        report = JSON.parse(stdout);
      } catch (err) {
        log(`   !! cli --check --reporter json did not print one JSON document (${err.message}); stderr tail:\n${stderrTail}`);
        entry.verification = { ok: false, problems: ['stdout is not a JSON document'] };
        exitCode = 1;
      }
      if (report) {
        entry.accounting.cli = cliAccounting(report);
        const v = verifyReport(report, expected, { corpusDir: dir, cwd: dir, factoryRule: values['factory-rule'], callSiteRule: values['call-site-rule'], matchLine: values['match-line'] });
        entry.verification = v;
        log(formatVerification(v).split('\n').map((l) => '   ' + l).join('\n'));
        if (!v.ok) exitCode = 1;
      }
    }
  }

  // Warm-up round (grep and the Node scan only): fills the page cache. The expensive tools
  // have no warm-up: the cache is warm by then. The CLI's first timed --check run gives the
  // report to verify; every jscodeshift run is accounted from its own summary.
  for (const t of list) {
    const useLimit = ulimit && t.limited ? ulimit : undefined;
    entry.tools[t.id] = { label: t.label, ulimit: useLimit ?? null, warmup: null, samples: [], accounting: [] };
    if (t.noWarmup) continue;
    const stdoutFile = path.join(tmpDir, `${t.id}-${size}.warm.out`);
    const stderrFile = path.join(tmpDir, `${t.id}-${size}.warm.err`);
    log(`   warm-up ${t.label}${useLimit ? ` (ulimit -n ${useLimit})` : ''}`);
    const m = await measure({ cmd: t.cmd, args: t.args, cwd: dir, ulimit: useLimit, stdoutFile, stderrFile, sampleMs, timeoutMs });
    const stdout = fs.readFileSync(stdoutFile, 'utf8');
    const stderrTail = fs.readFileSync(stderrFile, 'utf8').slice(-2000);
    entry.tools[t.id].warmup = m;
    if (!t.okCodes.includes(m.exitCode)) {
      log(`   !! ${t.id} exited with ${m.exitCode ?? m.signal}; stderr tail:\n${stderrTail}`);
      entry.tools[t.id].crash = { exitCode: m.exitCode, signal: m.signal, stderrTail };
    }
    inspect(t, stdout, stderrTail, m);
  }

  // Timed rounds, rotating the order so no tool always runs first. A tool whose next run
  // would take its total past --budget-s (per tool and size) stops early; it keeps >= 1 run.
  const spent = {};
  for (let r = 0; r < runs; r++) {
    const order = list.map((_, i) => list[(i + r) % list.length]);
    for (const t of order) {
      const rec = entry.tools[t.id];
      const sofar = spent[t.id] ?? 0;
      const typical = rec.samples.length ? median(rec.samples.map((x) => x.wallMs)) / 1000 : 0;
      if (rec.samples.length > 0 && sofar + typical > budgetS) {
        if (!rec.budgetStop) log(`   ${t.id}: stopping after ${rec.samples.length} run(s), next would exceed --budget-s ${budgetS}`);
        rec.budgetStop = true;
        continue;
      }
      const useLimit = ulimit && t.limited ? ulimit : undefined;
      const stdoutFile = path.join(tmpDir, `${t.id}-${size}.out`);
      const stderrFile = path.join(tmpDir, `${t.id}-${size}.err`);
      const m = await measure({ cmd: t.cmd, args: t.args, cwd: dir, ulimit: useLimit, stdoutFile, stderrFile, sampleMs, timeoutMs });
      spent[t.id] = sofar + m.wallMs / 1000;
      rec.samples.push(m);
      let extra = '';
      if (t.jscs) {
        const acc = parseJscodeshiftSummary(fs.readFileSync(stdoutFile, 'utf8') + '\n' + fs.readFileSync(stderrFile, 'utf8'));
        acc.exitCode = m.exitCode;
        rec.accounting.push(acc);
        extra = `  accounted ${acc.accounted ?? '?'}/${size} (ok ${acc.ok}, unmodified ${acc.unmodified}, skipped ${acc.skipped}, errors ${acc.errors}, EMFILE ${acc.emfile})`;
        // Outside --ulimit, a runner that accounts for fewer files than it was given (a
        // worker died) makes its timing meaningless: flag it.
        if (!ulimit && acc.accounted !== size) {
          rec.crash ??= { exitCode: m.exitCode, run: r + 1, reason: `accounted for ${acc.accounted ?? 'no'} of ${size} files`, stderrTail: fs.readFileSync(stderrFile, 'utf8').slice(-1500) };
        }
      }
      if (!t.okCodes.includes(m.exitCode)) rec.crash ??= { exitCode: m.exitCode, signal: m.signal, run: r + 1, stderrTail: fs.readFileSync(stderrFile, 'utf8').slice(-1500) };
      if (t.noWarmup && !t.jscs && rec.samples.length === 1) inspect(t, fs.readFileSync(stdoutFile, 'utf8'), fs.readFileSync(stderrFile, 'utf8').slice(-2000), m);
      log(`   run ${r + 1}/${runs} ${t.id.padEnd(12)} ${(m.wallMs / 1000).toFixed(2).padStart(7)} s  cpu ${m.cpuS?.toFixed(2) ?? '-'} s  maxrss ${m.maxRssKb ? (m.maxRssKb / 1024).toFixed(0) : '-'} MB  tree ${m.treePeakRssKb ? (m.treePeakRssKb / 1024).toFixed(0) : '-'} MB  exit ${m.exitCode}${extra}`);
    }
  }
  for (const id of ['jscodeshift', 'jscs-parse']) {
    const acc = entry.tools[id]?.accounting;
    if (acc?.length) {
      entry.accounting[id] = acc[0];
      const distinct = new Set(acc.map((a) => a.accounted));
      if (distinct.size > 1) entry.accounting[id].variesAcrossRuns = [...distinct];
    }
  }
  for (const [id, t] of Object.entries(entry.tools)) {
    if (t.crash) log(`   !! ${id}: ${t.crash.reason ?? `exit ${t.crash.exitCode ?? t.crash.signal}`}${t.crash.stderrTail ? `\n${t.crash.stderrTail.split('\n').slice(0, 12).join('\n')}` : ''}`);
  }

  for (const [id, t] of Object.entries(entry.tools)) {
    const s = t.samples;
    t.wallMs = { median: median(s.map((x) => x.wallMs)), min: Math.min(...s.map((x) => x.wallMs)), max: Math.max(...s.map((x) => x.wallMs)) };
    t.cpuS = median(s.map((x) => x.cpuS));
    t.userS = median(s.map((x) => x.userS));
    t.sysS = median(s.map((x) => x.sysS));
    t.maxRssKb = s.some((x) => x.maxRssKb !== null) ? Math.max(...s.map((x) => x.maxRssKb ?? 0)) : null;
    t.treePeakRssKb = s.some((x) => x.treePeakRssKb !== null) ? Math.max(...s.map((x) => x.treePeakRssKb ?? 0)) : null;
    t.peakProcs = s.some((x) => x.peakProcs !== null) ? Math.max(...s.map((x) => x.peakProcs ?? 0)) : null;
    t.filesPerSec = t.wallMs.median ? size / (t.wallMs.median / 1000) : null;
    if (t.crash) exitCode = 1;
    void id;
    delete t.accounting;
  }
  const w = (id) => entry.tools[id]?.wallMs.median ?? null;
  const ratio = (x, y) => (w(x) && w(y) ? w(x) / w(y) : null);
  entry.ratios = {
    'check/grep (c/a)': ratio('cli-check', 'grep'),
    'dry/grep (c/a)': ratio('cli-dry', 'grep'),
    'jscodeshift/check (b/c)': ratio('jscodeshift', 'cli-check'),
    'jscodeshift/dry (b/c)': ratio('jscodeshift', 'cli-dry'),
    'node-scan/grep': ratio('node-scan', 'grep'),
    'node-scan-sync/grep': ratio('node-scan-sync', 'grep'),
    'check/node-scan-sync': ratio('cli-check', 'node-scan-sync'),
    'check/parse-floor': ratio('cli-check', 'parse-floor'),
    'jscodeshift/parse-floor': ratio('jscodeshift', 'parse-floor'),
    ...(entry.tools['jscs-parse'] ? { 'jscodeshift/parse-only': ratio('jscodeshift', 'jscs-parse') } : {}),
  };
  entry.loadavg = { before: loadBefore.map((x) => +x.toFixed(2)), after: os.loadavg().map((x) => +x.toFixed(2)) };
  const plantedFilesWithText = expected.stats.factoryFiles + expected.mentions.length;
  if (entry.accounting.grep && entry.accounting.grep.matched !== plantedFilesWithText) {
    log(`   WARNING grep found createAlova in ${entry.accounting.grep.matched} files, the corpus planted it in ${plantedFilesWithText}: is the corpus modified? (delete ${path.relative(ROOT, dir)} to regenerate)`);
    entry.corpusWarning = `grep hits ${entry.accounting.grep.matched} != planted ${plantedFilesWithText}`;
  }
  results.sizes.push(entry);
}
results.totalS = (Date.now() - started) / 1000;
// The build under test must not change while we measure (someone ran npm run build).
for (const [k, f] of [['transform', TRANSFORM], ['cli', CLI]]) {
  if (versions.distBuilt[k] && fs.existsSync(f) && fs.statSync(f).mtime.toISOString() !== versions.distBuilt[k]) {
    const msg = `${path.relative(ROOT, f)} was rebuilt during the run: the figures mix two builds`;
    log(`bench: WARNING ${msg}`);
    results.warnings = [...(results.warnings ?? []), msg];
  }
}

// ------------------------------------------------------------------ report

const fmt = (x, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const mb = (kb) => (kb === null || kb === undefined ? '–' : (kb / 1024).toFixed(0));
const md = [];
md.push(`# alova-ssr-migrate benchmark${ulimit ? ` (b and c under ulimit -n ${ulimit})` : ''}`, '');
md.push(`Machine: ${machine.cpus} CPU (${machine.cpuModel}), ${machine.memGiB} GiB RAM, ${machine.os}, Node ${machine.node}, ulimit -n ${machine.ulimitN}.`);
md.push(`Versions: alova-ssr-migrate ${versions.tool} (git ${versions.gitRev ?? '?'}${versions.gitDirty ? ', dirty' : ''}; dist built ${versions.distBuilt.cli ?? '–'}), jscodeshift ${versions.jscodeshift}, ${versions.grep}. Seed ${seed}. Total bench time ${fmt(results.totalS, 0)} s.`);
md.push('');
md.push('Wall = median of the timed runs (min–max); CPU = median user+sys of the whole process tree (GNU time, includes waited-for children);');
md.push('max RSS = largest single process of the tree (GNU time %M); tree RSS = peak of the summed RSS of all live processes of the tree, sampled every ' + machine.rssSampling + '.');
if (missing.length) md.push('', `**Not measured:** ${missing.join('; ')}.`);
if (results.warnings?.length) md.push('', `**Warning:** ${results.warnings.join('; ')}.`);
md.push('');
md.push('| files | tool | runs | wall s (median) | min–max | CPU s | max RSS MB (1 proc) | tree RSS MB (sampled) | files/s |');
md.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const e of results.sizes) {
  for (const t of Object.values(e.tools)) {
    md.push(`| ${e.size} | ${t.label}${t.ulimit ? ` [ulimit ${t.ulimit}]` : ''}${t.crash ? ' **(crashed)**' : ''} | ${t.samples.length} | ${fmt(t.wallMs.median / 1000)} | ${fmt(t.wallMs.min / 1000)}–${fmt(t.wallMs.max / 1000)} | ${fmt(t.cpuS)} | ${mb(t.maxRssKb)} | ${mb(t.treePeakRssKb)} | ${fmt(t.filesPerSec, 0)} |`);
  }
}
md.push('', '| files | ' + Object.keys(results.sizes[0]?.ratios ?? {}).join(' | ') + ' |', '|---:|' + Object.keys(results.sizes[0]?.ratios ?? {}).map(() => '---:').join('|') + '|');
for (const e of results.sizes) md.push(`| ${e.size} | ${Object.values(e.ratios).map((x) => fmt(x)).join(' | ')} |`);
md.push('', '## Corpus and verification', '');
md.push('| files | lines | MiB | .tsx | factories (files) | call sites (files) | mention-only | grep hits | jscodeshift accounted (ok/unmod/skip/err, EMFILE) | CLI records (statuses) | verification |');
md.push('|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|');
for (const e of results.sizes) {
  const c = e.corpus;
  const j = e.accounting.jscodeshift;
  const cl = e.accounting.cli;
  const v = e.verification;
  md.push(`| ${e.size} | ${c.lines} | ${fmt(c.bytes / 2 ** 20, 1)} | ${c.tsxFiles} | ${e.planted.factories} (${c.factoryFiles}) | ${e.planted.callSites} (${c.callSiteFiles}) | ${e.planted.mentions} | ${e.accounting.grep?.matched ?? '–'} | ` +
    `${j ? `${j.accounted ?? '?'} of ${e.size} (${j.ok}/${j.unmodified}/${j.skipped}/${j.errors}, EMFILE ${j.emfile})` : '–'} | ` +
    `${cl ? `${cl.records} (${Object.entries(cl.statuses).map(([k, n]) => `${k} ${n}`).join(', ')}${cl.emfile ? `, EMFILE ${cl.emfile}` : ''})` : '–'} | ` +
    `${v ? (v.ok ? 'OK' : `MISMATCH: ${(v.problems ?? []).join('; ')}`) : 'not run'} |`);
}
md.push('');
for (const e of results.sizes) {
  md.push(`- ${e.size} files: load average (1/5/15 min) ${e.loadavg.before.join(' ')} before, ${e.loadavg.after.join(' ')} after` +
    `${e.genMs !== null ? `; corpus generated in ${fmt(e.genMs / 1000)} s` : '; corpus reused'}${e.corpusWarning ? `; **corpus warning: ${e.corpusWarning}**` : ''}` +
    `${Object.values(e.tools).some((t) => t.budgetStop) ? `; stopped early by --budget-s ${budgetS}: ${Object.entries(e.tools).filter(([, t]) => t.budgetStop).map(([id, t]) => `${id} (${t.samples.length} runs)`).join(', ')}` : ''}`);
}
md.push('');
const mdText = md.join('\n') + '\n';
fs.writeFileSync(path.join(outDir, `bench${suffix}.md`), mdText);
fs.writeFileSync(path.join(outDir, `bench${suffix}.json`), JSON.stringify(results, null, 2) + '\n');
process.stdout.write('\n' + mdText);
log(`bench: wrote ${path.relative(ROOT, path.join(outDir, `bench${suffix}.md`))} and bench${suffix}.json`);
if (exitCode === 0 && values.strict && missing.length) exitCode = 3;
process.exit(exitCode);
