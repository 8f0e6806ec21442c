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
  // realpath: on macOS /tmp is a symlink, and the CLI reports paths relative to the real cwd.
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  temps.push(d);
  return d;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI with `args` in `cwd`, without a TTY (pipes), as a CI job runs it: NO_COLOR and CI set, and
 * no GITHUB_STEP_SUMMARY or FORCE_COLOR inherited from the machine running the tests.
 */
export function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', CI: '1', GITHUB_STEP_SUMMARY: undefined, FORCE_COLOR: undefined, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
