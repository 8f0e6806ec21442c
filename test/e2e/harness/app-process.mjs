// Start an app (a module exporting createServer({ upstreamUrl })) in a child
// process under the counting loader, on 127.0.0.1:0, and talk to it over IPC.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
export const REGISTER = here('./register.mjs');
export const ENTRY = here('./app-entry.mjs');

/**
 * @param {{ serverModule: string, upstreamUrl: string, alovaPackage?: string, exposeGc?: boolean, startTimeoutMs?: number,
 *   framework?: 'auto' | 'express' | 'koa' | 'fastify', aliases?: Record<string, string> }} o
 *   framework: how to start the app returned by createServer() (default: detected);
 *   aliases: package redirects applied by the loader, e.g. { express: 'express4' }.
 */
export async function startApp({ serverModule, upstreamUrl, alovaPackage = 'alova', exposeGc = true, startTimeoutMs = 20_000, framework = 'auto', aliases = {} }) {
  const execArgv = ['--import', REGISTER];
  if (exposeGc) execArgv.push('--expose-gc');
  const child = fork(ENTRY, [serverModule, upstreamUrl, framework], {
    execArgv,
    env: { ...process.env, ALOVA_E2E_PACKAGE: alovaPackage, ALOVA_E2E_ALIASES: JSON.stringify(aliases), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Drain output (alova's cache logger can be chatty); keep a tail for diagnostics.
  let tail = '';
  const keep = (chunk) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });

  const pending = new Map();
  let nextId = 1;
  child.on('message', (msg) => {
    if (msg?.type === 'stats' && pending.has(msg.id)) {
      pending.get(msg.id)(msg);
      pending.delete(msg.id);
    }
  });

  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start in ${startTimeoutMs} ms\n${tail}`)), startTimeoutMs);
    child.on('message', (msg) => {
      if (msg?.type === 'ready') {
        clearTimeout(timer);
        resolve(msg);
      }
    });
    exitPromise.then((e) => {
      clearTimeout(timer);
      reject(new Error(`app exited before listening (${JSON.stringify(e)})\n${tail}`));
    });
  });

  return {
    pid: child.pid,
    port: ready.port,
    baseUrl: `http://127.0.0.1:${ready.port}`,
    ready,
    output: () => tail,
    /** createAlova calls so far, and memory (after a forced GC unless gc: false). */
    stats({ gc = true, timeoutMs = 15_000 } = {}) {
      if (exited) return Promise.reject(new Error(`app exited: ${JSON.stringify(exited)}\n${tail}`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('stats timeout'));
        }, timeoutMs);
        pending.set(id, (msg) => {
          clearTimeout(timer);
          resolve(msg);
        });
        child.send({ type: 'stats', id, gc });
      });
    },
    async close() {
      if (exited) return exited;
      try {
        child.send({ type: 'exit' });
      } catch {
        /* channel already closed */
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exitPromise;
      clearTimeout(timer);
      return exited;
    },
  };
}
