/**
 * The checks behind issue 11's "Done when", as plain functions over a tree of files, so that each
 * can be tried on a deliberately bad tree (test/architecture.test.ts) before it judges the real one.
 * No new dependency: imports are read with regular expressions, functions with the TypeScript
 * compiler API (a devDependency already).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface SourceFile {
  /** POSIX path relative to the tree's root. */
  rel: string;
  text: string;
}

/** Every file under `dirs` of `root` whose name matches `name`, skipping folders `skip` names. */
export function readTree(root: string, dirs: string[], name: RegExp, skip: RegExp = /^(node_modules|dist)$/): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !skip.test(e.name)) walk(p);
      else if (e.isFile() && name.test(e.name)) out.push({ rel: path.relative(root, p).split(path.sep).join('/'), text: fs.readFileSync(p, 'utf8') });
    }
  };
  for (const d of dirs) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));
  return out;
}

// ---------------------------------------------------------------------------------------------
// a) imports: layers and circles

/** `import ... from '...'`, `import '...'`, `export ... from '...'`, `import('...')`; type-only ones included. */
const IMPORT_PATTERNS = [
  /^[ \t]*import\s+(?:type\s+)?(?:[\w$*{][^;]*?\s+from\s+)?['"]([^'"\n]+)['"]/gm,
  /^[ \t]*export\s+(?:type\s+)?(?:\*|\{)[^;]*?\s+from\s+['"]([^'"\n]+)['"]/gm,
  /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g,
];

/** The module specifiers a file imports, in the order the patterns find them. */
export function importSpecifiers(text: string): string[] {
  return IMPORT_PATTERNS.flatMap((re) => [...text.matchAll(re)].map((m) => m[1]));
}

/** The layer of a file: 0 bin, 1 src, 2 transforms (and its folders), 3 transforms/lib and transforms/runtime. */
export function layerOf(rel: string): number | null {
  if (rel.startsWith('bin/')) return 0;
  if (rel.startsWith('src/')) return 1;
  if (/^transforms\/(lib|runtime)\//.test(rel)) return 3;
  if (rel.startsWith('transforms/')) return 2;
  return null;
}
const LAYER_NAMES = ['bin', 'src', 'transforms', 'transforms/lib'];

/** Relative imports resolved to files of the tree (`.js` written for a `.ts` source, as NodeNext wants). */
export function importGraph(files: SourceFile[]): Map<string, string[]> {
  const known = new Set(files.map((f) => f.rel));
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const targets = new Set<string>();
    for (const spec of importSpecifiers(f.text)) {
      if (!spec.startsWith('.')) continue;
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(f.rel), spec));
      const candidates = [base, base.replace(/\.(m|c)?js$/, '.$1ts'), `${base}.ts`, `${base}/index.ts`];
      // A specifier that names no file of the tree (text inside a template, say) is not an edge.
      const hit = candidates.find((c) => known.has(c));
      if (hit) targets.add(hit);
    }
    graph.set(f.rel, [...targets]);
  }
  return graph;
}

/** Imports that go up a layer (`from -> to (layer -> layer)`). */
export function upwardImports(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [from, tos] of graph) {
    const a = layerOf(from);
    for (const to of tos) {
      const b = layerOf(to);
      if (a !== null && b !== null && b < a) out.push(`${from} -> ${to} (${LAYER_NAMES[a]} imports ${LAYER_NAMES[b]})`);
    }
  }
  return out.sort();
}

/** One circle per strongly connected group of files (Tarjan), written `a -> b -> ... -> a`. */
export function importCycles(graph: Map<string, string[]>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) groups.push(group);
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return groups.map((g) => cyclePath(graph, new Set(g))).sort();
}

/** A shortest circle through the first (sorted) file of a group, by breadth-first search inside it. */
function cyclePath(graph: Map<string, string[]>, group: Set<string>): string {
  const start = [...group].sort()[0];
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!group.has(w)) continue;
      if (w === start) {
        const back = [v];
        while (back[0] !== start) back.unshift(prev.get(back[0])!);
        return [...back, start].join(' -> ');
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...group].join(' -> ');
}

// ---------------------------------------------------------------------------------------------
// b) and c) sizes

/** Lines of a file (a final newline does not start another line). */
export const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

export function longFiles(files: SourceFile[], max: number): string[] {
  return files.filter((f) => lineCount(f.text) > max).map((f) => `${f.rel}: ${lineCount(f.text)} lines`);
}

export interface FunctionSize {
  rel: string;
  line: number;
  name: string;
  lines: number;
}

/**
 * Every function with a body: declarations, methods, constructors, accessors, function and arrow
 * expressions. A function counts from the line of its head (`function`, the method name, or an
 * arrow's `=>`) to the line of its closing brace; nested functions count inside their parent too.
 */
