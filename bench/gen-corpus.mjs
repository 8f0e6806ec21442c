#!/usr/bin/env node
// Generates a deterministic TypeScript/TSX benchmark corpus.
//   node bench/gen-corpus.mjs --seed 1 --files 1000 --out bench/corpus/1-1000
// Same seed + same --files => byte-identical tree. Writes DIR/expected.json listing the
// planted factories and call sites (see bench/lib/corpus.mjs and docs/bench-tool.md).
import { parseArgs } from 'node:util';
import { generateCorpus } from './lib/corpus.mjs';

function usage(msg) {
  if (msg) process.stderr.write(`gen-corpus: ${msg}\n`);
  process.stderr.write('usage: node bench/gen-corpus.mjs --seed N --files N --out DIR\n');
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      files: { type: 'string' },
      out: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  usage(err.message);
}
if (values.help) usage();
const seed = Number(values.seed);
const files = Number(values.files);
if (!Number.isInteger(seed) || seed < 0) usage('--seed must be a non-negative integer');
if (!Number.isInteger(files) || files < 1) usage('--files must be a positive integer');
if (!values.out) usage('--out is required');

try {
  const { expected, ms } = generateCorpus({ seed, files, out: values.out });
  if (!values.quiet) {
    const s = expected.stats;
    process.stdout.write(
      `generated ${s.files} files (${s.tsFiles} .ts, ${s.tsxFiles} .tsx) in ${s.folders} folders, ` +
        `${s.lines} lines, ${(s.bytes / 1048576).toFixed(1)} MiB in ${(ms / 1000).toFixed(2)} s -> ${values.out}\n` +
        `planted: ${expected.factories.length} factories in ${s.factoryFiles} files, ` +
        `${expected.callSites.length} call sites in ${s.callSiteFiles} files (${s.colocatedFiles} with the factory), ` +
        `${expected.mentions.length} mention-only files\n`,
    );
  }
} catch (err) {
  process.stderr.write(`gen-corpus: ${err.message}\n`);
  process.exit(1);
}
