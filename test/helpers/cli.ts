/**
 * Running the built CLI (dist/bin) as a user does, in temporary folders that are removed after the
 * test file. Shared by the CLI test files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll } from 'vitest';

export const REPO = path.resolve(__dirname, '../..');
export const BIN = path.join(REPO, 'dist/bin/alova-ssr-migrate.js');
export const FIX = path.join(REPO, 'fixtures/ssr-singleton');

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

/** A fresh folder under the OS temp folder, removed when the test file ends. */
export function tempDir(prefix = 'asm-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
}

/** The CLI with `args` in `cwd`: no colour, no progress line. */
export function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
