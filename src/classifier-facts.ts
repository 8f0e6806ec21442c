/**
 * Part of the project-facts stage (src/project-facts.ts): the facts the classifier (transforms/lib/classify.ts) needs and a single file
 * cannot know: which SSR, server and UI frameworks each package depends on, and which files its
 * package.json runs as commands. Read once per run, before the transform stage.
 */
import path from 'node:path';
import { type PackageFacts, type ProjectFacts, fileServerEvidence, importSpecifiers, isTestFile } from '../transforms/lib/classify.js';
import { readIfMentions } from './prefilter.js';
import type { ProjectFiles } from './project-files.js';
import { toPosix } from './discover.js';

/** Dependencies that render UI on the server: there a UI statesHook may run per request. */
const SSR_FRAMEWORKS = [
  'next', 'nuxt', 'nuxt3', 'vike', 'vite-plugin-ssr', '@sveltejs/kit', '@remix-run/node', '@remix-run/server-runtime', 'astro', '@solidjs/start',
  '@analogjs/platform', '@builder.io/qwik-city', '@tanstack/react-start', '@tanstack/start', '@vue/server-renderer',
];
/** Dependencies that put code in a browser bundle. */
const UI_FRAMEWORKS = ['vue', 'react', 'react-dom', 'svelte', 'solid-js', 'preact', '@dcloudio/uni-app', '@tarojs/taro', 'react-native', '@angular/core', 'vite', 'webpack'];
/** Dependencies that serve requests: a package with one of these and a "bin" is a server, not a CLI. */
const SERVER_FRAMEWORKS = [...SSR_FRAMEWORKS, 'express', 'koa', 'fastify', 'hono', 'h3', 'nitropack', '@nestjs/core', '@hapi/hapi', 'elysia', 'restify', 'polka'];

/**
 * `readable`: the other files of the run; they are read again (once) only when a factory module
 * has no server evidence of its own, to find a caller with server evidence (the factory's file
 * exports a name that caller mentions). Callers are never changed: this is evidence only.
 */
export function classifierFacts(
  root: string,
  candidates: { abs: string; text: string }[],
  readable: { abs: string }[],
  assumeServer: boolean,
  files: ProjectFiles,
): ProjectFacts {
  return { packages: packagesAbove(root, candidates, files), serverCallers: serverCallers(root, candidates, readable), assumeServer };
}

/** Names a module exports in place (`export function f`, `export const f =`, `exports.f =`). */
function exportedNames(text: string): string[] {
  const out = new Set<string>();
  const re = /\bexport\s+(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)|\bexport\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)|\b(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.add(m[1] ?? m[2] ?? m[3]);
  return [...out];
}

function serverCallers(root: string, candidates: { abs: string; text: string }[], readable: { abs: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  const rel = (abs: string) => toPosix(path.relative(root, abs));
  const signals = (abs: string, text: string) => ({ rel: rel(abs), text, directives: [], imports: importSpecifiers(text) });
  // name -> factory ids, only for modules with no server evidence of their own (else nothing to find).
  const wanted = new Map<string, string[]>();
  for (const c of candidates) {
    if (fileServerEvidence(signals(c.abs, c.text)) || !c.text.includes('createAlova')) continue;
    for (const name of exportedNames(c.text)) wanted.set(name, [...(wanted.get(name) ?? []), `${rel(c.abs)}#${name}`]);
  }
  if (!wanted.size) return out;
  const own = new Set(candidates.map((c) => c.abs));
  const names = [...wanted.keys()];
  for (const f of [...candidates, ...readable.filter((r) => !own.has(r.abs))]) {
    const r = 'text' in f ? { kind: 'match' as const, text: (f as { text: string }).text } : readIfMentions(f.abs, names);
    if (r.kind !== 'match' || isTestFile(rel(f.abs))) continue;
    if (!fileServerEvidence(signals(f.abs, r.text))) continue;
    const identifiers = new Set(r.text.match(/[A-Za-z_$][\w$]*/g) ?? []);
    for (const [name, ids] of wanted) {
      if (!identifiers.has(name)) continue;
      for (const id of ids) if (!out[id] && !id.startsWith(`${rel(f.abs)}#`)) out[id] = rel(f.abs);
    }
  }
  return out;
}

/** The package.json files between each relevant file and the project root (a workspace has several). */
function packagesAbove(root: string, relevant: { abs: string }[], files: ProjectFiles): PackageFacts[] {
  const seen = new Map<string, PackageFacts | null>();
  for (const f of relevant) {
    for (let d = path.dirname(f.abs); d.startsWith(root); d = path.dirname(d)) {
      if (!seen.has(d)) seen.set(d, readPackage(root, d, files));
      if (d === root || d === path.dirname(d)) break;
    }
  }
  return [...seen.values()].filter((p): p is PackageFacts => p !== null).sort((a, b) => (a.dir < b.dir ? -1 : 1));
}

function readPackage(root: string, dir: string, files: ProjectFiles): PackageFacts | null {
  // Read once per run, shared with the context placement and the alova version (src/project-files.ts).
  const pkg = files.packageJson(dir);
  if (!pkg) return null; // no (readable) package.json here
  const deps = new Set<string>();
  for (const key of ['dependencies', 'devDependencies', 'peerDependencies']) {
    const d = pkg[key];
    if (d && typeof d === 'object') for (const name of Object.keys(d)) deps.add(name);
  }
  const rel = toPosix(path.relative(root, dir));
  const bin = pkg.bin;
  const binEntries = typeof bin === 'string' ? [bin] : bin && typeof bin === 'object' ? Object.values(bin).filter((v): v is string => typeof v === 'string') : [];
  return {
    dir: rel,
    ssrFrameworks: SSR_FRAMEWORKS.filter((f) => deps.has(f)),
    serverFrameworks: SERVER_FRAMEWORKS.filter((f) => deps.has(f)),
    binFiles: binEntries.map((b) => toPosix(path.join(rel, b))),
    uiFrameworks: UI_FRAMEWORKS.filter((f) => deps.has(f)),
  };
}
