/**
 * The CLI tests run dist/: `npm test` builds first, and a targeted vitest run rebuilds when a
 * source is newer than the last build (test/helpers/build-if-stale.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_STAMP, staleReason } from './helpers/build-if-stale.js';

const REPO = path.resolve(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'asm-stale-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A tree of its own per test: sources, a package.json and, when `built`, a stamp. */
function project(name: string, built: boolean) {
  const root = path.join(tmp, name);
  fs.mkdirSync(path.join(root, 'src/deep'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src/deep/a.ts'), 'export const a = 1;\n');
  fs.writeFileSync(path.join(root, 'package.json'), '{}\n');
  const stamp = path.join(root, 'dist/cjs/package.json');
  const old = new Date(Date.now() - 60_000);
  for (const f of ['src/deep/a.ts', 'package.json']) fs.utimesSync(path.join(root, f), old, old);
  if (built) {
    fs.mkdirSync(path.dirname(stamp), { recursive: true });
    fs.writeFileSync(stamp, '{}\n');
  }
  return { root, stamp };
}

describe('npm test builds before it tests', () => {
  it('the test script runs the build before vitest', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.test).toMatch(/^npm run build && vitest run\b/);
  });

  it('while the suite runs, dist/ is at least as new as every source (the globalSetup rebuilt it if not)', () => {
    expect(staleReason(REPO, BUILD_STAMP)).toBeNull();
  });
});

describe('staleReason', () => {
  it('asks for a build when there is none', () => {
    const p = project('none', false);
    expect(staleReason(p.root, p.stamp)).toBe('no complete build in dist/');
  });

  it('is satisfied by a build newer than every input', () => {
    const p = project('fresh', true);
    expect(staleReason(p.root, p.stamp)).toBeNull();
  });

  it('names a nested source edited after the build', () => {
    const p = project('edited', true);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(p.root, 'src/deep/a.ts'), later, later);
    expect(staleReason(p.root, p.stamp)).toBe(`${path.join('src', 'deep', 'a.ts')} is newer than dist/`);
  });

  it('counts a build step written in .mjs', () => {
    const p = project('mjs', true);
    const later = new Date(Date.now() + 60_000);
    fs.writeFileSync(path.join(p.root, 'src/derive.mjs'), 'x\n');
    fs.utimesSync(path.join(p.root, 'src/derive.mjs'), later, later);
    expect(staleReason(p.root, p.stamp)).toBe(`${path.join('src', 'derive.mjs')} is newer than dist/`);
  });

  it('counts package.json (the build script lives there) but not a non-TypeScript file under src/', () => {
    const p = project('pkg', true);
    const later = new Date(Date.now() + 60_000);
    fs.writeFileSync(path.join(p.root, 'src/notes.md'), 'x\n');
    fs.utimesSync(path.join(p.root, 'src/notes.md'), later, later);
    expect(staleReason(p.root, p.stamp)).toBeNull();
    fs.utimesSync(path.join(p.root, 'package.json'), later, later);
    expect(staleReason(p.root, p.stamp)).toBe('package.json is newer than dist/');
  });
});