export function functionSizes(file: SourceFile): FunctionSize[] {
  const kind = /\.tsx$/.test(file.rel) ? ts.ScriptKind.TSX : /\.[cm]?jsx?$/.test(file.rel) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file.rel, file.text, ts.ScriptTarget.Latest, true, kind);
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const out: FunctionSize[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const head = ts.isArrowFunction(node) ? node.equalsGreaterThanToken.getStart(sf) : node.getStart(sf);
      const line = lineOf(head);
      out.push({ rel: file.rel, line, name: functionName(node), lines: lineOf(node.body.getEnd()) - line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function functionName(node: ts.Node): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name && (ts.isIdentifier(named.name) || ts.isPrivateIdentifier(named.name) || ts.isStringLiteral(named.name))) return named.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  // An expression takes the name it is stored under: `const f = () => ...`, `{ f: function () {} }`.
  const p = node.parent as ts.Node & { name?: ts.Node };
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.name && ts.isIdentifier(p.name)) return p.name.text;
  return '<anonymous>';
}

export function longFunctions(files: SourceFile[], max: number): string[] {
  return files
    .flatMap(functionSizes)
    .filter((f) => f.lines > max)
    .map((f) => `${f.rel}:${f.line} ${f.name} (${f.lines} lines)`);
}

// ---------------------------------------------------------------------------------------------
// d) duplicated blocks

export interface NormalLine {
  /** 1-based line in the file. */
  line: number;
  text: string;
}

/** A line made only of brackets and separators says nothing about what the code does. */
const LONE_PUNCTUATION = /^[\s{}()[\];,.]*$/;
/** `//`, `/*` and the ` * ` lines of a block comment (a generator method `*name()` is taken for one too: rare). */
const COMMENT_LINE = /^(\/\/|\/\*|\*)/;

/**
 * The lines that carry code: trimmed, runs of whitespace folded to one space; blank lines, comment
 * lines, import statements (one line or several) and lone punctuation dropped.
 */
export function normalisedLines(text: string): NormalLine[] {
  const out: NormalLine[] = [];
  let inImport = false;
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim().replace(/\s+/g, ' ');
    if (inImport) {
      // A multi-line import ends at its `from '...'` line.
      if (/\bfrom ['"][^'"]+['"];?$/.test(t)) inImport = false;
      return;
    }
    // `import {`, `import x`, `import type`, `import '...'`; not `import(...)` nor `import.meta`.
    if (/^import[\s{*'"]/.test(t)) {
      inImport = !/['"];?$/.test(t);
      return;
    }
    if (t === '' || COMMENT_LINE.test(t) || LONE_PUNCTUATION.test(t)) return;
    out.push({ line: i + 1, text: t });
  });
  return out;
}

interface Place {
  rel: string;
  /** Index of the window's first line among the file's normalised lines. */
  at: number;
}

/**
 * Windows of `size` consecutive normalised lines that stand in two places (two files, or two
 * places of one file that do not overlap). Adjacent windows that repeat together are merged into
 * one row: `a.ts:10-24 ~ b.ts:40-54` (original line numbers).
 */
export function duplicatedBlocks(files: SourceFile[], size = 6): string[] {
  const lines = new Map(files.map((f) => [f.rel, normalisedLines(f.text)]));
  const places = new Map<string, Place[]>();
  for (const [rel, ls] of lines) {
    for (let at = 0; at + size <= ls.length; at++) {
      const key = ls.slice(at, at + size).map((l) => l.text).join('\n');
      const list = places.get(key) ?? [];
      list.push({ rel, at });
      places.set(key, list);
    }
  }
  // For each place, the other place its window repeats at (the first one that does not overlap it).
  const twin = new Map<string, Place>();
  for (const list of places.values()) {
    for (const p of list) {
      const other = list.find((q) => q.rel !== p.rel || Math.abs(q.at - p.at) >= size);
      if (other) twin.set(`${p.rel}\0${p.at}`, other);
    }
  }
  return mergeRuns(lines, twin, size);
}

/** Rows of consecutive windows that repeat at consecutive windows of the same other file; each pair once. */
function mergeRuns(lines: Map<string, NormalLine[]>, twin: Map<string, Place>, size: number): string[] {
  const rows = new Set<string>();
  for (const [rel, ls] of lines) {
    for (let at = 0; at < ls.length; at++) {
      const first = twin.get(`${rel}\0${at}`);
      if (!first) continue;
      let n = 1;
      while (twin.get(`${rel}\0${at + n}`)?.rel === first.rel && twin.get(`${rel}\0${at + n}`)?.at === first.at + n) n++;
      const span = (r: string, a: number) => `${r}:${lines.get(r)![a].line}-${lines.get(r)![a + n + size - 2].line}`;
      const pair = [span(rel, at), span(first.rel, first.at)].sort();
      rows.add(`${pair[0]} ~ ${pair[1]}`);
      at += n - 1;
    }
  }
  return [...rows].sort();
}
