// Smoke test for bench/server.mjs: it runs (--quick) and its report is well formed.
// Timings are not checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
mkdirSync(join(REPO, '.tmp'), { recursive: true });
const outDir = mkdtempSync(join(REPO, '.tmp', 'bench-server-test-'));

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

interface Run {
  version: string;
  variant: string;
  available: boolean;
  reason?: string;
  requests?: number;
  first?: { median: number; p99: number };
  last?: { median: number; p99: number };
  ratioLastFirstMedian?: number;
  reqPerSec?: { overall: number; sequential: number; concurrent: number };
  memory?: { heapGrowthMB: number; rssGrowthMB: number; gcForced: boolean };
  createAlovaCalls?: number;
  crossUser?: { concurrent: number; all: number };
  lostPosts?: number;
}

describe('bench/server.mjs --quick', () => {
  let r: ReturnType<typeof spawnSync<string>>;
  beforeAll(() => {
    r = spawnSync(process.execPath, [join(REPO, 'bench/server.mjs'), '--quick', '--out', outDir], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 150_000,
    });
  }, 160_000);

  it('exits 0 and prints a markdown table', () => {
    expect(r.error).toBeUndefined();
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    expect(r.stdout).toContain('| alova | variant | requests |');
    expect(r.stdout).toMatch(/^\| 3\.5\.5 \| original \| \d+/m);
    expect(r.stdout).toMatch(/^\| 3\.5\.5 \| naive \| \d+/m);
    expect(r.stdout).toMatch(/^\| 3\.5\.5 \| isolated \| \d+/m);
    expect(r.stdout).toMatch(/^\| 3\.5\.5 \| migrated \| /m);
    expect(readFileSync(join(outDir, 'server-quick.md'), 'utf8')).toBe(r.stdout);
  });

  it('writes a well-formed JSON report', () => {
    const report = JSON.parse(readFileSync(join(outDir, 'server-quick.json'), 'utf8')) as {
      meta: { mode: string; node: string };
      settings: { window: number };
      runs: Run[];
    };
    expect(report.meta.mode).toBe('quick');
    expect(report.runs.map((x) => `${x.version}/${x.variant}`)).toEqual(['3.5.5/original', '3.5.5/migrated', '3.5.5/naive', '3.5.5/isolated']);
    for (const run of report.runs) {
      if (!run.available) {
        // Only the migrated variant may be missing (CLI not built / not able to migrate yet).
        expect(run.variant).toBe('migrated');
        expect(typeof run.reason).toBe('string');
        continue;
      }
      expect(run.requests).toBeGreaterThan(200);
      for (const k of ['first', 'last'] as const) {
        expect(run[k]!.median).toBeGreaterThan(0);
        expect(run[k]!.p99).toBeGreaterThanOrEqual(run[k]!.median);
      }
      expect(run.ratioLastFirstMedian).toBeGreaterThan(0);
      expect(run.reqPerSec!.concurrent).toBeGreaterThan(0);
      expect(typeof run.memory!.heapGrowthMB).toBe('number');
      expect(run.memory!.gcForced).toBe(true);
      expect(run.crossUser!.all).toBeGreaterThanOrEqual(run.crossUser!.concurrent);
    }
    const [original, migrated, naive, isolated] = report.runs;
    // Facts the report must show regardless of timing.
    expect(original.createAlovaCalls).toBe(original.requests);
    expect(original.crossUser!.all).toBe(0);
    expect(naive.createAlovaCalls).toBe(1);
    expect(naive.crossUser!.all).toBeGreaterThan(0);
    expect(isolated.createAlovaCalls).toBe(1);
    expect(isolated.crossUser!.all).toBe(0);
    if (migrated.available) {
      expect(migrated.createAlovaCalls).toBeLessThanOrEqual(1);
      expect(migrated.crossUser!.all).toBe(0);
    }
  });
});
