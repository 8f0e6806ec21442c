/**
 * The review and CI features of the built CLI (dist/bin), end to end, the way a reviewer or a CI
 * job runs them: `--dry --diff-only` patches applied with real `git apply`, every reporter on a
 * fixture project, `--output-file`, `$GITHUB_STEP_SUMMARY`, baselines, `--changed-since` on real
 * git repositories, the exit-code matrix, runs without a TTY or git, and `| head`.
 *
 * Nothing is mocked: temp directories, real git, the real binary. Run `npm run build` first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import Ajv, { type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { compileSarifSchema } from './helpers/sarif-schema.js';
import { BIN, FIX, REPO, cli, tempDir } from './helpers/cli.js';

// ---- helpers ------------------------------------------------------------------------------------

function fixture(name: string): string {
  return fs.readFileSync(path.join(FIX, name), 'utf8');
}

function put(root: string, rel: string, text: string | Buffer): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

const BROKEN = "import { createAlova } from 'alova';\nexport function f( {\n";
/** A server app's manifest (it depends on express, on no UI framework): its factories are per-request server code. */
const SERVER_PKG = '{ "name": "p", "private": true, "dependencies": { "express": "^5.1.0" } }\n';
const PLAIN = 'export const add = (a: number, b: number) => a + b;\n';

/**
 * The review fixture project: migratable TS and JS files (both context-module flavours), a
 * security finding, a manual-review item, a file without alova, nested folders for ordering.
 */
function reviewProject(opts: { broken?: boolean } = {}): string {
  const d = tempDir();
  // A server app (it depends on express, on no UI framework): its factories are per-request server code.
  put(d, 'package.json', '{ "name": "p", "private": true, "type": "module", "dependencies": { "express": "^5.1.0" } }\n');
  put(d, 'src/routes.ts', fixture('named-import-arrow.input.ts'));
  put(d, 'src/server.js', fixture('direct-in-handler.input.js'));
  put(d, 'src/api/users.ts', fixture('fixed-id.input.ts'));
  put(d, 'src/jobs/loop.ts', fixture('review-request-ttl.input.ts'));
  put(d, 'src/util.ts', PLAIN);
  if (opts.broken) put(d, 'src/legacy/broken.ts', BROKEN);
  return d;
}

function lastLine(out: string): string {
  return out.trimEnd().split('\n').at(-1) ?? '';
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@t',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@t',
  GIT_CONFIG_NOSYSTEM: '1',
};

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_ENV },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function gitInit(d: string): void {
  git(d, 'init', '-q');
  git(d, 'add', '-A');
  git(d, 'commit', '-qm', 'init');
}

/** Every file under `dir` (except .git) as bytes (base64) plus its permission bits. */
function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[path.relative(dir, p).split(path.sep).join('/')] = `${fs.readFileSync(p).toString('base64')}|mode=${(fs.statSync(p).mode & 0o777).toString(8)}`;
    }
  };
  walk(dir);
  return out;
}

interface JsonFile {
  file: string;
  status: string;
  created?: boolean;
  items: { ruleId: string; kind: string; file: string; line: number; col: number }[];
}

function jsonFiles(stdout: string): JsonFile[] {
  return (JSON.parse(stdout) as { files: JsonFile[] }).files;
}

/** The scanned (not generated) files of a json report. */
function scanned(stdout: string): string[] {
  return jsonFiles(stdout)
    .filter((f) => !f.created)
    .map((f) => f.file);
}

// ---- normalisation for snapshots --------------------------------------------------------------

/**
 * Text output: the elapsed time and the per-phase timings vary between runs. The width of the
 * elapsed value also sets the width of the summary's value column, so spacing inside the summary
 * block (header to first blank line) is collapsed to two spaces.
 */
function normaliseText(out: string): string {
  const lines = out.split('\n');
  // In --dry the diffs come first: the summary block starts at the header line.
  const start = lines.findIndex((l) => /^alova-ssr-migrate \S+: (apply|dry run|check)/.test(l));
  expect(start).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  for (let i = start + 1; i < end; i++) lines[i] = lines[i].replace(/ {2,}/g, '  ');
  return lines
    .join('\n')
    .replace(/^ {2}Elapsed {2}.*$/m, '  Elapsed  <elapsed>')
    .replace(/^Timings {2}discover .*$/m, 'Timings  <timings>');
}

function normaliseJson(out: string): string {
  return out.replace(/"(discover|prefilter|analyse|transform|write|total)Ms": [0-9.e+-]+/g, '"$1Ms": 0');
}

function normaliseSarif(out: string, cwd: string): string {
  const url = pathToFileURL(cwd).href;
  return out.split(`${url}/`).join('file:///PROJECT/');
}

// ---- schemas (loaded as in test/reporters.test.ts) --------------------------------------------

function compileReportSchema(): ValidateFunction {
  const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'schema/report.schema.json'), 'utf8'));
  return new Ajv({ allErrors: true, strict: true }).compile(schema);
}


// ---- 1. --dry --diff-only | git apply ---------------------------------------------------------

