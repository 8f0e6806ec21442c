/**
 * The flags users know from jscodeshift, @next/codemod, eslint and prettier (issue 12), run on the
 * built CLI (dist/bin) in temporary projects: -d / --dry-run, --print, --workers, --verbose,
 * did-you-mean, --format patch (and its old name --diff-only), and the command a failed --check
 * ends with.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIX, cli, tempDir } from './helpers/cli.js';

/** A project with one migratable file (src/routes.ts) and one file the tool leaves alone. */
function project(): string {
  const d = tempDir('asm-flags-');
  fs.mkdirSync(path.join(d, 'src'));
  fs.writeFileSync(path.join(d, 'package.json'), '{ "name": "p", "private": true, "type": "module" }\n');
  fs.copyFileSync(path.join(FIX, 'named-import-arrow.input.ts'), path.join(d, 'src/routes.ts'));
  fs.writeFileSync(path.join(d, 'src/util.ts'), 'export const add = (a: number, b: number) => a + b;\n');
  return d;
}

/** The text report without the one line that differs between equal runs. */
const stable = (text: string) => text.replace(/^ {2}Elapsed .*$/m, '');

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) out[f] = fs.readFileSync(p, 'latin1');
  }
  return out;
}

describe('-d and --dry-run', () => {
  it('print exactly what --dry prints and write nothing', () => {
    const d = project();
    const before = tree(d);
    const dry = cli(['src', '--dry'], d);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('+++ b/src/routes.ts');
    for (const alias of ['-d', '--dry-run']) {
      const r = cli(['src', alias], d);
      expect(r.code, alias).toBe(0);
      expect(stable(r.stdout)).toBe(stable(dry.stdout));
    }
    expect(tree(d)).toEqual(before);
    expect(cli(['src', '--dry-run', '--check'], d).code).toBe(2);
  });
});

describe('--print', () => {
  it('prints the migrated source that apply would write, writes nothing, and says the generated module was not printed', () => {
    const d = project();
    const before = tree(d);
    const r = cli(['src', '--print'], d);
    expect(r.code).toBe(0);
    expect(tree(d)).toEqual(before);
    expect(r.stderr).toContain('not printed: src/alova-request-context.ts');
    expect(r.stderr.trimEnd().split('\n').pop()).toBe('2 file(s) would change; 1 printed.');
    const applied = cli(['src', '--allow-dirty'], d);
    expect(applied.code).toBe(0);
    expect(r.stdout).toBe(fs.readFileSync(path.join(d, 'src/routes.ts'), 'utf8'));
    expect(r.stdout).not.toBe(before['src/routes.ts']);
  });

  it('refuses combinations that would mix sources with a report', () => {
    const d = project();
    expect(cli(['src', '--print', '--check'], d).code).toBe(2);
    expect(cli(['src', '--print', '--format', 'patch'], d).code).toBe(2);
    const json = cli(['src', '--print', '--reporter', 'json'], d);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/--output-file/);
  });
});

describe('--workers <n>', () => {
  const debug = { ALOVA_SSR_MIGRATE_DEBUG: '1' };
  it('sets the worker threads, wins over ALOVA_SSR_MIGRATE_WORKERS, and gives the same report as one thread', () => {
    const d = project();
    const two = cli(['src', '--check', '--workers', '2', '--reporter', 'json'], d, debug);
    expect(two.stderr).toContain('worker pool: 2 worker thread(s)');
    const flagWins = cli(['src', '--check', '--workers', '2'], d, { ...debug, ALOVA_SSR_MIGRATE_WORKERS: '1' });
    expect(flagWins.stderr).toContain('worker pool: 2 worker thread(s)');
    const envFallback = cli(['src', '--check'], d, { ...debug, ALOVA_SSR_MIGRATE_WORKERS: '1' });
    expect(envFallback.stderr).toContain('worker pool: 1 worker thread(s)');
    const none = cli(['src', '--check', '--workers', '0', '--reporter', 'json'], d, debug);
    expect(none.stderr).not.toContain('worker pool');
    const withoutTimings = (text: string) => ({ ...JSON.parse(text), summary: { ...JSON.parse(text).summary, timings: null } });
    expect(withoutTimings(two.stdout)).toEqual(withoutTimings(none.stdout));
    expect(two.code).toBe(1);
  });

  it('rejects a value that is not a whole number', () => {
    for (const bad of ['x', '-1', '1.5']) {
      const r = cli(['src', '--workers', bad], project());
      expect(r.code, bad).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/--workers <n>.*whole number/);
    }
  });
});

describe('--verbose', () => {
  it('adds per-rule counts, per-stage timings and the generated module in full', () => {
    const d = project();
    const plain = cli(['src', '--dry'], d);
    const verbose = cli(['src', '--dry', '--verbose'], d);
    expect(plain.stdout).not.toMatch(/^Timings /m);
    expect(plain.stdout).not.toMatch(/^Rules$/m);
    expect(plain.stdout).toMatch(/^\+ src\/alova-request-context\.ts \(new, generated, \d+ lines\)$/m);
    expect(verbose.stdout).toMatch(/^Timings {2}discover \d/m);
    expect(verbose.stdout).toMatch(/^Rules\n {2}\S+ +\d+$/m);
    expect(verbose.stdout).toContain('+++ b/src/alova-request-context.ts');
  });
});

describe('did-you-mean', () => {
  it('suggests --check for --chek, on one line, exit 2, no report', () => {
    const r = cli(['src', '--chek'], project());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe("alova-ssr-migrate: unknown option '--chek' (Did you mean --check?)");
  });
});

describe('--format patch', () => {
  it('prints only the patch, like the old --diff-only (kept, hidden), and implies --dry', () => {
    const d = project();
    const before = tree(d);
    const patch = cli(['src', '--format', 'patch'], d);
    expect(patch.code).toBe(0);
    expect(patch.stdout).toMatch(/^diff --git a\/src\/alova-request-context\.ts/);
    expect(patch.stdout).not.toMatch(/Files scanned/);
    expect(patch.stderr).toBe('2 file(s) in the patch.\n');
    expect(cli(['src', '--dry', '--diff-only'], d).stdout).toBe(patch.stdout);
    expect(cli(['src', '--diff-only'], d).stdout).toBe(patch.stdout);
    expect(tree(d)).toEqual(before);
    expect(cli(['src', '--format', 'patch', '--check'], d).code).toBe(2);
    expect(cli(['src', '--format', 'zip'], d).code).toBe(2);
    const help = cli(['--help'], d).stdout;
    expect(help).toContain('--format <kind>');
    expect(help).not.toContain('--diff-only');
  });
});

describe('a failed --check ends with the command that fixes it', () => {
  it('keeps the options that shape the migration and drops the ones that only choose the output', () => {
    const d = project();
    const r = cli(['src', '--check', '--cache', 'off', '--output-file', 'out/report.sarif', '--reporter', 'sarif'], d);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe(
      'Exit 1: --check found 2 files to migrate. Run `npx alova-ssr-migrate src --cache off` to migrate (add --dry to review first).',
    );
    // Running it does fix it.
    expect(cli(['src', '--cache', 'off'], d).code).toBe(0);
    expect(cli(['src', '--check', '--cache', 'off'], d).code).toBe(0);
  });
});
