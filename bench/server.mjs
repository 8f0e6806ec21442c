#!/usr/bin/env node
// Server benchmark: the example Express app under load, for several alova versions,
// in three variants: the ORIGINAL app (createAlova per request), the app MIGRATED by
// the built CLI, a hand-written NAIVE singleton (alova defaults: leaks across users,
// and looks fast because it serves cached responses) and a hand-written ISOLATED
// singleton (control: what a correct migration should cost). Real HTTP on
// 127.0.0.1, the app in a child process (--expose-gc), createAlova counted by a
// module-loader shim (test/e2e/harness/count-alova-loader.mjs).
//
//   node bench/server.mjs            full run (3 versions x 4 variants, < 5 min on 2 cores)
//   node bench/server.mjs --quick    smoke run (alova 3.5.5 only, a few hundred requests)
//   options: --versions 3.5.5,3.2.13,2.21.5  --variants original,migrated,naive
//            (variants: original,migrated,naive,isolated)  --out <dir> (default bench/out)  --run-cap-s <s>  --rebuild (rebuild the CLI first)
//
// Each run: sequential phase A, concurrent phase (every user hits the same URL at
// once, round after round), sequential phase B. "first 1k" = phase A, "last 1k" =
// phase B, so first/last compare the same kind of load. Exit 1 if the MIGRATED app
// served any user another user's response; exit 2 on a harness error.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startUpstream } from '../test/e2e/harness/upstream.mjs';
import { startApp } from '../test/e2e/harness/app-process.mjs';
import { createClient, latencyStats, lostPosts, runConcurrent, runSequential, summarize } from '../test/e2e/harness/load.mjs';
import { FIXTURES, REPO, copyFixture, ensureCliBuilt, migrateWithCli, removeDir } from '../test/e2e/harness/prepare.mjs';

const VERSIONS = {
  '3.5.5': { pkg: 'alova', major: 3 },
  '3.2.13': { pkg: 'alova-3213', major: 3 },
  '2.21.5': { pkg: 'alova2', major: 2 },
};
const VARIANTS = ['original', 'migrated', 'naive', 'isolated'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    versions: { type: 'string' },
    variants: { type: 'string' },
    out: { type: 'string' },
    'run-cap-s': { type: 'string' },
    rebuild: { type: 'boolean', default: false },
  },
});

const quick = opts.quick;
const versions = (opts.versions ?? (quick ? '3.5.5' : Object.keys(VERSIONS).join(','))).split(',').map((s) => s.trim());
const variants = (opts.variants ?? VARIANTS.join(',')).split(',').map((s) => s.trim());
for (const v of versions) if (!VERSIONS[v]) fail(`unknown version ${v} (known: ${Object.keys(VERSIONS).join(', ')})`);
for (const v of variants) if (!VARIANTS.includes(v)) fail(`unknown variant ${v} (known: ${VARIANTS.join(', ')})`);

const settings = {
  sequentialA: quick ? 100 : 1000,
  concurrentRounds: quick ? 15 : 150, // x USERS.length requests
  sequentialB: quick ? 100 : 1000,
  window: quick ? 100 : 1000,
  users: USERS.length,
  upstreamDelayMs: [1, 3],
  runCapMs: Number(opts['run-cap-s'] ?? (quick ? 30 : 55)) * 1000,
  totalBudgetMs: quick ? 120_000 : 285_000,
};
const outDir = resolve(opts.out ?? join(REPO, 'bench/out'));

function fail(msg) {
  console.error(`bench/server: ${msg}`);
  process.exit(2);
}

const startedAt = Date.now();
const log = (msg) => process.stderr.write(`[bench:server +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${msg}\n`);

// ---- migrated variants: copy each fixture once and run the CLI on it ----
const tmpDirs = [];
const migrated = {};
function migratedDir(major) {
  if (migrated[major]) return migrated[major];
  const build = ensureCliBuilt({ force: opts.rebuild });
  if (!build.ok) return (migrated[major] = { ok: false, reason: firstLine(build.reason) });
  const fixture = major === 2 ? FIXTURES.exampleAppV2 : FIXTURES.exampleApp;
  const dir = copyFixture(fixture, `bench-migrated-v${major}`);
  tmpDirs.push(dir);
  const r = migrateWithCli(dir);
  log(`CLI on ${relative(REPO, fixture)}: ${r.ok ? `ok (changed ${r.changed.join(', ')})` : r.reason}`);
  migrated[major] = r.ok ? { ok: true, dir } : { ok: false, reason: r.reason, stderr: r.stderr };
  return migrated[major];
}
function firstLine(s) {
  return String(s ?? '').split('\n')[0];
}

