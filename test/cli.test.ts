/**
 * The built CLI (dist/bin) run as a user runs it, on temporary copies: modes, exit codes, what
 * is written and what is not, bad input, and file details (CRLF, BOM, permissions).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, FIX, REPO, cli, tempDir } from './helpers/cli.js';

/** A small project: two migratable files, one file without alova, one with a review item. */
function project(): string {
  const d = tempDir();
  fs.mkdirSync(path.join(d, 'src'));
  // A server app (it depends on express, on no UI framework): its factories are per-request server code.
  fs.writeFileSync(path.join(d, 'package.json'), '{ "name": "p", "private": true, "type": "module", "dependencies": { "express": "^5.1.0" } }\n');
  fs.copyFileSync(path.join(FIX, 'named-import-arrow.input.ts'), path.join(d, 'src/routes.ts'));
  fs.copyFileSync(path.join(FIX, 'direct-in-handler.input.js'), path.join(d, 'src/server.js'));
  fs.writeFileSync(path.join(d, 'src/util.ts'), 'export const add = (a: number, b: number) => a + b;\n');
  fs.copyFileSync(path.join(FIX, 'review-request-ttl.input.ts'), path.join(d, 'src/loop.ts'));
  return d;
}

function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[path.relative(dir, p)] = fs.readFileSync(p, 'latin1') + `|mode=${(fs.statSync(p).mode & 0o777).toString(8)}`;
    }
  };
  walk(dir);
  return out;
}

function git(cwd: string, ...args: string[]) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('modes and exit codes', () => {
  it('--dry prints unified diffs and the summary, writes nothing, exits 0', () => {
    const d = project();
    const before = snapshotTree(d);
    const r = cli(['src', '--dry'], d);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--- a/src/routes.ts');
    expect(r.stdout).toContain('+++ b/src/routes.ts');
    // The generated module is one line in --dry; --verbose shows it whole.
    expect(r.stdout).not.toContain('+++ b/src/alova-request-context.ts');
    expect(r.stdout).toMatch(/^\+ src\/alova-request-context\.ts \(new, generated, \d+ lines\)$/m);
    expect(cli(['src', '--dry', '--verbose'], d).stdout).toContain('+++ b/src/alova-request-context.ts');
    expect(r.stdout).toMatch(/Factories migrated\s+2/);
    expect(r.stdout).toContain('src/loop.ts:17:5');
    expect(r.stdout).toContain('request-dependent-option');
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/Run without --dry to apply/);
    expect(snapshotTree(d)).toEqual(before);
  });

  it('--check writes nothing and exits 1 with the reason on the last line', () => {
    const d = project();
    const before = snapshotTree(d);
    const r = cli(['src', '--check'], d);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/^Exit 1: --check found .*files? to migrate.*manual-review item/);
    expect(snapshotTree(d)).toEqual(before);
  });

  it('apply writes the migration, a second run changes nothing, --check then only reports the item', () => {
    const d = project();
    const r = cli(['src'], d);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/not inside a git work tree: the dirty-tree guard was skipped/);
    const routes = fs.readFileSync(path.join(d, 'src/routes.ts'), 'utf8');
    expect(routes).toBe(fs.readFileSync(path.join(FIX, 'named-import-arrow.output.ts'), 'utf8').replaceAll('named-import-arrow.ts#', 'src/routes.ts#'));
    expect(fs.existsSync(path.join(d, 'src/alova-request-context.ts'))).toBe(true);
    // One module per package: the JavaScript file imports the TypeScript one (no tsconfig builds the package).
    expect(fs.existsSync(path.join(d, 'src/alova-request-context.mjs'))).toBe(false);
    expect(fs.readFileSync(path.join(d, 'src/server.js'), 'utf8')).toContain("from './alova-request-context.ts'");
    const after = snapshotTree(d);
    const again = cli(['src'], d);
    expect(again.code).toBe(0);
    expect(snapshotTree(d)).toEqual(after);
    const check = cli(['src', '--check'], d);
    expect(check.code).toBe(1);
    expect(check.stdout.trimEnd().split('\n').pop()).toMatch(/1 manual-review item/);
    expect(check.stdout).not.toMatch(/files? to migrate/);
  });

  it('--check exits 0 on a clean tree', () => {
    const d = tempDir();
    fs.copyFileSync(path.join(FIX, 'module-level-instance.input.ts'), path.join(d, 'api.ts'));
    const r = cli(['.', '--check'], d);
    expect(r.code).toBe(0);
  });

  it('--reporter json prints exactly one JSON document on stdout with files, edits and items', () => {
    const d = project();
    const r = cli(['src', '--check', '--reporter', 'json'], d);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.schemaVersion).toBe(2);
    const byFile = Object.fromEntries(doc.files.map((f: { file: string }) => [f.file, f]));
    expect(byFile['src/routes.ts'].status).toBe('would-change');
    expect(byFile['src/util.ts'].status).toBe('not-applicable');
    expect(byFile['src/loop.ts'].status).toBe('unchanged');
    expect(byFile['src/loop.ts'].items[0]).toMatchObject({ ruleId: 'request-dependent-option', file: 'src/loop.ts', line: 17, col: 5 });
    expect(byFile['src/routes.ts'].edits.map((e: { ruleId: string }) => e.ruleId)).toContain('hoist-instance');
    expect(doc.exitCode).toBe(1);
  });

  it('unknown flag: exit 2 and a one-line message, no stack trace', () => {
    const r = cli(['--frobnicate'], tempDir());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/unknown option '--frobnicate'/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('usage errors exit 2: --dry with --check, a missing path, a bad --cache value', () => {
    const d = tempDir();
    expect(cli(['--dry', '--check'], d).code).toBe(2);
    const missing = cli(['nope', '--check'], d);
    expect(missing.code).toBe(2);
    // Nothing was looked at: one line on stderr, no summary.
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe('alova-ssr-migrate: path not found: nope\n');
    expect(cli(['--cache', 'sometimes'], d).code).toBe(2);
  });

  it('--help shows examples and exits 0; --version prints the version', () => {
    const h = cli(['--help'], tempDir());
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/Examples:/);
    const v = cli(['--version'], tempDir());
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version);
  });
});

