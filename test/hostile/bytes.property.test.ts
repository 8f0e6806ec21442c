/**
 * Bytes in, bytes out, as a property over random input (seeded PRNG: bench/lib/prng.mjs).
 *
 * Each generated file is the example factory with random comment blocks between its statements
 * (ASCII, Latin-1 letters, CJK, astral emoji, zero-width joiners, tabs), a random line ending
 * (LF or CRLF) and an optional BOM. Some files also get one invalid UTF-8 sequence (a lone Latin-1
 * byte, a cut multi-byte sequence, an overlong form, an encoded surrogate, 0xFF).
 *
 * Properties, after one apply over the whole tree:
 * - a valid file is migrated, and every random block appears in the output byte for byte, in order;
 *   the BOM is kept exactly when there was one;
 * - a file with invalid bytes is byte-identical afterwards, and reported as unsupported-encoding.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../bench/lib/prng.mjs';
import { run } from '../../src/run.js';
import { DEFAULT_EXTENSIONS } from '../../src/discover.js';
import { FACTORY_FILE, PACKAGE_JSON, tempRoot, writeTree } from './harness.js';

const SEED = 1010;
const FILES = 48;
const TMP = tempRoot('bytes');
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

const ALPHABET = [...'abcXYZ019 _-+=;:,.()[]{}<>"\'`$#@!?\\/|~^&%', 'é', 'ß', 'ñ', 'Ø', 'ü', '中', '文', '字', 'ア', '한', '😀', '🚀', '𝔘', '\u200d', '\u00a0', '\t'];
const INVALID = [Buffer.from([0xe9]), Buffer.from([0xe2, 0x82]), Buffer.from([0xc0, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff])];

/** A random comment block (line or block comments), never containing a line terminator inside a line. */
function noise(rng: Rng, eol: string): string {
  const lines = rng.int(1, 4);
  const out: string[] = [];
  const block = rng.chance(0.4);
  for (let l = 0; l < lines; l++) {
    let t = '';
    for (let k = rng.int(0, 40); k > 0; k--) t += rng.pick(ALPHABET);
    // "*/" would end a block comment early.
    if (block) t = t.replaceAll('*/', '* /');
    out.push(block ? ` * ${t}` : `// ${t}`);
  }
  return (block ? ['/*', ...out, ' */'] : out).join(eol) + eol;
}

interface Planned {
  rel: string;
  bytes: Buffer;
  blocks: Buffer[];
  bom: boolean;
  invalid: boolean;
}

function plan(rng: Rng, i: number): Planned {
  const eol = rng.chance(0.5) ? '\r\n' : '\n';
  const bom = rng.chance(0.3);
  // The factory file's top-level statements, split at blank lines; a random block before each and at the end.
  const parts = FACTORY_FILE.split(/\n\n/);
  const blocks: string[] = [];
  let text = '';
  for (const part of parts) {
    const b = noise(rng, eol);
    blocks.push(b);
    text += b + part.replace(/\n/g, eol) + eol + eol;
  }
  const tail = noise(rng, eol);
  blocks.push(tail);
  text += tail;
  let bytes = Buffer.from((bom ? '\uFEFF' : '') + text, 'utf8');
  const invalid = rng.chance(0.25);
  if (invalid) {
    // Inside the last block (a comment): valid JavaScript apart from the encoding.
    const at = bytes.length - Buffer.byteLength(tail) + 3;
    bytes = Buffer.concat([bytes.subarray(0, at), rng.pick(INVALID), bytes.subarray(at)]);
  }
  return { rel: `src/f${i}.js`, bytes, blocks: blocks.map((b) => Buffer.from(b, 'utf8')), bom, invalid };
}

describe(`bytes outside the edits never change (seed ${SEED}, ${FILES} files)`, () => {
  it('one apply over random files', async () => {
    const rng = new Rng(SEED);
    const dir = path.join(TMP, 'tree');
    const files = Array.from({ length: FILES }, (_, i) => plan(rng, i));
    writeTree(dir, { 'package.json': PACKAGE_JSON, ...Object.fromEntries(files.map((f) => [f.rel, f.bytes])) });
    expect(files.some((f) => f.invalid) && files.some((f) => !f.invalid)).toBe(true);

    const report = await run({ paths: ['src'], cwd: dir, mode: 'apply', extensions: DEFAULT_EXTENSIONS, ignore: [], gitignore: true, allowDirty: true, cache: 'request', contextModule: null });
    expect(report.errors).toEqual([]);
    for (const f of files) {
      const after = fs.readFileSync(path.join(dir, f.rel));
      const record = report.files.find((r) => r.file === f.rel)!;
      const where = `${f.rel} (seed ${SEED})`;
      if (f.invalid) {
        expect(after.equals(f.bytes), where).toBe(true);
        expect(record, where).toMatchObject({ status: 'failed', reasonRuleId: 'unsupported-encoding' });
        continue;
      }
      expect(record.status, `${where}: ${record.reason}`).toBe('changed');
      expect(after.equals(f.bytes), where).toBe(false);
      expect(after[0] === 0xef && after[1] === 0xbb && after[2] === 0xbf, where).toBe(f.bom);
      let from = 0;
      for (const b of f.blocks) {
        const at = after.indexOf(b, from);
        expect(at, `${where}: block ${JSON.stringify(b.toString('utf8'))} missing or out of order`).toBeGreaterThanOrEqual(0);
        from = at + b.length;
      }
    }
  }, 120_000);
});
