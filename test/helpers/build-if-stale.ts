/**
 * vitest globalSetup: the CLI tests run dist/, so a targeted `npx vitest run test/x.test.ts` first
 * rebuilds when any source is newer than the last build. `npm test` always builds before vitest
 * (the guarantee CI relies on); this check is the developer's convenience on top, and after
 * `npm test`'s build it finds dist/ fresh and costs only a few stat calls.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const REPO = path.resolve(__dirname, '../..');
/** What `npm run build` reads: the sources and build steps, the tsconfigs and the build script (in package.json). */
const INPUT_DIRS = ['bin', 'src', 'transforms'];
const INPUT_FILES = ['tsconfig.json', 'tsconfig.cjs.json', 'package.json'];
/** The build's last step writes this file, so its time is when the last complete build ended. */
export const BUILD_STAMP = path.join(REPO, 'dist/cjs/package.json');

/** The newest modification time (ms) of the build's inputs under `root`, and the file that has it. */
export function newestInput(root: string): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  const see = (file: string) => {
    const t = fs.statSync(file).mtimeMs;
    if (t > newest.mtimeMs) newest = { file, mtimeMs: t };
  };
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      // .mjs: build steps that run before tsc (transforms/runtime/derive.mjs).
      else if (e.isFile() && /\.(ts|mjs)$/.test(e.name)) see(p);
    }
  };
  for (const d of INPUT_DIRS) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));
  for (const f of INPUT_FILES) if (fs.existsSync(path.join(root, f))) see(path.join(root, f));
  return newest;
}

/** Why dist/ must be rebuilt, or null when the last complete build is newer than every input. */
export function staleReason(root: string, stamp: string): string | null {
  if (!fs.existsSync(stamp)) return 'no complete build in dist/';
  const built = fs.statSync(stamp).mtimeMs;
  const newest = newestInput(root);
  return newest.mtimeMs > built ? `${path.relative(root, newest.file)} is newer than dist/` : null;
}

export default function setup(): void {
  const why = staleReason(REPO, BUILD_STAMP);
  if (why === null) return;
  console.log(`[build-if-stale] ${why}: npm run build`);
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed (the CLI tests would run an old dist/):\n${r.stdout}${r.stderr}`);
}
