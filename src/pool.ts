/**
 * A small worker_threads pool for the parse-heavy stages (analysis and transform). Parsing is
 * CPU-bound and each file is independent, so N cores give close to N times the throughput. The
 * pool starts only when enough files need parsing to repay the start-up of a worker (loading
 * Babel and jscodeshift takes about 0.2 s); results always come back in input order, so reports
 * do not depend on scheduling.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Below this many files to parse, the work stays on the main thread. */
export const POOL_THRESHOLD = 120;

const WORKER_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.js');

/**
 * How many worker threads to start for `files` files to parse. `requested` is `--workers <n>`; the
 * environment variable ALOVA_SSR_MIGRATE_WORKERS is the fallback when the flag is not given.
 */
export function poolSize(files: number, requested?: number): number {
  if (requested !== undefined) return Math.max(0, Math.floor(requested) || 0);
  const env = process.env.ALOVA_SSR_MIGRATE_WORKERS;
  if (env !== undefined && env !== '') return Math.max(0, Math.floor(Number(env)) || 0);
  // The worker is compiled JavaScript: running from TypeScript sources (tests) stays in-process.
  if (files < POOL_THRESHOLD || !fs.existsSync(WORKER_FILE)) return 0;
  // The main thread takes a share of the files too, so one core is already busy. On 2 cores the
  // pool measured slower than one thread (V8's GC already uses the second core, and each worker
  // pays its own module load and JIT warm-up; BENCHMARKS.md), so it starts from 4 cores.
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  if (cores < 4) return 0;
  return Math.max(0, Math.min(cores - 1, 3, Math.floor(files / 60)));
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_FILE);
      w.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error));
      });
      w.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private send<T>(worker: Worker, msg: object): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...msg, id });
    });
  }

  /** Sends the same message to every worker (e.g. the options of the next phase). */
  async broadcast(msg: object): Promise<void> {
    await Promise.all(this.workers.map((w) => this.send(w, msg)));
  }

  /**
   * Runs every item: the workers take items from the front of the list while the main thread
   * (`local`) takes them from the back, so all cores work and nobody waits for a slow share.
   * Results come back in input order.
   */
  async map<I, O>(items: I[], toMessage: (item: I) => object, local: (item: I) => O): Promise<O[]> {
    const out: O[] = new Array(items.length);
    let front = 0;
    let back = items.length - 1;
    const lane = async (w: Worker) => {
      while (front <= back) {
        const i = front++;
        out[i] = await this.send<O>(w, toMessage(items[i]));
      }
    };
    const lanes = Promise.all(this.workers.flatMap((w) => [lane(w), lane(w)]));
    // The main thread works synchronously between worker messages; it yields after each item so
    // finished worker results can be received and new items sent.
    while (front <= back) {
      const i = back--;
      out[i] = local(items[i]);
      await new Promise<void>((r) => setImmediate(r));
    }
    await lanes;
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
