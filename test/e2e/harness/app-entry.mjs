// Child-process entry: `node --import ./register.mjs app-entry.mjs <server.js> <upstreamUrl>`
// (forked with an IPC channel). Starts the app's createServer() on 127.0.0.1:0 and
// answers stats requests over IPC: createAlova calls (from the loader shim), and
// heap/RSS after a forced GC when --expose-gc is given.
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';

const [serverModule, upstreamUrl] = process.argv.slice(2);
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

const { createServer } = await import(pathToFileURL(serverModule).href);
const app = createServer({ upstreamUrl });
const server = app.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  process.send({ type: 'ready', port, memory: await memory(), ...counter(), alovaVersion: alovaVersion() });
});
server.keepAliveTimeout = 30_000;

process.on('message', async (msg) => {
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'stats') {
    const mem = msg.gc === false ? { ...process.memoryUsage(), gcForced: false } : await memory();
    process.send({ type: 'stats', id: msg.id, memory: mem, ...counter(), alovaVersion: alovaVersion() });
  } else if (msg.type === 'exit') {
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