function serverModuleFor(version, variant) {
  const { major } = VERSIONS[version];
  if (variant === 'original') return { ok: true, module: join(major === 2 ? FIXTURES.exampleAppV2 : FIXTURES.exampleApp, 'src/server.js') };
  if (variant === 'naive') return { ok: true, module: join(major === 2 ? FIXTURES.naiveSingletonV2 : FIXTURES.naiveSingleton, 'src/server.js') };
  if (variant === 'isolated') return { ok: true, module: join(major === 2 ? FIXTURES.isolatedSingletonV2 : FIXTURES.isolatedSingleton, 'src/server.js') };
  const m = migratedDir(major);
  return m.ok ? { ok: true, module: join(m.dir, 'src/server.js') } : { ok: false, reason: m.reason };
}

const round1 = (x) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);
const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;

async function runOne(version, variant, capMs) {
  const target = serverModuleFor(version, variant);
  if (!target.ok) return { version, variant, available: false, reason: target.reason };

  const upstream = await startUpstream({ minDelayMs: settings.upstreamDelayMs[0], maxDelayMs: settings.upstreamDelayMs[1] });
  let app;
  let client;
  try {
    app = await startApp({ serverModule: target.module, upstreamUrl: upstream.url, alovaPackage: VERSIONS[version].pkg, exposeGc: true });
    client = createClient(app.baseUrl);
    const t0 = performance.now();
    const runDeadline = Date.now() + capMs;
    const results = [];
    // Phase budgets so a slow variant still gets a final sequential phase.
    const seqA = await runSequential(client, { users: USERS, count: settings.sequentialA, deadline: Date.now() + capMs * 0.4, phase: 'A', results: [] });
    const t1 = performance.now();
    const conc = await runConcurrent(client, { users: USERS, rounds: settings.concurrentRounds, deadline: Math.min(runDeadline, Date.now() + capMs * 0.3), phase: 'concurrent', results: [] });
    const t2 = performance.now();
    const seqB = await runSequential(client, { users: USERS, count: settings.sequentialB, deadline: Math.max(runDeadline, Date.now() + 2000), phase: 'B', results: [] });
    const t3 = performance.now();
    results.push(...seqA, ...conc, ...seqB);

    const stats = await app.stats({ gc: true, timeoutMs: 30_000 });
    const all = summarize(results);
    const concurrent = summarize(conc);
    const win = Math.min(settings.window, seqA.length, seqB.length);
    const first = latencyStats(seqA.slice(0, win));
    const last = latencyStats(seqB.slice(-win));
    const planned = settings.sequentialA + settings.concurrentRounds * USERS.length + settings.sequentialB;
    return {
      version,
      variant,
      available: true,
      alovaVersion: stats.alovaVersion,
      requests: results.length,
      plannedRequests: planned,
      truncated: results.length < planned,
      window: win,
      first: { median: round1(first.median), p99: round1(first.p99) },
      last: { median: round1(last.median), p99: round1(last.p99) },
      ratioLastFirstMedian: round1(last.median / first.median),
      reqPerSec: {
        overall: Math.round(results.length / ((t3 - t0) / 1000)),
        sequential: Math.round((seqA.length + seqB.length) / ((t1 - t0 + (t3 - t2)) / 1000)),
        concurrent: Math.round(conc.length / ((t2 - t1) / 1000)),
      },
      memory: {
        heapStartMB: mb(app.ready.memory.heapUsed),
        heapEndMB: mb(stats.memory.heapUsed),
        heapGrowthMB: mb(stats.memory.heapUsed - app.ready.memory.heapUsed),
        rssStartMB: mb(app.ready.memory.rss),
        rssEndMB: mb(stats.memory.rss),
        rssGrowthMB: mb(stats.memory.rss - app.ready.memory.rss),
        gcForced: Boolean(stats.memory.gcForced && app.ready.memory.gcForced),
      },
      createAlovaCalls: stats.createAlovaCalls,
      crossUser: { concurrent: concurrent.crossUser, all: all.crossUser },
      lostPosts: lostPosts(results, upstream.counts),
      wrongResponses: all.notOk,
      errors: all.errors,
      seconds: round1((t3 - t0) / 1000),
    };
  } catch (err) {
    return { version, variant, available: false, reason: `run failed: ${firstLine(err?.message ?? err)}`, output: app?.output?.().slice(-1500) };
  } finally {
    client?.close();
    await app?.close();
    await upstream.close();
  }
}

function fmtLat(x) {
  return x === null || x === undefined ? '–' : x.toFixed(2);
}

