// Child-process entry: `node --import ./register.mjs app-entry.mjs <server.js> <upstreamUrl> [framework]`
// (forked with an IPC channel). Starts the app's createServer() on 127.0.0.1:0 and
// answers stats requests over IPC: createAlova calls (from the loader shim), and
// heap/RSS after a forced GC when --expose-gc is given.
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';

// framework: 'auto' (default) | 'express' | 'koa' | 'fastify'. 'auto' recognises a Koa
// app (callback()) and a Fastify instance (inject() + server); anything else is started
// with app.listen(0, host, cb), as Express apps always were.
const [serverModule, upstreamUrl, frameworkArg = 'auto'] = process.argv.slice(2);
if (!serverModule || !upstreamUrl || typeof process.send !== 'function') {
  console.error('usage: fork(app-entry.mjs, [serverModulePath, upstreamUrl]) with an IPC channel');
  process.exit(2);
}

const counter = () => globalThis.__alovaE2E ?? { createAlovaCalls: 0, alovaPackage: null };

async function memory() {
  let gcForced = false;
  if (typeof globalThis.gc === 'function') {
    // Two rounds so FinalizationRegistry callbacks (alova >= 3.5.3) get to run.
    for (let i = 0; i < 2; i += 1) {
      globalThis.gc();
      await sleep(20);
    }
    globalThis.gc();
    gcForced = true;
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, gcForced };
}

function detectFramework(app) {
  if (frameworkArg !== 'auto') return frameworkArg;
  if (app && typeof app.callback === 'function' && typeof app.use === 'function') return 'koa';
  if (app && typeof app.inject === 'function' && app.server instanceof http.Server) return 'fastify';
  return 'express';
}

/** Starts the app on 127.0.0.1:0; resolves to { server, closeApp }. */
async function listen(app, framework) {
  if (framework === 'fastify') {
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { server: app.server, closeApp: () => app.close() };
  }
  const server = framework === 'koa' ? http.createServer(app.callback()) : null;
  return new Promise((resolve, reject) => {
    const s = server ? server.listen(0, '127.0.0.1') : app.listen(0, '127.0.0.1');
    s.once('error', reject);
    s.once('listening', () => resolve({ server: s, closeApp: async () => {} }));
  });
}

/** Which of the watched framework packages this process actually loaded (from require.cache). */
function loadedPackages() {
  const watched = ['express', 'express4', 'koa', 'fastify'];
  const cache = createRequire(import.meta.url).cache;
  const found = new Set();
  for (const file of Object.keys(cache)) {
    const m = /[\\/]node_modules[\\/]([^\\/]+)[\\/]/.exec(file.slice(file.lastIndexOf('node_modules') - 1));
    if (m && watched.includes(m[1])) found.add(m[1]);
  }
  return [...found].sort();
}

const { createServer } = await import(pathToFileURL(serverModule).href);
const app = await createServer({ upstreamUrl });
const framework = detectFramework(app);
const { server, closeApp } = await listen(app, framework);
server.keepAliveTimeout = 30_000;
{
  const { port } = server.address();
  process.send({
    type: 'ready',
    port,
    framework,
    loadedPackages: loadedPackages(),
    memory: await memory(),
    ...counter(),
    alovaVersion: alovaVersion(),
  });
}

process.on('message', async (msg) => {
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'stats') {
    const mem = msg.gc === false ? { ...process.memoryUsage(), gcForced: false } : await memory();
    process.send({ type: 'stats', id: msg.id, memory: mem, ...counter(), alovaVersion: alovaVersion() });
  } else if (msg.type === 'exit') {
    server.closeAllConnections?.();
    await Promise.race([Promise.resolve(closeApp()).catch(() => {}), sleep(1000)]);
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

function alovaVersion() {
  // Version of the alova build the loader redirected to (for the report).
  const pkg = process.env.ALOVA_E2E_PACKAGE || 'alova';
  try {
    const file = new URL(`../../../node_modules/${pkg}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(file, 'utf8')).version;
  } catch {
    return null;
  }
}