describe('git dirty-tree guard', () => {
  it('refuses to write with uncommitted changes (exit 2, says how to proceed), --allow-dirty writes', () => {
    const d = project();
    git(d, 'init', '-q');
    git(d, '-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.');
    git(d, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init');
    fs.appendFileSync(path.join(d, 'src/util.ts'), '// wip\n');
    const before = snapshotTree(d);
    const r = cli(['src'], d);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^alova-ssr-migrate: refusing to write: 1 uncommitted change\(s\).*--allow-dirty\.\n$/);
    expect(snapshotTree(d)).toEqual(before);
    const ok = cli(['src', '--allow-dirty'], d);
    expect(ok.code).toBe(0);
    expect(fs.readFileSync(path.join(d, 'src/routes.ts'), 'utf8')).toContain('provideAlovaContext');
  });

  it('writes on a clean git tree', () => {
    const d = project();
    git(d, 'init', '-q');
    git(d, 'add', '.');
    git(d, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init');
    expect(cli(['src'], d).code).toBe(0);
  });
});

describe('bad input never stops the run', () => {
  it('a syntax error is reported (exit 1) and the other files are still migrated', () => {
    const d = project();
    fs.writeFileSync(path.join(d, 'src/broken.ts'), "import { createAlova } from 'alova';\nexport function f( {\n");
    const r = cli(['src', '--allow-dirty'], d);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/src\/broken\.ts\s+syntax-error\s+syntax error at \d+:\d+: /);
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/Exit 1: 1 file that failed/);
    expect(fs.readFileSync(path.join(d, 'src/routes.ts'), 'utf8')).toContain('provideAlovaContext');
    expect(r.stderr).toBe('');
  });

  it('binary and huge files that mention createAlova fail --check (issue 10); broken symlinks are noted; a symlink loop does not hang', () => {
    const d = project();
    fs.writeFileSync(path.join(d, 'src/blob.js'), Buffer.from([0x63, 0x72, 0x65, 0x61, 0x74, 0x65, 0x41, 0x6c, 0x6f, 0x76, 0x61, 0, 1, 2]));
    fs.writeFileSync(path.join(d, 'src/huge.js'), '// createAlova\n' + 'x'.repeat(1024 * 1024 + 10));
    fs.symlinkSync(path.join(d, 'nowhere.ts'), path.join(d, 'src/dangling.ts'));
    fs.symlinkSync(path.join(d, 'src'), path.join(d, 'src/loop'));
    const r = cli(['src', '--check', '--reporter', 'json'], d);
    const doc = JSON.parse(r.stdout);
    const byFile = Object.fromEntries(doc.files.map((f: { file: string }) => [f.file, f]));
    expect(byFile['src/blob.js']).toMatchObject({ status: 'failed', reasonRuleId: 'binary-file' });
    expect(byFile['src/huge.js']).toMatchObject({ status: 'failed', reasonRuleId: 'file-too-large' });
    expect(doc.notes.join('\n')).toMatch(/src\/dangling\.ts: broken or looping symlink/);
    expect(doc.notes.join('\n')).toMatch(/src\/loop: directory already visited \(symlink loop\)/);
    expect(byFile['src/routes.ts'].status).toBe('would-change');
  });

  it('keeps CRLF line endings, the BOM and the file mode', () => {
    const d = tempDir();
    const src = fs.readFileSync(path.join(FIX, 'double-quotes-no-semi.input.js'), 'utf8');
    const file = path.join(d, 'api.js');
    // A "type": "module" package: the ES module imports an .mjs context module, as in the fixture.
    fs.writeFileSync(path.join(d, 'package.json'), '{ "type": "module" }\n');
    fs.writeFileSync(file, '\uFEFF' + src.replace(/\n/g, '\r\n'));
    fs.chmodSync(file, 0o751);
    const r = cli(['.', '--allow-dirty'], d);
    expect(r.code).toBe(0);
    const out = fs.readFileSync(file, 'utf8');
    expect(out.startsWith('\uFEFF')).toBe(true);
    expect(out.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(out).toBe('\uFEFF' + fs.readFileSync(path.join(FIX, 'double-quotes-no-semi.output.js'), 'utf8').replaceAll('double-quotes-no-semi.js#', 'api.js#').replace(/\n/g, '\r\n'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o751);
    expect(fs.readdirSync(d).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

describe('discovery', () => {
  it('respects nested .gitignore with negation, --ignore globs, always-skipped folders and .d.ts', () => {
    const d = project();
    fs.mkdirSync(path.join(d, 'src/gen'));
    fs.mkdirSync(path.join(d, 'src/node_modules/x'), { recursive: true });
    const migratable = fs.readFileSync(path.join(FIX, 'aliased-import.input.ts'), 'utf8');
    for (const f of ['src/gen/a.ts', 'src/gen/keep.ts', 'src/node_modules/x/i.ts', 'src/types.d.ts', 'src/legacy.ts']) fs.writeFileSync(path.join(d, f), migratable);
    fs.writeFileSync(path.join(d, 'src/.gitignore'), 'gen/*\n!gen/keep.ts\n');
    const r = cli(['src', '--check', '--reporter', 'json', '--ignore', 'src/legacy.ts'], d);
    const files = JSON.parse(r.stdout).files.map((f: { file: string }) => f.file);
    expect(files).toContain('src/gen/keep.ts');
    expect(files).not.toContain('src/gen/a.ts');
    expect(files).not.toContain('src/node_modules/x/i.ts');
    expect(files).not.toContain('src/types.d.ts');
    expect(files).not.toContain('src/legacy.ts');
    const noGit = JSON.parse(cli(['src', '--check', '--reporter', 'json', '--no-gitignore'], d).stdout).files.map((f: { file: string }) => f.file);
    expect(noGit).toContain('src/gen/a.ts');
  });

  it('accounts for every file of a 3,000-file tree under ulimit -n 256', () => {
    const d = tempDir();
    const migratable = fs.readFileSync(path.join(FIX, 'aliased-import.input.ts'), 'utf8');
    let planted = 0;
    for (let i = 0; i < 3000; i++) {
      const dir = path.join(d, `m${i % 30}`);
      fs.mkdirSync(dir, { recursive: true });
      const isFactory = i % 100 === 7;
      if (isFactory) planted++;
      fs.writeFileSync(path.join(dir, `f${i}.ts`), isFactory ? migratable : `export const v${i} = ${i};\n`);
    }
    const r = spawnSync('bash', ['-c', `ulimit -n 256 && exec "${process.execPath}" "${BIN}" . --check --reporter json`], { cwd: d, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const doc = JSON.parse(r.stdout);
    expect(doc.files.filter((f: { created?: boolean }) => !f.created)).toHaveLength(3000);
    expect(doc.summary.factoriesMigrated).toBe(planted);
    expect(doc.files.filter((f: { status: string }) => f.status === 'failed')).toEqual([]);
  }, 60_000);
});

describe('packaging', () => {
  it('the built bin is executable, so `npx alova-ssr-migrate` works in a fresh clone (the quick start)', () => {
    expect(fs.statSync(BIN).mode & 0o111).not.toBe(0);
    const r = spawnSync('npx', ['--no-install', 'alova-ssr-migrate', '--version'], { cwd: REPO, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version);
  });
  // The packed tarball is tested in test/package.test.ts.
});

describe('worker pool', () => {
  it('gives exactly the same report as one thread (forced on, 600-file corpus)', () => {
    const d = tempDir();
    const gen = spawnSync(process.execPath, [path.join(REPO, 'bench/gen-corpus.mjs'), '--seed', '7', '--files', '600', '--out', path.join(d, 'corpus')], { encoding: 'utf8' });
    expect(gen.status, gen.stderr).toBe(0);
    const runWith = (workers: string) => {
      const r = spawnSync(process.execPath, [BIN, 'corpus', '--check', '--reporter', 'json'], {
        cwd: d,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, ALOVA_SSR_MIGRATE_WORKERS: workers },
      });
      const doc = JSON.parse(r.stdout);
      delete doc.summary.timings;
      return doc;
    };
    const single = runWith('0');
    const pooled = runWith('2');
    expect(single.summary.factoriesMigrated).toBeGreaterThan(0);
    expect(pooled).toEqual(single);
  }, 120_000);
});

describe('progress line', () => {
  it('shows one progress line on a terminal for runs over 200 files, and none when piped', () => {
    const d = tempDir();
    for (let i = 0; i < 250; i++) fs.writeFileSync(path.join(d, `f${i}.ts`), `export const v${i} = ${i};\n`);
    // util-linux `script` gives the CLI a real pseudo-terminal.
    const tty = spawnSync('script', ['-qc', `"${process.execPath}" "${BIN}" . --check --no-color`, '/dev/null'], {
      cwd: d,
      encoding: 'utf8',
      env: { ...process.env, CI: '' },
    });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/\[#+\] 250\/250 files 100%/);
    const piped = cli(['.', '--check'], d, { CI: '' });
    expect(piped.stdout + piped.stderr).not.toMatch(/\d+\/250 files/);
  });
});
