/**
 * src/pool.ts with real worker threads (the built dist/src/worker.js: the pool runs compiled
 * JavaScript, and the CLI tests build first). What the pool promises: results in input order
 * whoever computed them (workers take items from the front, the main thread from the back), a file
 * whose transform fails in a worker comes back as a failed outcome (transformFile's own contract)
 * rather than crashing the run, and its size rules.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as PoolModule from '../src/pool.js';
import type { TransformOutcome } from '../src/transform.js';
import { transformFile } from '../src/transform.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST_POOL = path.join(REPO, 'dist/src/pool.js');
let pool: typeof PoolModule;

beforeAll(async () => {
  // Fails loudly (never skips) when the build is missing: run `npm run build` first.
  expect(fs.existsSync(DIST_POOL), `${DIST_POOL} is missing: run npm run build`).toBe(true);
  pool = (await import(DIST_POOL)) as typeof PoolModule;
});

// Migrate factories without evidence either way too, so every file changes and each output differs.
const OPTIONS = { project: { assumeServer: true } };

const open: PoolModule.WorkerPool[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

// The shape of fixtures/ssr-singleton/aliased-import.input.ts, one factory name per file.
const factory = (i: number, pad = 0) =>
  `import { createAlova } from 'alova';\nimport adapterFetch from 'alova/fetch';\n${'// filler\n'.repeat(pad)}` +
  `function clientFor${i}(token: string) {\n  return createAlova({\n    requestAdapter: adapterFetch(),\n    beforeRequest(method) {\n      method.config.headers['x-token'] = token;\n    },\n  });\n}\n\n` +
  `export async function handler${i}(event: { headers: Record<string, string> }) {\n  return clientFor${i}(event.headers['x-token']).Get('/a');\n}\n`;

function files(n: number) {
  // Uneven sizes, so the workers finish out of order.
  return Array.from({ length: n }, (_, i) => ({ abs: `/virtual/src/f${i}.ts`, rel: `src/f${i}.ts`, text: factory(i, i % 3 === 0 ? 4000 : 0) }));
}

describe('WorkerPool', () => {
  it('returns every result in input order, from the workers and the main thread alike', async () => {
    const p = new pool.WorkerPool(2);
    open.push(p);
    expect(p.size).toBe(2);
    await p.broadcast({ kind: 'setOptions', options: OPTIONS });
    const list = files(24);
    const byMain: number[] = [];
    const results = await p.map(
      list,
      (f) => ({ kind: 'transform', abs: f.abs, rel: f.rel, text: f.text, verify: true }),
      (f) => {
        byMain.push(list.indexOf(f));
        return transformFile(f, OPTIONS, { verify: true });
      },
    );
    // Both sides took a share: the workers from the front, the main thread from the back.
    expect(byMain.length).toBeGreaterThan(0);
    expect(byMain.length).toBeLessThan(list.length);
    expect(Math.min(...byMain)).toBeGreaterThan(0);
    // The same outcomes, in the same order, as one thread computes them.
    expect(results).toEqual(list.map((f) => transformFile(f, OPTIONS, { verify: true })));
    expect(results.every((r) => (r as TransformOutcome).kind === 'ok' && (r as { output: string | null }).output !== null)).toBe(true);
  });

  it('a file the transform cannot handle comes back from the worker as a failed outcome; the others still succeed', async () => {
    const p = new pool.WorkerPool(1);
    open.push(p);
    await p.broadcast({ kind: 'setOptions', options: OPTIONS });
    // First in the list: the worker's lanes take the front items before the main thread starts.
    const list = [{ abs: '/virtual/src/broken.ts', rel: 'src/broken.ts', text: "import { createAlova } from 'alova';\nexport function (" }, ...files(6)];
    let mainTook = 0;
    const results = (await p.map(
      list,
      (f) => ({ kind: 'transform', abs: f.abs, rel: f.rel, text: f.text, verify: false }),
      (f) => {
        mainTook++;
        expect(f.rel).not.toBe('src/broken.ts');
        return transformFile(f, OPTIONS, { verify: false });
      },
    )) as TransformOutcome[];
    expect(results).toHaveLength(list.length);
    expect(results[0]).toMatchObject({ kind: 'failed', ruleId: 'syntax-error' });
    expect(results.filter((r) => r.kind === 'ok')).toHaveLength(list.length - 1);
    expect(mainTook).toBeGreaterThan(0);
  });

  it('a message that cannot be sent to a worker rejects instead of hanging', async () => {
    const p = new pool.WorkerPool(1);
    open.push(p);
    // structuredClone cannot carry a function: postMessage throws, and the pool turns it into a rejection.
    await expect(p.broadcast({ kind: 'setOptions', options: { f: () => 1 } })).rejects.toThrow(/could not be cloned/);
  });

  it('the worker answers a request of an unknown kind with an error instead of never answering', async () => {
    const worker = new Worker(path.join(REPO, 'dist/src/worker.js'));
    try {
      const reply = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage({ id: 7, kind: 'bogus' });
      // Without the answer this await never settles and the test fails on vitest's timeout.
      expect(await reply).toEqual({ id: 7, ok: false, error: 'unknown worker request kind: bogus' });
    } finally {
      await worker.terminate();
    }
  });
});

describe('poolSize', () => {
  it('--workers wins, then ALOVA_SSR_MIGRATE_WORKERS; small runs stay on the main thread', () => {
    const saved = process.env.ALOVA_SSR_MIGRATE_WORKERS;
    try {
      delete process.env.ALOVA_SSR_MIGRATE_WORKERS;
      expect(pool.poolSize(10, 3)).toBe(3);
      expect(pool.poolSize(100_000, 0)).toBe(0);
      expect(pool.poolSize(10, 2.7)).toBe(2);
      expect(pool.poolSize(pool.POOL_THRESHOLD - 1)).toBe(0);
      process.env.ALOVA_SSR_MIGRATE_WORKERS = '2';
      expect(pool.poolSize(1)).toBe(2);
      expect(pool.poolSize(1, 1)).toBe(1);
      process.env.ALOVA_SSR_MIGRATE_WORKERS = 'lots';
      expect(pool.poolSize(100_000)).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.ALOVA_SSR_MIGRATE_WORKERS;
      else process.env.ALOVA_SSR_MIGRATE_WORKERS = saved;
    }
  });
});