function markdown(report) {
  const lines = [];
  lines.push(`### Server benchmark (${report.meta.mode})`);
  lines.push('');
  lines.push(
    `Node ${report.meta.node}, ${report.meta.cpus} CPU(s) (${report.meta.cpuModel}), ${report.meta.date}. ` +
      `Per run: ${report.settings.sequentialA} sequential + ${report.settings.concurrentRounds} concurrent rounds x ${report.settings.users} users (identical URLs) + ${report.settings.sequentialB} sequential requests; ` +
      `upstream delay ${report.settings.upstreamDelayMs[0]}-${report.settings.upstreamDelayMs[1]} ms; run cap ${report.settings.runCapMs / 1000} s. ` +
      `Latency in ms (client-side, app + upstream); first/last = first ${report.settings.window} (phase A) / last ${report.settings.window} (phase B) requests. ` +
      `Heap/RSS growth = after the run minus after start-up, both after forced GC. ` +
      `original = createAlova per request; migrated = example app rewritten by the CLI; naive = hand-written singleton with alova defaults (wrong: its speed comes from serving cached responses); isolated = hand-written correct singleton (control).`,
  );
  lines.push('');
  lines.push(
    '| alova | variant | requests | first median | first p99 | last median | last p99 | last/first (median) | req/s seq | req/s conc | heap Δ MB | RSS Δ MB | createAlova calls | cross-user (conc) | cross-user (all) | lost POSTs |',
  );
  lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of report.runs) {
    if (!r.available) {
      lines.push(`| ${r.version} | ${r.variant} | not available: ${String(r.reason).replace(/\|/g, '\\|')} |  |  |  |  |  |  |  |  |  |  |  |  |  |`);
      continue;
    }
    const req = r.truncated ? `${r.requests} (capped)` : String(r.requests);
    lines.push(
      `| ${r.alovaVersion ?? r.version} | ${r.variant} | ${req} | ${fmtLat(r.first.median)} | ${fmtLat(r.first.p99)} | ${fmtLat(r.last.median)} | ${fmtLat(r.last.p99)} | ${r.ratioLastFirstMedian ?? '–'} | ${r.reqPerSec.sequential} | ${r.reqPerSec.concurrent} | ${r.memory.heapGrowthMB} | ${r.memory.rssGrowthMB} | ${r.createAlovaCalls} | ${r.crossUser.concurrent} | ${r.crossUser.all} | ${r.lostPosts} |`,
    );
  }
  lines.push('');
  const bad = report.runs.filter((r) => r.variant === 'migrated' && r.available && r.crossUser.all > 0);
  const missing = report.runs.filter((r) => r.variant === 'migrated' && !r.available);
  if (bad.length) lines.push(`**FAIL: the migrated app served cross-user responses (${bad.map((r) => r.version).join(', ')}).**`);
  if (missing.length) lines.push(`Migrated variant not available for ${missing.map((r) => r.version).join(', ')}: ${firstLine(missing[0].reason)}`);
  return lines.join('\n') + '\n';
}

async function main() {
  const runs = [];
  const deadline = startedAt + settings.totalBudgetMs;
  const plan = versions.flatMap((version) => variants.map((variant) => ({ version, variant })));
  for (let i = 0; i < plan.length; i += 1) {
    const { version, variant } = plan[i];
    const left = deadline - Date.now();
    if (left < 5000) {
      runs.push({ version, variant, available: false, reason: 'skipped: total time budget used up' });
      continue;
    }
    // Give each remaining run a fair share of what is left, never more than the cap.
    const cap = Math.max(5000, Math.min(settings.runCapMs, left - (plan.length - i - 1) * 8000));
    log(`${version} ${variant} (cap ${(cap / 1000).toFixed(0)} s)`);
    const r = await runOne(version, variant, cap);
    log(
      r.available
        ? `  ${r.requests} requests in ${r.seconds} s, median ${r.first.median} -> ${r.last.median} ms, createAlova ${r.createAlovaCalls}, cross-user ${r.crossUser.all}`
        : `  not available: ${r.reason}`,
    );
    runs.push(r);
  }
  const report = {
    meta: {
      mode: quick ? 'quick' : 'full',
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      date: new Date().toISOString(),
      totalSeconds: round1((Date.now() - startedAt) / 1000),
    },
    settings,
    runs,
  };
  const md = markdown(report);
  mkdirSync(outDir, { recursive: true });
  const base = quick ? 'server-quick' : 'server';
  writeFileSync(join(outDir, `${base}.md`), md);
  writeFileSync(join(outDir, `${base}.json`), JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(md);
  log(`wrote ${relative(process.cwd(), join(outDir, `${base}.md`))} and ${base}.json`);
  for (const d of tmpDirs) removeDir(d);
  const leaked = runs.some((r) => r.variant === 'migrated' && r.available && r.crossUser.all > 0);
  process.exitCode = leaked ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  for (const d of tmpDirs) removeDir(d);
  process.exit(2);
});
