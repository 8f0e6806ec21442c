/**
 * Stage 3b: the project facts the classifier (transforms/lib/classify.ts) needs and a single file
 * cannot know: which SSR, server and UI frameworks each package depends on, and which files its
 * package.json runs as commands. Read once per run, before the transform stage.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PackageFacts, ProjectFacts } from '../transforms/lib/classify.js';
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
 * Callers are not read (a migration changes only the factory's module), so no server caller is
 * known here: `serverCallers` stays empty and a factory needs evidence of its own or its package's.
 */
export function projectFacts(root: string, relevant: { abs: string }[], assumeServer: boolean): ProjectFacts {
  return { packages: packagesAbove(root, relevant), serverCallers: {}, assumeServer };
}

/** The package.json files between each relevant file and the project root (a workspace has several). */
function packagesAbove(root: string, relevant: { abs: string }[]): PackageFacts[] {
  const seen = new Map<string, PackageFacts | null>();
  for (const f of relevant) {
    for (let d = path.dirname(f.abs); d.startsWith(root); d = path.dirname(d)) {
      if (!seen.has(d)) seen.set(d, readPackage(root, d));
      if (d === root || d === path.dirname(d)) break;
    }
  }
  return [...seen.values()].filter((p): p is PackageFacts => p !== null).sort((a, b) => (a.dir < b.dir ? -1 : 1));
}

function readPackage(root: string, dir: string): PackageFacts | null {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return null; // no (readable) package.json here
  }
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
