/**
 * File discovery: every record path equals path.relative(cwd, file) in POSIX form, wherever the
 * working directory is relative to the given paths (`--ignore` globs are matched against it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXTENSIONS, discover, toPosix } from '../src/discover.js';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'alova-discover-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

function tree(root: string, files: string[]) {
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), 'export {};\n');
  }
}

const run = (cwd: string, paths: string[], ignoreGlobs: string[] = []) => discover({ paths, cwd, extensions: DEFAULT_EXTENSIONS, ignoreGlobs, gitignore: true });

describe('discover: record paths', () => {
  const app = path.join(TMP, 'app');
  tree(app, ['server.js', 'legacy/server.js', 'legacy/deep/a.ts', 'src/b.ts', 'src/nested/c.tsx']);
  const sibling = path.join(TMP, 'other');
  tree(sibling, ['x.ts']);

  const cases: [string, string, string[]][] = [
    ['cwd = root', app, ['.']],
    ['root inside cwd', app, ['src']],
    ['cwd inside root', path.join(app, 'legacy'), ['..']],
    ['cwd two levels inside root', path.join(app, 'legacy', 'deep'), ['../..']],
    ['root is a sibling of cwd', app, ['../other']],
    ['several roots, cwd inside one', path.join(app, 'src'), ['..', '../../other']],
  ];
  for (const [name, cwd, paths] of cases) {
    it(`${name}: rel is path.relative(cwd, abs)`, () => {
      const found = run(cwd, paths);
      expect(found.files.length).toBeGreaterThan(0);
      for (const f of found.files) expect(f.rel).toBe(toPosix(path.relative(cwd, f.abs)));
    });
  }

  it('--ignore globs are relative to the working directory even when it lies inside the given path', () => {
    const cwd = path.join(app, 'legacy');
    const all = run(cwd, ['..']).files.map((f) => f.rel);
    expect(all).toContain('server.js');
    const kept = run(cwd, ['..'], ['server.js']).files.map((f) => f.rel);
    expect(kept).not.toContain('server.js');
    expect(kept).toContain('../server.js');
    expect(run(cwd, ['..'], ['deep/**']).files.map((f) => f.rel)).not.toContain('deep/a.ts');
  });
});
