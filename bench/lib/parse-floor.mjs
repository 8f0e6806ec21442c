#!/usr/bin/env node
// Reference line for the benchmark: the least work any AST-based tool must do on a corpus.
//   node bench/lib/parse-floor.mjs DIR
// 1. walk DIR and read every source file, testing it for `createAlova` (as node-scan --sync);
// 2. parse, once each and with the CLI's own parser settings (dist/transforms/lib/parsers.js),
//    exactly the files the corpus generator says must be analysed: factory modules, files with
//    call sites, and files that only mention createAlova (in a comment or string: only a parse
//    tells). No analysis, no transform, no report.
// Prints one JSON line: { files, parsed, parsedBytes, readMs, loadMs, parseMs }.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.resolve(process.argv[2] ?? '.');
const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
const mustParse = new Set([...expected.factories.map((f) => f.file), ...expected.callSites.map((c) => c.file), ...expected.mentions.map((m) => m.file)]);

const t0 = performance.now();
const buf = Buffer.allocUnsafe(1 << 20);
const needle = Buffer.from('createAlova');
const SKIP = new Set(['node_modules', '.git']);
const texts = [];
let files = 0;
const walk = (abs, rel) => {
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    const a = abs + '/' + e.name;
    const r = rel ? rel + '/' + e.name : e.name;
    if (e.isDirectory()) {
      if (!SKIP.has(e.name)) walk(a, r);
    } else if (e.isFile() && /\.(?:[cm]?[jt]sx?)$/.test(e.name)) {
      files++;
      const fd = fs.openSync(a, 'r');
      try {
        const n = fs.readSync(fd, buf, 0, buf.length, 0);
        const bytes = buf.subarray(0, n);
        bytes.includes(needle);
        if (mustParse.has(r)) texts.push([a, bytes.toString('utf8')]);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
};
walk(dir, '');
const t1 = performance.now();
const { parseFile } = await import(path.join(ROOT, 'dist/transforms/lib/parsers.js'));
const t2 = performance.now();
let parsedBytes = 0;
for (const [abs, text] of texts) {
  parseFile(text, abs);
  parsedBytes += text.length;
}
const t3 = performance.now();
process.stdout.write(JSON.stringify({ files, parsed: texts.length, parsedBytes, readMs: Math.round(t1 - t0), loadMs: Math.round(t2 - t1), parseMs: Math.round(t3 - t2) }) + '\n');
