#!/usr/bin/env node
// Runs the built CLI over public repositories that use alova and prints the table of
// docs/public-repos.md: per repository@commit, files scanned, files changed, factories left
// alone by reason, items by rule, crashes, and whether every changed file re-parses.
//
//   node bench/public-repos.mjs [--list bench/public-repos.txt] [--mirror /work/.mirror]
//                               [--work <tmp dir>] [--keep] [owner/name@commit ...]
//
// Each entry is `owner/name@commit`. The commit is extracted with `git archive` from a local git
// directory `<mirror>/<owner>+<name>/repo` (a bare clone or mirror) into a temporary folder,
// never into this repository. The CLI runs twice per repository:
//   1. `--dry --reporter json` in the checkout (the table's numbers; a crash is a non-JSON
//      stdout, anything on stderr, or exit code 2);
//   2. apply (`--allow-dirty`) in the same scratch checkout, when the dry run found changes;
//      then every changed file is parsed again with the tool's own parser.
// Exit status: 0 when no repository crashed, changed a file that failed to parse, or failed a
// file; 1 otherwise; 2 usage error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/bin/alova-ssr-migrate.js');

function usage(msg) {
  process.stderr.write(`public-repos: ${msg}\n`);
  process.exit(2);
}

let values;
let positionals;
try {
  ({ values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      list: { type: 'string', default: path.join(ROOT, 'bench/public-repos.txt') },
      mirror: { type: 'string', default: '/work/.mirror' },
      work: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  }));
} catch (err) {
  usage(err.message);
}
if (!fs.existsSync(CLI)) usage('dist/ is missing: run `npm run build` first');

const entries = (positionals.length ? positionals : fs.readFileSync(values.list, 'utf8').split('\n'))
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const work = values.work ?? fs.mkdtempSync(path.join(os.tmpdir(), 'alova-public-repos-'));
const { parseFile } = await import(path.join(ROOT, 'dist/transforms/lib/parsers.js'));

const rows = [];
let bad = false;
for (const entry of entries) {
  const m = /^([\w.-]+)\/([\w.-]+)@([0-9a-f]{7,40})$/.exec(entry);
  if (!m) usage(`not owner/name@commit: ${entry}`);
  const [, owner, name, commit] = m;
  const gitDir = path.join(values.mirror, `${owner}+${name}`, 'repo');
  if (!fs.existsSync(gitDir)) usage(`no git directory for ${owner}/${name} at ${gitDir} (fetch the repository there first)`);
  const dir = path.join(work, `${owner}+${name}@${commit.slice(0, 12)}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git --git-dir="$0" archive "$1" | tar -x -C "$2"`, gitDir, commit, dir]);

  const dry = spawnSync(process.execPath, [CLI, '.', '--dry', '--reporter', 'json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  let report = null;
  try {
    report = JSON.parse(dry.stdout);
  } catch {
    /* a crash: reported below */
  }
  const crashed = !report || dry.status === 2 || dry.stderr.trim() !== '';
  const row = { repo: `${owner}/${name}@${commit.slice(0, 12)}`, crashed, stderr: dry.stderr.trim().split('\n')[0] ?? '' };
  if (report) {
    const s = report.summary;
    const changed = report.files.filter((f) => (f.status === 'would-change' || f.status === 'changed') && !f.created).map((f) => f.file);
    const items = {};
    for (const f of report.files) for (const i of f.items) items[i.ruleId] = (items[i.ruleId] ?? 0) + 1;
    Object.assign(row, {
      scanned: s.filesScanned,
      parsed: report.files.filter((f) => f.status !== 'not-applicable' && f.status !== 'skipped' && !f.created).length,
      changed,
      failed: s.filesFailed,
      leftAlone: s.leftAlone,
      items,
      unparsable: [],
    });
    if (changed.length) {
      // Apply in the scratch checkout, then parse every changed file again.
      const applied = spawnSync(process.execPath, [CLI, '.', '--allow-dirty', '--reporter', 'json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
      const after = JSON.parse(applied.stdout);
      for (const f of after.files.filter((x) => x.status === 'changed')) {
        try {
          parseFile(fs.readFileSync(path.join(dir, f.file), 'utf8'), path.join(dir, f.file));
        } catch {
          row.unparsable.push(f.file);
        }
      }
    }
    if (row.unparsable.length || row.failed) bad = true;
  }
  if (crashed) bad = true;
  rows.push(row);
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
}
if (!values.keep && !values.work) fs.rmSync(work, { recursive: true, force: true });

const fmt = (o) =>
  Object.entries(o ?? {})
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '-';
const out = [
  '| repository@commit | files scanned | parsed | files changed | failed | crashes | left alone (by reason) | items by rule | changed files re-parse |',
  '|---|---:|---:|---:|---:|---:|---|---|---|',
];
for (const r of rows) {
  if (!('scanned' in r)) {
    out.push(`| ${r.repo} | - | - | - | - | 1 (${r.stderr}) | - | - | - |`);
    continue;
  }
  out.push(
    `| ${r.repo} | ${r.scanned} | ${r.parsed} | ${r.changed.length} | ${r.failed} | ${r.crashed ? 1 : 0} | ${r.leftAlone.total ? `${r.leftAlone.total}: ${fmt(r.leftAlone.byReason)}` : '0'} | ${fmt(r.items)} | ${r.changed.length ? (r.unparsable.length ? `no: ${r.unparsable.join(', ')}` : 'yes') : 'n/a'} |`,
  );
}
process.stdout.write(out.join('\n') + '\n');
for (const r of rows) if (r.changed?.length) process.stdout.write(`\n${r.repo} changed: ${r.changed.join(', ')}\n`);
process.exit(bad ? 1 : 0);
