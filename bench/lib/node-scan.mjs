#!/usr/bin/env node
// Reference line for the benchmark: a bare Node walk + read + text check, i.e. roughly
// what any tool has to pay before it parses anything.
//   node bench/lib/node-scan.mjs DIR [--needle createAlova] [--concurrency 64] [--sync]
// Default: fs/promises with 64 reads in flight (what a typical async tool does).
// --sync: readdirSync + one openSync/readSync/closeSync per file into a reused buffer, the
// pattern our CLI uses; on this machine it is several times faster than the async version, so it
// is the real floor for a Node tool.
// Prints one JSON line: { files, bytes, matched }.
import fs from 'node:fs/promises';
import fs_sync from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { needle: { type: 'string', default: 'createAlova' }, concurrency: { type: 'string', default: '64' }, sync: { type: 'boolean', default: false } },
});
const root = positionals[0] ?? '.';
const needle = values.needle;
const limit = Math.max(1, Number(values.concurrency));
const SKIP = new Set(['node_modules', '.git']);

async function walk(dir, out) {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const subdirs = [];
  for (const e of entries) {
    if (e.isDirectory()) {
      if (!SKIP.has(e.name)) subdirs.push(path.join(dir, e.name));
    } else if (e.isFile() && /\.(?:[cm]?[jt]sx?)$/.test(e.name)) {
      out.push(path.join(dir, e.name));
    }
  }
  for (const d of subdirs) await walk(d, out);
  return out;
}

if (values.sync) {
  const buf = Buffer.allocUnsafe(1 << 20);
  const needleBytes = Buffer.from(needle);
  let files = 0;
  let bytes = 0;
  let matched = 0;
  const walkSync = (dir) => {
    for (const e of fs_sync.readdirSync(dir, { withFileTypes: true })) {
      const p = dir + '/' + e.name;
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) walkSync(p);
      } else if (e.isFile() && /\.(?:[cm]?[jt]sx?)$/.test(e.name)) {
        files++;
        const fd = fs_sync.openSync(p, 'r');
        try {
          const n = fs_sync.readSync(fd, buf, 0, buf.length, 0);
          bytes += n;
          if (buf.subarray(0, n).includes(needleBytes)) matched++;
        } finally {
          fs_sync.closeSync(fd);
        }
      }
    }
  };
  walkSync(root);
  process.stdout.write(JSON.stringify({ files, bytes, matched }) + '\n');
  process.exit(0);
}

const files = await walk(root, []);
let next = 0;
let matched = 0;
let bytes = 0;
async function worker() {
  while (next < files.length) {
    const f = files[next++];
    const text = await fs.readFile(f, 'utf8');
    bytes += text.length;
    if (text.includes(needle)) matched++;
  }
}
await Promise.all(Array.from({ length: Math.min(limit, files.length) }, worker));
process.stdout.write(JSON.stringify({ files: files.length, bytes, matched }) + '\n');