describe('--dry --diff-only produces a patch that git apply turns into exactly what apply mode writes', () => {
  it('byte-for-byte equal trees, including the generated context modules, CRLF and BOM files', () => {
    const a = reviewProject();
    // A CRLF + BOM file: the patch must carry the \r bytes so git apply reproduces them.
    put(a, 'src/legacy/crlf.js', '\uFEFF' + fixture('double-quotes-no-semi.input.js').replace(/\n/g, '\r\n'));
    gitInit(a);
    const b = tempDir();
    fs.cpSync(a, b, { recursive: true });
    const patchDir = tempDir();
    const patch = path.join(patchDir, 'migrate.patch');

    // As a user types it: stdout redirected to a file, the one-line count on stderr.
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" ./src --dry --diff-only > "${patch}"`], {
      cwd: a,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('5 file(s) in the patch.\n');
    const text = fs.readFileSync(patch, 'utf8');
    expect(text.startsWith('diff --git ')).toBe(true);
    // Only the patch: no summary, no outcome line, no colour.
    expect(text).not.toMatch(/Files scanned|Dry run:|\u001b\[/);
    expect(text).toContain('new file mode 100644\n--- /dev/null\n+++ b/src/alova-request-context.ts');
    // One module per package: the JavaScript files import the TypeScript one (no tsconfig builds the package).
    expect(text).not.toContain('src/alova-request-context.mjs');
    expect(text).toMatch(/^\+import \{ [^}]*\} from '\.\/alova-request-context\.ts';$/m);
    expect(text).not.toContain('src/jobs/loop.ts'); // left unchanged for review
    // Dry run wrote nothing.
    expect(git(a, 'status', '--porcelain')).toBe('');

    const check = spawnSync('git', ['apply', '--check', patch], { cwd: a, encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    const applied = spawnSync('git', ['apply', patch], { cwd: a, encoding: 'utf8' });
    expect(applied.status, applied.stderr).toBe(0);

    const direct = cli(['./src'], b);
    expect(direct.code, direct.stdout).toBe(0);
    expect(lastLine(direct.stdout)).toMatch(/^Done: 5 files migrated\./);

    const ta = snapshotTree(a);
    const tb = snapshotTree(b);
    expect(Object.keys(ta).sort()).toEqual(Object.keys(tb).sort());
    expect(ta).toEqual(tb);
    expect(ta['src/alova-request-context.ts']).toBeDefined();
    expect(ta['src/alova-request-context.mjs']).toBeUndefined();
    expect(fs.readFileSync(path.join(a, 'src/legacy/crlf.js'), 'utf8')).toMatch(/^\uFEFF[^]*provideAlovaContext[^]*\r\n$/);
    // The same set of paths changed, as git sees it.
    expect(git(a, 'status', '--porcelain')).toBe(git(b, 'status', '--porcelain'));
    // After applying, the patch no longer applies (it was not empty) and a new dry run is empty.
    expect(spawnSync('git', ['apply', '--check', patch], { cwd: a }).status).not.toBe(0);
    const again = cli(['./src', '--dry', '--diff-only'], a);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe('0 file(s) in the patch.\n');
  });
});

// ---- 2. reporter snapshots on the fixture project ---------------------------------------------

describe('reporters on the fixture project through the real CLI', () => {
  const args = ['./src', '--check'];

  it('text (NO_COLOR): snapshot, exit 1, the reason on the last line, paths relative and POSIX', async () => {
    const d = reviewProject({ broken: true });
    const r = cli(args, d);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).not.toContain(d);
    expect(r.stdout).not.toContain('\\');
    expect(r.stdout).toMatch(/^ {2}Elapsed +\d+(\.\d+)? m?s$/m);
    expect(lastLine(r.stdout)).toBe(
      'Exit 1: --check found 4 files to migrate, 1 security finding, 1 manual-review item and 1 file that failed. Run `npx alova-ssr-migrate ./src` to migrate (add --dry to review first). Fix the items listed above (each has a hint and a docs link). Fix the files that failed.',
    );
    await expect(normaliseText(r.stdout)).toMatchFileSnapshot('__snapshots__/cli-text-check.txt');
  });

  it('text --dry: diffs first, then the summary; snapshot', async () => {
    const d = reviewProject();
    const r = cli(['./src', '--dry'], d);
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toBe('Dry run: 4 files would change. 1 security finding to fix, 1 manual-review item to look at (listed above). Run without --dry to apply.');
    await expect(normaliseText(r.stdout)).toMatchFileSnapshot('__snapshots__/cli-text-dry.txt');
  });

  it('json: valid against schema/report.schema.json, stable across runs and input paths, snapshot', async () => {
    const d = reviewProject({ broken: true });
    const r = cli([...args, '--reporter', 'json'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    const validate = compileReportSchema();
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(doc.exitCode).toBe(1);
    expect(doc.exitReason).toBe('Exit 1: --check found 4 files to migrate, 1 security finding, 1 manual-review item and 1 file that failed.');
    const files = doc.files.map((f: { file: string }) => f.file);
    expect(files).toEqual([...files].sort());
    for (const f of files) expect(f).toMatch(/^src\/[^\\]+$/);
    // Stable: a second run and a run with an absolute path give the same records.
    const again = cli([...args, '--reporter', 'json'], d);
    expect(normaliseJson(again.stdout)).toBe(normaliseJson(r.stdout));
    const abs = JSON.parse(cli([path.join(d, 'src'), '--check', '--reporter', 'json'], d).stdout);
    expect(abs.files).toEqual(doc.files);
    // From a subfolder, paths are relative to that folder.
    const sub = JSON.parse(cli(['.', '--check', '--reporter', 'json'], path.join(d, 'src')).stdout);
    expect(sub.files.map((f: { file: string }) => f.file)).toEqual(files.map((f: string) => f.slice('src/'.length)));
    expect(r.stdout).not.toContain(d);
    await expect(normaliseJson(r.stdout)).toMatchFileSnapshot('__snapshots__/cli-json-check.txt');
  });

  it('github: workflow commands with relative paths, snapshot', async () => {
    const d = reviewProject({ broken: true });
    const r = cli([...args, '--reporter', 'github'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^::(error|warning|notice) (file=src\/[^,\\]+,)?/);
    expect(lines.at(-1)).toBe('alova-ssr-migrate: Exit 1: --check found 4 files to migrate, 1 security finding, 1 manual-review item and 1 file that failed.');
    // Most important first: the security finding, then the failed file, then the review item.
    expect(lines[0]).toMatch(/^::error file=src\/api\/users\.ts,line=6,col=5,title=fixed-id-shares-requests::/);
    expect(lines[1]).toMatch(/^::error file=src\/legacy\/broken\.ts,title=syntax-error::/);
    expect(lines[2]).toMatch(/^::error file=src\/jobs\/loop\.ts,line=17,col=5,title=request-dependent-option::/);
    expect(r.stdout).not.toContain(d);
    await expect(r.stdout).toMatchFileSnapshot('__snapshots__/cli-github-check.txt');
  });

  it('sarif: valid against the SARIF 2.1.0 schema, relative uris under %SRCROOT%, snapshot', async () => {
    const d = reviewProject({ broken: true });
    const r = cli([...args, '--reporter', 'sarif'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    const validate = compileSarifSchema();
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const run = doc.runs[0];
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe(`${pathToFileURL(d).href}/`);
    const uris = run.results.flatMap((res: { locations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[] }) =>
      (res.locations ?? []).map((l) => l.physicalLocation.artifactLocation),
    );
    expect(uris.length).toBeGreaterThan(0);
    for (const u of uris) {
      expect(u.uriBaseId).toBe('%SRCROOT%');
      expect(u.uri).toMatch(/^src\/[^\\]+$/);
    }
    expect(run.invocations[0].exitCode).toBe(1);
    const normalised = normaliseSarif(r.stdout, d);
    expect(normalised).not.toContain(d);
    // Byte-stable: timings are not in the log.
    expect(normaliseSarif(cli([...args, '--reporter', 'sarif'], d).stdout, d)).toBe(normalised);
    await expect(normalised).toMatchFileSnapshot('__snapshots__/cli-sarif-check.txt');
  });
});

// ---- 3. --output-file -------------------------------------------------------------------------

describe('--output-file', () => {
  it('--reporter sarif --output-file: the file holds SARIF, the terminal gets the text summary', () => {
    const d = reviewProject();
    const r = cli(['./src', '--check', '--reporter', 'sarif', '--output-file', 'reports/report.sarif'], d);
    expect(r.code).toBe(1);
    const file = path.join(d, 'reports/report.sarif');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    const validate = compileSarifSchema();
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(doc.runs[0].results.length).toBeGreaterThan(0);
    // The terminal: the text summary, not SARIF.
    expect(r.stdout).not.toContain('"$schema"');
    expect(r.stdout).toMatch(/^alova-ssr-migrate \S+: check \(no files written\)$/m);
    expect(r.stdout).toContain('src/jobs/loop.ts:17:5');
    // The command that fixes it drops the flags that only choose the output (--reporter, --output-file).
    expect(lastLine(r.stdout)).toBe('Exit 1: --check found 4 files to migrate, 1 security finding and 1 manual-review item. Run `npx alova-ssr-migrate ./src` to migrate (add --dry to review first). Fix the items listed above (each has a hint and a docs link).');
    // The same document as on stdout without --output-file.
    expect(normaliseSarif(fs.readFileSync(file, 'utf8'), d)).toBe(normaliseSarif(cli(['./src', '--check', '--reporter', 'sarif'], d).stdout, d));
  });

  it('--quiet --output-file: the terminal gets only the outcome line', () => {
    const d = reviewProject();
    const r = cli(['./src', '--check', '--reporter', 'json', '--output-file', 'r.json', '--quiet'], d);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Exit 1: --check found 4 files to migrate, 1 security finding and 1 manual-review item. Run `npx alova-ssr-migrate ./src` to migrate (add --dry to review first). Fix the items listed above (each has a hint and a docs link).\n');
    expect(JSON.parse(fs.readFileSync(path.join(d, 'r.json'), 'utf8')).exitCode).toBe(1);
  });
});

// ---- 4. GitHub Actions ------------------------------------------------------------------------

describe('--reporter github with $GITHUB_STEP_SUMMARY', () => {
  it('annotations on stdout (at most 10 per level), the markdown appended to the summary file', async () => {
    const d = tempDir();
    put(d, 'package.json', SERVER_PKG);
    for (let i = 0; i < 12; i++) put(d, `src/r${String(i).padStart(2, '0')}.ts`, fixture('named-import-arrow.input.ts'));
    put(d, 'src/loop.ts', fixture('review-request-ttl.input.ts'));
    const summary = path.join(tempDir(), 'step_summary.md');
    fs.writeFileSync(summary, '# earlier step\n');

    // --cache shared: every migrated file also gets a `shared-cache` warning (12 of them).
    const r = cli(['src', '--check', '--reporter', 'github', '--cache', 'shared'], d, { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    const count = (level: string) => lines.filter((l) => l.startsWith(`::${level} `)).length;
    // 1 review item + 13 would-change files = 14 errors; 12 warnings.
    expect(count('error')).toBe(10);
    expect(count('warning')).toBe(10);
    expect(count('notice')).toBe(0);
    expect(lines[0]).toMatch(/^::error file=src\/loop\.ts,line=17,col=5,title=request-dependent-option::/);
    expect(lines.at(-2)).toBe(
      'alova-ssr-migrate: 6 more annotations not shown (4 error and 2 warning; GitHub shows at most 10 per level); the job summary lists all of them.',
    );
    expect(lines.at(-1)).toBe('alova-ssr-migrate: Exit 1: --check found 13 files to migrate and 1 manual-review item.');

    const md = fs.readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n## alova-ssr-migrate ')).toBe(true);
    expect(md).toContain(':x: **Exit 1: --check found 13 files to migrate and 1 manual-review item.**');
    // Everything, uncapped: 13 review rows (1 manual review, 12 warnings) and 13 file rows.
    expect(md.match(/^\| warning \| `src\/r\d\d\.ts:\d+:\d+` \| `shared-cache` \|/gm)).toHaveLength(12);
    expect(md.match(/^\| manual review \| `src\/loop\.ts:17:5` \| `request-dependent-option` \|/gm)).toHaveLength(1);
    expect(md.match(/^\| `src\/[^`]+` \| would-change \|/gm)).toHaveLength(13);
    await expect(md.slice('# earlier step\n'.length)).toMatchFileSnapshot('__snapshots__/cli-github-step-summary.txt');

    // A second step appends again; nothing is overwritten.
    cli(['src', '--check', '--reporter', 'github'], d, { GITHUB_STEP_SUMMARY: summary });
    expect(fs.readFileSync(summary, 'utf8').match(/^## alova-ssr-migrate /gm)).toHaveLength(2);
  });

  it('without GITHUB_STEP_SUMMARY the overflow line points at the other reporters; an unwritable summary is one stderr line', () => {
    const d = tempDir();
    for (let i = 0; i < 11; i++) put(d, `src/r${String(i).padStart(2, '0')}.ts`, fixture('named-import-arrow.input.ts'));
    const r = cli(['src', '--check', '--reporter', 'github'], d);
    expect(r.stdout).toContain('; run with --reporter text or json to see all of them.');
    const bad = cli(['src', '--check', '--reporter', 'github'], d, { GITHUB_STEP_SUMMARY: path.join(d, 'no/such/dir/summary.md') });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('alova-ssr-migrate: cannot append to $GITHUB_STEP_SUMMARY\n');
  });
});

// ---- 5. baselines -----------------------------------------------------------------------------

describe('--baseline / --write-baseline', () => {
  function loopProject(): string {
    const d = tempDir();
    put(d, 'package.json', SERVER_PKG);
    put(d, 'src/jobs/loop.ts', fixture('review-request-ttl.input.ts'));
    put(d, 'src/util.ts', PLAIN);
    return d;
  }

  it('write, pass, a new item fails, moved code still matches, fixed code leaves a note', () => {
    const d = loopProject();
    const before = cli(['src', '--check'], d);
    expect(before.code).toBe(1);
    expect(lastLine(before.stdout)).toBe('Exit 1: --check found 1 manual-review item. Fix the items listed above (each has a hint and a docs link).');

    const w = cli(['src', '--check', '--write-baseline', 'b.json'], d);
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/^ {2}Baselined {2,}1 {2,}suppressed by --baseline$/m);
    const written = JSON.parse(fs.readFileSync(path.join(d, 'b.json'), 'utf8'));
    expect(written.version).toBe(1);
    expect(written.entries).toEqual([{ ruleId: 'request-dependent-option', file: 'src/jobs/loop.ts', hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    // Apply mode (not a git repo) also writes it and exits 0; the file is byte-identical.
    const w2 = cli(['src', '--write-baseline', 'b2.json'], d);
    expect(w2.code).toBe(0);
    expect(fs.readFileSync(path.join(d, 'b2.json'), 'utf8')).toBe(fs.readFileSync(path.join(d, 'b.json'), 'utf8'));

    const pass = cli(['src', '--check', '--baseline', 'b.json'], d);
    expect(pass.code).toBe(0);
    expect(lastLine(pass.stdout)).toBe('Check passed: nothing to migrate.');
    expect(pass.stdout).not.toContain('request-dependent-option  ');

    // A NEW review item in another file fails; only the new one is listed.
    put(d, 'src/jobs/other.js', fixture('review-this-before-super.input.js'));
    const fail = cli(['src', '--check', '--baseline', 'b.json'], d);
    expect(fail.code).toBe(1);
    expect(lastLine(fail.stdout)).toBe('Exit 1: --check found 1 manual-review item. Fix the items listed above (each has a hint and a docs link).');
    expect(fail.stdout).toMatch(/src\/jobs\/other\.js:10:19 +uses-this/);
    expect(fail.stdout).not.toMatch(/src\/jobs\/loop\.ts:\d+:\d+/);
    fs.rmSync(path.join(d, 'src/jobs/other.js'));

    // The same item copied into another file is new too (entries are per file).
    put(d, 'src/jobs/loop2.ts', fixture('review-request-ttl.input.ts'));
    const copy = cli(['src', '--check', '--baseline', 'b.json', '--reporter', 'json'], d);
    expect(copy.code).toBe(1);
    expect(jsonFiles(copy.stdout).flatMap((f) => f.items.map((i) => i.file))).toEqual(['src/jobs/loop2.ts']);
    fs.rmSync(path.join(d, 'src/jobs/loop2.ts'));

    // Lines added above the item move it down (17 -> 21): still baselined.
    const loop = path.join(d, 'src/jobs/loop.ts');
    fs.writeFileSync(loop, '// one\n// two\n// three\n\n' + fs.readFileSync(loop, 'utf8'));
    const moved = cli(['src', '--check', '--reporter', 'json'], d);
    expect(jsonFiles(moved.stdout).flatMap((f) => f.items)).toEqual([expect.objectContaining({ ruleId: 'request-dependent-option', line: 21, col: 5 })]);
    const movedPass = cli(['src', '--check', '--baseline', 'b.json'], d);
    expect(movedPass.code).toBe(0);
    expect(lastLine(movedPass.stdout)).toBe('Check passed: nothing to migrate.');

    // The item's line changed: no longer the recorded code, so it fails again.
    fs.writeFileSync(loop, fs.readFileSync(loop, 'utf8').replace('cacheFor: { GET: ttl },', 'cacheFor: { GET: ttl * 2 },'));
    const changed = cli(['src', '--check', '--baseline', 'b.json'], d);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/baseline: 1 entry matches no current item/);

    // The code was fixed (no alova left): passes, with a note to re-write the baseline.
    fs.writeFileSync(loop, PLAIN);
    const fixed = cli(['src', '--check', '--baseline', 'b.json'], d);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('baseline: 1 entry matches no current item (fixed or changed code); re-run with --write-baseline to drop it');
  });

  it('a baseline does not hide files that would change', () => {
    const d = loopProject();
    expect(cli(['src', '--check', '--write-baseline', 'b.json'], d).code).toBe(0);
    put(d, 'src/routes.ts', fixture('named-import-arrow.input.ts'));
    const r = cli(['src', '--check', '--baseline', 'b.json'], d);
    expect(r.code).toBe(1);
    expect(lastLine(r.stdout)).toBe('Exit 1: --check found 2 files to migrate. Run `npx alova-ssr-migrate src` to migrate (add --dry to review first).');
  });

  it('a corrupt, missing or wrong-version baseline: exit 2 and one line on stderr, nothing on stdout', () => {
    const d = loopProject();
    const cases: [string, string | null, RegExp][] = [
      // A merge conflict left in the file; the JSON error's excerpt has a line break in it.
      ['conflict.json', '<<<<<<< HEAD\n{"version": 1, "entries": []}\n=======\n', /^alova-ssr-migrate: --baseline conflict\.json: Invalid baseline: not valid JSON \(.+\)\.$/],
      ['nl.json', '{\n"version": 1,\n"entries": [}\n', /^alova-ssr-migrate: --baseline nl\.json: Invalid baseline: not valid JSON \(.+\)\.$/],
      ['v2.json', '{"version": 2, "entries": []}', /^alova-ssr-migrate: --baseline v2\.json: Invalid baseline: unsupported version 2 .*--write-baseline\.$/],
      ['shape.json', '{"version": 1, "entries": [{"ruleId": "request-dependent-option", "file": "x", "hash": "nothex"}]}', /^alova-ssr-migrate: --baseline shape\.json: Invalid baseline: entries\[0\]\.hash must be a sha256/],
      ['missing.json', null, /^alova-ssr-migrate: cannot read --baseline missing\.json: ENOENT$/],
    ];
    for (const [name, content, message] of cases) {
      if (content !== null) fs.writeFileSync(path.join(d, name), content);
      const r = cli(['src', '--check', '--baseline', name], d);
      expect(r.code, name).toBe(2);
      expect(r.stdout, name).toBe('');
      expect(r.stderr.endsWith('\n'), name).toBe(true);
      expect(r.stderr.trimEnd().split('\n'), name).toHaveLength(1);
      expect(r.stderr.trimEnd(), name).toMatch(message);
    }
  });

  it('--write-baseline to an unwritable path: exit 2, one line', () => {
    const d = loopProject();
    const r = cli(['src', '--check', '--write-baseline', 'no/such/dir/b.json'], d);
    expect(r.code).toBe(2);
    // Checked before the run: nothing is written (issue 10, plan then write).
    expect(r.stderr).toBe('alova-ssr-migrate: cannot write --write-baseline no/such/dir/b.json: the folder no/such/dir does not exist; nothing was written\n');
  });
});

// ---- 6. --changed-since -----------------------------------------------------------------------

describe('--changed-since on a real git repository', () => {
  const migratable = () => fixture('named-import-arrow.input.ts');

  it('selects committed, staged, unstaged and untracked changes (non-ASCII names too), not the rest', () => {
    const d = tempDir();
    put(d, '.gitignore', 'src/generated/\n');
    put(d, 'src/a-untouched.ts', migratable());
    put(d, 'src/b-committed.ts', migratable());
    put(d, 'src/d-unstaged.ts', migratable());
    put(d, 'src/g-deleted.ts', migratable());
    put(d, 'src/util.ts', PLAIN);
    gitInit(d);
    git(d, 'tag', 'base');
    fs.appendFileSync(path.join(d, 'src/b-committed.ts'), '// changed\n');
    put(d, 'src/c-new-committed.ts', migratable());
    fs.rmSync(path.join(d, 'src/g-deleted.ts'));
    git(d, 'add', '-A');
    git(d, 'commit', '-qm', 'second');
    fs.appendFileSync(path.join(d, 'src/d-unstaged.ts'), '// wip\n');
    put(d, 'src/e-staged.ts', migratable());
    git(d, 'add', 'src/e-staged.ts');
    put(d, 'src/f-untracked.ts', migratable());
    put(d, 'src/h-ünïcode.ts', migratable());
    put(d, 'src/sp ace.ts', migratable());
    put(d, 'src/generated/ignored.ts', migratable());

    const r = cli(['./src', '--check', '--reporter', 'json', '--changed-since', 'base'], d);
    expect(r.code).toBe(1);
    const expected = ['src/b-committed.ts', 'src/c-new-committed.ts', 'src/d-unstaged.ts', 'src/e-staged.ts', 'src/f-untracked.ts', 'src/h-ünïcode.ts', 'src/sp ace.ts'];
    expect(scanned(r.stdout)).toEqual(expected);
    const doc = JSON.parse(r.stdout);
    expect(doc.notes).toContain('--changed-since base: 7 of 9 files selected');
    expect(doc.summary.filesChanged).toBe(8); // the 7 files and the context module

    // HEAD: only the uncommitted and untracked files.
    const head = cli(['./src', '--check', '--reporter', 'json', '--changed-since', 'HEAD'], d);
    expect(scanned(head.stdout)).toEqual(['src/d-unstaged.ts', 'src/e-staged.ts', 'src/f-untracked.ts', 'src/h-ünïcode.ts', 'src/sp ace.ts']);

    // From a subfolder: the same selection, paths relative to the working directory.
    const sub = cli(['.', '--check', '--reporter', 'json', '--changed-since', 'base'], path.join(d, 'src'));
    expect(scanned(sub.stdout)).toEqual(expected.map((f) => f.slice('src/'.length)));

    // The text report says how many files were selected; the reason is on the last line.
    const text = cli(['./src', '--check', '--changed-since', 'base'], d);
    expect(text.stdout).toContain('--changed-since base: 7 of 9 files selected');
    // The command that fixes it migrates what was checked: the same selection.
    expect(lastLine(text.stdout)).toBe('Exit 1: --check found 8 files to migrate. Run `npx alova-ssr-migrate ./src --changed-since base` to migrate (add --dry to review first).');

    // Nothing changed since HEAD after committing everything: the check passes.
    git(d, 'add', '-A');
    git(d, 'commit', '-qm', 'third');
    const clean = cli(['./src', '--check', '--changed-since', 'HEAD'], d);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('--changed-since HEAD: 0 of 9 files selected');
  });

  it('in a pull request clone: files changed on the base branch after the branch point are not selected', () => {
    const origin = tempDir();
    put(origin, 'src/shared.ts', migratable());
    put(origin, 'src/mine.ts', PLAIN);
    gitInit(origin);
    const clone = tempDir();
    git(clone, 'clone', '-q', origin, '.');
    git(clone, 'checkout', '-qb', 'feature');
    put(clone, 'src/mine.ts', migratable());
    git(clone, 'commit', '-qam', 'feature work');
    // The base branch moves on after the branch point; CI fetches it (fetch-depth: 0).
    fs.appendFileSync(path.join(origin, 'src/shared.ts'), '// upstream change\n');
    put(origin, 'src/upstream-new.ts', migratable());
    git(origin, 'add', '-A');
    git(origin, 'commit', '-qm', 'upstream');
    git(clone, 'fetch', '-q', 'origin');

    const r = cli(['./src', '--check', '--reporter', 'json', '--changed-since', 'origin/main'], clone);
    expect(r.code).toBe(1);
    expect(scanned(r.stdout)).toEqual(['src/mine.ts']);
  });

  it('an unknown ref, an option-looking ref, or no git repository: exit 2 and one line on stderr (no file was read)', () => {
    const d = tempDir();
    put(d, 'src/a.ts', migratable());
    gitInit(d);
    const unknown = cli(['./src', '--check', '--changed-since', 'no-such-branch'], d);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe('alova-ssr-migrate: --changed-since: unknown git ref "no-such-branch"\n');
    const json = cli(['./src', '--check', '--reporter', 'json', '--changed-since', 'no-such-branch'], d);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).files).toEqual([]);

    const sneaky = cli(['./src', '--check', '--changed-since=--output=pwned.txt'], d);
    expect(sneaky.code).toBe(2);
    expect(fs.existsSync(path.join(d, 'pwned.txt'))).toBe(false);

    const noGit = tempDir();
    put(noGit, 'a.ts', migratable());
    const r = cli(['.', '--check', '--changed-since', 'HEAD'], noGit);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^alova-ssr-migrate: --changed-since needs a git work tree \(.+\)\.?\n$/);
  });
});

// ---- 7 + 10. exit codes, and the reason on the last line --------------------------------------

describe('exit codes for every combination (the text summary ends with the reason)', () => {
  /** A project from a list of [path, content]. */
  function proj(files: [string, string][]): string {
    const d = tempDir();
    put(d, 'package.json', SERVER_PKG);
    for (const [rel, text] of files) put(d, rel, text);
    return d;
  }
  const migratable: [string, string] = ['src/routes.ts', fixture('named-import-arrow.input.ts')];
  const review: [string, string] = ['src/loop.ts', fixture('review-request-ttl.input.ts')];
  const broken: [string, string] = ['src/broken.ts', BROKEN];
  const plain: [string, string] = ['src/util.ts', PLAIN];
  // A fixed `id` on a factory the tool cannot migrate (a per-call cache lifetime): the security finding
  // stays, the file is left unchanged.
  const securityBlocked: [string, string] = ['src/users.ts', fixture('review-request-ttl.input.ts').replace('return createAlova({', "return createAlova({\n    id: 'user-api',")];

  interface Case {
    name: string;
    files: [string, string][];
    args: string[];
    code: 0 | 1 | 2;
    /** The exit reason (JSON `exitReason`), or the outcome line when the code is 0. */
    last: string | RegExp;
    /** What the text report adds after the reason: a failed --check ends with what fixes it. */
    next?: string;
    /** An error found before any file is read: the text reporter prints one line on stderr, no report. */
    preflight?: boolean;
    prepare?: (d: string) => void;
  }
  const RUN = 'Run `npx alova-ssr-migrate src` to migrate (add --dry to review first).';
  const FIX = 'Fix the items listed above (each has a hint and a docs link).';
  const FAILED = 'Fix the files that failed.';
  const cases: Case[] = [
    { name: 'clean, --check', files: [plain, ['src/api.ts', fixture('module-level-instance.input.ts')]], args: ['--check'], code: 0, last: 'Check passed: nothing to migrate.' },
    { name: 'clean, --dry', files: [plain], args: ['--dry'], code: 0, last: 'Dry run: nothing to migrate.' },
    { name: 'clean, apply', files: [plain], args: [], code: 0, last: 'Done: nothing to migrate.' },
    { name: 'would change, --check', files: [migratable, plain], args: ['--check'], code: 1, last: 'Exit 1: --check found 2 files to migrate.', next: RUN },
    { name: 'would change, --dry', files: [migratable, plain], args: ['--dry'], code: 0, last: 'Dry run: 2 files would change. Run without --dry to apply.' },
    { name: 'review item only, --check', files: [review], args: ['--check'], code: 1, last: 'Exit 1: --check found 1 manual-review item.', next: FIX },
    { name: 'review item only, --dry', files: [review], args: ['--dry'], code: 0, last: 'Dry run: nothing to migrate. 1 manual-review item to look at (listed above).' },
    { name: 'review item only, apply', files: [review], args: [], code: 0, last: 'Done: nothing to migrate. 1 manual-review item to look at (listed above).' },
    {
      name: 'security finding (with a would-change file), --check',
      files: [['src/users.ts', fixture('fixed-id.input.ts')]],
      args: ['--check'],
      code: 1,
      last: 'Exit 1: --check found 2 files to migrate and 1 security finding.',
      next: `${RUN} ${FIX}`,
    },
    {
      name: 'security finding + review item, nothing migratable, --check',
      files: [securityBlocked],
      args: ['--check'],
      code: 1,
      last: 'Exit 1: --check found 1 security finding and 1 manual-review item.',
      next: FIX,
    },
    {
      name: 'security finding only (review item baselined), --check',
      files: [securityBlocked],
      args: ['--check', '--baseline', 'b.json'],
      code: 1,
      last: 'Exit 1: --check found 1 security finding.',
      next: FIX,
      prepare: (d) => {
        // A baseline that records the review item but not the security finding.
        cli(['src', '--check', '--write-baseline', 'all.json'], d);
        const all = JSON.parse(fs.readFileSync(path.join(d, 'all.json'), 'utf8'));
        all.entries = all.entries.filter((e: { ruleId: string }) => e.ruleId === 'request-dependent-option');
        expect(all.entries).toHaveLength(1);
        fs.writeFileSync(path.join(d, 'b.json'), JSON.stringify(all));
      },
    },
    {
      name: 'security finding only, --dry (not a failure outside --check)',
      files: [securityBlocked],
      args: ['--dry', '--baseline', 'b.json'],
      code: 0,
      last: 'Dry run: nothing to migrate. 1 security finding to fix (listed above).',
      prepare: (d) => {
        cli(['src', '--check', '--write-baseline', 'all.json'], d);
        const all = JSON.parse(fs.readFileSync(path.join(d, 'all.json'), 'utf8'));
        all.entries = all.entries.filter((e: { ruleId: string }) => e.ruleId === 'request-dependent-option');
        fs.writeFileSync(path.join(d, 'b.json'), JSON.stringify(all));
      },
    },
    // Warnings never fail on their own. `shared-cache` only exists on a file that is being
    // migrated, so in --check it always comes with "files to migrate": the reason names only those.
    { name: 'warning + would change, --check --cache shared', files: [migratable], args: ['--check', '--cache', 'shared'], code: 1, last: 'Exit 1: --check found 2 files to migrate.', next: RUN.replace('src`', 'src --cache shared`') },
    { name: 'warning + would change, --dry --cache shared', files: [migratable], args: ['--dry', '--cache', 'shared'], code: 0, last: 'Dry run: 2 files would change. Run without --dry to apply.' },
    { name: 'failed file only, --check', files: [broken, plain], args: ['--check'], code: 1, last: 'Exit 1: --check found 1 file that failed.', next: FAILED },
    { name: 'failed file only, --dry', files: [broken, plain], args: ['--dry'], code: 1, last: 'Exit 1: 1 file that failed.' },
    { name: 'failed file + would change, --check', files: [broken, migratable], args: ['--check'], code: 1, last: 'Exit 1: --check found 2 files to migrate and 1 file that failed.', next: `${RUN} ${FAILED}` },
    { name: 'failed file + would change, --dry', files: [broken, migratable], args: ['--dry'], code: 1, last: 'Exit 1: 1 file that failed.' },
    { name: 'failed file + migrated, apply', files: [broken, migratable], args: [], code: 1, last: 'Exit 1: 1 file that failed.' },
    {
      name: 'run error + failed file + would change, --check (2 wins)',
      files: [broken, migratable, ['src/alova-request-context.ts', 'export const x = 1;\n']],
      args: ['--check'],
      code: 2,
      last: /^Exit 2: 1 run error, first: context-module-conflict: src\/alova-request-context\.ts exists .* \(also 1 file to migrate and 1 file that failed\)\.$/,
    },
    {
      name: 'run error + failed file, apply (2 wins, nothing written)',
      files: [broken, migratable, ['src/alova-request-context.ts', 'export const x = 1;\n']],
      args: [],
      code: 2,
      last: /^Exit 2: 1 run error, first: context-module-conflict: .* \(also 1 file that failed\)\.$/,
    },
    { name: 'run error: path not found', files: [migratable], args: ['--check', 'nope'], code: 2, last: 'Exit 2: 1 run error, first: path-not-found: path not found: nope.', preflight: true },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const d = proj(c.files);
      c.prepare?.(d);
      const before = snapshotTree(d);
      const r = cli(['src', ...c.args], d);
      expect(r.code, r.stdout + r.stderr).toBe(c.code);
      // The text report's last line: the reason, then (a failed --check) what fixes it.
      const text = c.preflight ? '' : lastLine(r.stdout);
      if (c.preflight) {
        expect(r.stdout).toBe('');
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      } else if (typeof c.last === 'string') expect(text).toBe(c.next ? `${c.last} ${c.next}` : c.last);
      else expect(text).toMatch(c.last);
      if (c.code !== 0 && !c.preflight) expect(text).toMatch(new RegExp(`^Exit ${c.code}: `));
      if (!c.args.includes('--check') && !c.args.includes('--dry')) return;
      // Read-only modes: nothing written, and re-runs give the same answer in every form.
      expect(snapshotTree(d)).toEqual(before);
      const q = cli(['src', ...c.args, '--quiet'], d);
      expect(q.code).toBe(c.code);
      expect(q.stdout).toBe(c.preflight ? '' : `${text}\n`);
      const j = cli(['src', ...c.args, '--reporter', 'json'], d);
      expect(j.code).toBe(c.code);
      const doc = JSON.parse(j.stdout);
      expect(doc.exitCode).toBe(c.code);
      if (typeof c.last === 'string') expect(doc.exitReason).toBe(c.code === 0 ? '' : c.last);
      else expect(doc.exitReason).toMatch(c.last);
    });
  }

  it('warning only: after applying with --cache shared, --check --cache shared passes and no warning is left', () => {
    const d = proj([migratable]);
    expect(cli(['src', '--cache', 'shared'], d).code).toBe(0);
    const r = cli(['src', '--check', '--cache', 'shared', '--reporter', 'json'], d);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary.warnings).toBe(0);
    expect(doc.summary.filesChanged).toBe(0);
  });

  it('run error + failed file in apply mode writes nothing', () => {
    const d = proj([broken, migratable, ['src/alova-request-context.ts', 'export const x = 1;\n']]);
    const before = snapshotTree(d);
    expect(cli(['src'], d).code).toBe(2);
    expect(snapshotTree(d)).toEqual(before);
  });
});

// ---- 8. no TTY, no git ------------------------------------------------------------------------

describe('without a TTY and without git', () => {
  it('not a git repository: apply exits 0, notes the skipped dirty-tree guard, no colour, no progress', () => {
    const d = tempDir();
    // > 200 candidates would show the progress bar on a TTY; here stderr is a pipe.
    for (let i = 0; i < 3; i++) put(d, `src/r${i}.ts`, fixture('named-import-arrow.input.ts'));
    const r = cli(['src'], d, { NO_COLOR: undefined, CI: undefined });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toMatch(/^Notes\n {2}not inside a git work tree: the dirty-tree guard was skipped$/m);
    expect(lastLine(r.stdout)).toBe('Done: 4 files migrated.');
    expect(fs.readFileSync(path.join(d, 'src/r0.ts'), 'utf8')).toContain('provideAlovaContext');
  });

  it('git not installed (not on PATH): apply exits 0 with the note; --changed-since exits 2', () => {
    const d = tempDir();
    put(d, 'src/routes.ts', fixture('named-import-arrow.input.ts'));
    const env = { PATH: path.join(d, 'no-bin'), NO_COLOR: undefined, CI: undefined };
    const r = cli(['src'], d, env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('git is not installed: the dirty-tree guard was skipped');
    expect(r.stdout).not.toContain('\u001b');
    const cs = cli(['src', '--check', '--changed-since', 'main'], d, env);
    expect(cs.code).toBe(2);
    expect(cs.stdout).toBe('');
    expect(cs.stderr).toMatch(/^alova-ssr-migrate: --changed-since needs a git work tree/);
  });
});

// ---- 9. | head --------------------------------------------------------------------------------

describe('piping into head', () => {
  it('--dry | head -n 1 prints one line; no EPIPE or stack trace', () => {
    const d = tempDir();
    for (let i = 0; i < 60; i++) put(d, `src/m${i % 5}/r${i}.ts`, fixture('named-import-arrow.input.ts'));
    const full = cli(['src', '--dry'], d);
    // Bigger than a pipe buffer (64 KiB on Linux), so the writer really hits a closed pipe.
    expect(full.stdout.length).toBeGreaterThan(64 * 1024);
    for (const extra of [[], ['--diff-only'], ['--reporter', 'json']]) {
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" src --dry ${extra.join(' ')} | head -n 1; echo "status=\${PIPESTATUS[0]}" >&2`], {
        cwd: d,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', CI: '1' },
      });
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stderr).not.toMatch(/EPIPE|Error|\bat .*:\d+:\d+/);
      expect(r.stderr).toMatch(/status=0\n$/);
    }
  }, 60_000);
});
