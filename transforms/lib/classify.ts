/**
 * Is this createAlova factory per-request server code? The migration only pays off, and is only
 * safe, for a factory that runs once per request on a server: elsewhere (browser bundles, tests,
 * one-shot CLIs, builders run once per app) a hoisted instance is useless at best, and an
 * `import 'node:async_hooks'` breaks a browser bundle at load time.
 *
 * Each predicate below answers one question from one kind of evidence and says why it exists.
 * {@link classifyFactory} weighs them in a fixed order and returns a verdict with its reason.
 * With no evidence either way the factory is left alone (conservative: a wrong migration is worse
 * than none); a comment directive or `--assume-server` forces it (see docs/what-is-left-alone.md).
 *
 * Everything here is pure: file text, the parsed program, project facts computed by src/ (package
 * manifest, callers found by the project index) go in; a verdict comes out.
 */
import type { Node } from './ast.js';
import { requestNamedParameter, requestObjectReaching } from './request-evidence.js';

// Factory-level request evidence has its own file; re-exported so callers keep one import.
export { requestNamedParameter, requestObjectReaching };

/** Why a factory was left alone (one word each, counted in the run summary). */
export type LeftAloneReason = 'test-file' | 'browser-code' | 'universal-code' | 'cli' | 'module-load' | 'no-evidence' | 'directive';

/** Facts of one package.json (a workspace has several): what its dependencies say about where it runs. */
export interface PackageFacts {
  /** The package's folder relative to the project root (POSIX; `''` for the root). */
  dir: string;
  /** Dependencies that render UI on the server too (a UI statesHook there may be SSR code). */
  ssrFrameworks: string[];
  /** Server frameworks it depends on (express, koa, h3, next...). */
  serverFrameworks: string[];
  /** Files named by its "bin", relative to the project root (POSIX). */
  binFiles: string[];
  /** UI frameworks it depends on (vue, react, svelte...): its code may run in a browser. */
  uiFrameworks: string[];
}

/** Project facts gathered by src/ (package.json files, the project index) and handed to the transform. */
export interface ProjectFacts {
  /** Every package.json above a file with a factory, deepest first is found by {@link packageOf}. */
  packages: PackageFacts[];
  /** Factory id -> a file (relative) with server evidence that mentions it: its caller runs on a server. */
  serverCallers: Record<string, string>;
  /** `--assume-server`: a factory with no evidence either way is migrated. */
  assumeServer: boolean;
}

export const NO_PROJECT_FACTS: ProjectFacts = { packages: [], serverCallers: {}, assumeServer: false };

const NO_PACKAGE: PackageFacts = { dir: '', ssrFrameworks: [], serverFrameworks: [], binFiles: [], uiFrameworks: [] };

/** The nearest package.json above a file (its facts), or an empty package. */
export function packageOf(rel: string, project: ProjectFacts): PackageFacts {
  let best: PackageFacts | null = null;
  for (const p of project.packages) {
    if (p.dir !== '' && !rel.startsWith(p.dir + '/')) continue;
    if (!best || p.dir.length > best.dir.length) best = p;
  }
  return best ?? NO_PACKAGE;
}

/** What the transform knows about the file a factory lives in. */
export interface FileSignals {
  /** Path relative to the project root, POSIX. */
  rel: string;
  text: string;
  /** Program directives (`'use client'`, `'use server'`). */
  directives: string[];
  /** Module specifiers of every import / require / dynamic import. */
  imports: string[];
}

/** What the transform knows about one factory (the function whose call makes an instance). */
export interface FactorySignals {
  /** The factory's index id (`file#name`), when it has a name. */
  id: string | null;
  /** The functions enclosing the createAlova call, innermost first (their params are the request's way in). */
  functions: Node[];
  /** The factory is only called at module top level in its own file, and not exported. */
  calledOnlyAtModuleLoad: boolean;
}

export interface Verdict {
  migrate: boolean;
  /** Why it was left alone (null when migrated). */
  reason: LeftAloneReason | null;
  /** One line: the evidence that decided (e.g. `parameter req: Request`, `test file`). */
  why: string;
}

// ---------------------------------------------------------------------------------------------
// Directives
// ---------------------------------------------------------------------------------------------

/**
 * `// alova-ssr-migrate: server` or `// alova-ssr-migrate: leave` anywhere in the file. The user
 * knows what the evidence cannot prove (a helper whose only callers live in another repository).
 */
export function userDirective(text: string): 'server' | 'leave' | null {
  const m = /alova-ssr-migrate:\s*(server|leave)\b/.exec(text);
  return m ? (m[1] as 'server' | 'leave') : null;
}

// ---------------------------------------------------------------------------------------------
// Counter-evidence
// ---------------------------------------------------------------------------------------------

/** Test files build an instance per test on purpose (alova's own suites do); a shared one would couple tests. */
export function isTestFile(rel: string): boolean {
  return /(^|\/)(__tests__|__mocks__|tests?|spec|e2e)\//.test(rel) || /\.(test|spec|e2e)\.[cm]?[jt]sx?$/.test(rel);
}

/** `'use client'` marks a React component bundled for the browser (Next.js, RSC). */
export function isClientModule(directives: string[]): boolean {
  return directives.includes('use client');
}

/**
 * Browser-only globals. Code that reads them runs in a browser (or guards for one: universal
 * code); either way node:async_hooks must not be imported there. Matched in the text, so a
 * mention in a comment also counts: that errs towards leaving the code alone.
 */
export function browserGlobal(text: string): string | null {
  const m = /\b(window|document|localStorage|sessionStorage|navigator)\s*\.|\b(uni|wx)\.(request|getStorageSync|setStorageSync)\b/.exec(text);
  return m ? (m[1] ?? `${m[2]}.${m[3]}`) : null;
}

/**
 * A universal module: run on the server per request AND bundled for the browser. Nuxt plugins
 * and composables (the shape alova's maintainer recommends: createAlova inside defineNuxtPlugin)
 * and isomorphic helpers that branch on `typeof window`. Nuxt context calls
 * (useRuntimeConfig(), useRequestHeaders(), useNuxtApp(), useRequestEvent()...) throw when hoisted
 * to module load, and node:async_hooks breaks the browser bundle.
 */
export function universalMarker(file: FileSignals): string | null {
  if (isServerLocation(file.rel)) return null;
  if (/\bdefineNuxtPlugin\s*\(/.test(file.text)) return 'defineNuxtPlugin()';
  const nuxtImport = file.imports.find((s) => s === '#app' || s === '#imports' || s === 'nuxt/app' || s.startsWith('#app/'));
  if (nuxtImport) return `import from ${nuxtImport}`;
  // Nuxt-only names (not useState: React has one too).
  const nuxtCall = /\b(useRuntimeConfig|useRequestHeaders|useRequestHeader|useRequestEvent|useNuxtApp|useRequestURL|useRequestFetch)\s*\(/.exec(file.text);
  if (nuxtCall) return `${nuxtCall[1]}() (a Nuxt context call)`;
  if (/\btypeof\s+window\b/.test(file.text)) return '`typeof window` (isomorphic code)';
  return null;
}

/**
 * A UI statesHook (alova/vue, alova/react, alova/svelte...): the instance drives component state.
 * Without an SSR framework in the project that only happens in a browser.
 */
export function uiStatesHook(file: FileSignals): string | null {
  const hookModule = file.imports.find((s) => /^alova\/(vue|react|svelte|solid|vue-demi|nuxt)$|^@alova\/(vue-options|adapter-uniapp|adapter-taro)$/.test(s));
  if (hookModule) return `import from ${hookModule}`;
  const m = /\bstatesHook\s*:\s*(VueHook|ReactHook|SvelteHook|SolidHook|NuxtHook|VueOptionsHook)\b/.exec(file.text);
  return m ? `statesHook: ${m[1]}` : null;
}

/**
 * A command-line process (a shebang, a package.json "bin" entry, argv parsing): it serves no
 * request, so an instance per call is one user's instance (the devtools' CLI helper shape).
 * `process.argv` alone is weak (servers read a port from it): it counts only without server evidence.
 */
export function cliMarker(file: FileSignals, project: ProjectFacts): { strong: boolean; what: string } | null {
  if (file.text.startsWith('#!')) return { strong: true, what: 'a shebang line' };
  const pkg = packageOf(file.rel, project);
  if (pkg.binFiles.includes(file.rel)) return { strong: true, what: 'a package.json "bin" entry' };
  if (/(^|\/)bin\//.test(file.rel)) return { strong: true, what: 'a bin/ folder' };
  const cliLib = file.imports.find((s) => ['commander', 'yargs', 'cac', 'meow', 'minimist', 'citty'].includes(s));
  if (cliLib) return { strong: false, what: `import from ${cliLib}` };
  if (/\bprocess\.argv\b/.test(file.text)) return { strong: false, what: 'process.argv' };
  return null;
}

/**
 * The file belongs to a command-line package: its package.json has "bin" and no server framework
 * dependency. Node-only imports there (fs, path) say "Node", not "request": the devtools' OpenAPI
 * generator makes an instance per fetch in such a package.
 */
export function cliPackage(file: FileSignals, project: ProjectFacts): string | null {
  const pkg = packageOf(file.rel, project);
  if (!pkg.binFiles.length || pkg.serverFrameworks.length) return null;
  return `package ${pkg.dir || '.'} is a command-line tool ("bin", no server framework)`;
}

// ---------------------------------------------------------------------------------------------
// Evidence
// ---------------------------------------------------------------------------------------------

/** Paths only a server bundle contains: Nuxt/Nitro `server/`, `*.server.*`, Next route handlers and API routes, SvelteKit `+server`. */
export function isServerLocation(rel: string): boolean {
  return (
    /(^|\/)server\//.test(rel) ||
    /\.server\.[cm]?[jt]sx?$/.test(rel) ||
    /(^|\/)pages\/api\//.test(rel) ||
    /(^|\/)app\/(.*\/)?route\.[cm]?[jt]sx?$/.test(rel) ||
    /(^|\/)\+server\.[cm]?[jt]s$/.test(rel) ||
    // Vike hooks that run on the server only by default.
    /(^|\/)\+(data|onBeforeRender|onBeforePrerenderStart|onCreatePageContext)\.[cm]?[jt]s$/.test(rel) ||
    /(^|\/)(middleware|instrumentation)\.[cm]?[jt]s$/.test(rel)
  );
}

const SERVER_MODULES = new Set([
  'express', 'koa', '@koa/router', 'koa-router', 'fastify', 'hono', 'h3', 'nitropack', 'nitropack/runtime', '@hapi/hapi', 'elysia', 'restify',
  'next/headers', 'next/server', 'http', 'https', 'http2', 'fs', 'fs/promises', 'net', 'cookie-parser', 'express-session', 'vike/server', '@nestjs/core',
  '@nestjs/common', '@nestjs/platform-express', '@nestjs/platform-fastify', '@sveltejs/kit/node', 'hono/cookie', 'hono/factory',
]);

/** Imports that only resolve (or only make sense) in a Node server. `node:*` builtins included. */
export function serverOnlyImport(imports: string[]): string | null {
  return imports.find((s) => (s.startsWith('node:') && s !== 'node:process') || SERVER_MODULES.has(s)) ?? null;
}

/**
 * A request handler shape written in the file: h3/Nitro, Next (route handlers, getServerSideProps,
 * server actions), Remix/React Router loaders and actions, Express/Koa/Fastify handlers, NestJS
 * request scope.
 */
export function frameworkHandlerMarker(text: string): string | null {
  const patterns: [RegExp, string][] = [
    [/\b(defineEventHandler|eventHandler|defineNitroPlugin|fromNodeMiddleware)\s*\(/, 'an h3/Nitro event handler'],
    [/\bexport\s+(async\s+)?function\s+getServerSideProps\b|\bexport\s+const\s+getServerSideProps\b/, 'getServerSideProps'],
    [/\bexport\s+(async\s+)?function\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s*\(/, 'a Next.js route handler'],
    [/\bexport\s+(async\s+)?function\s+(loader|action)\s*\(|\bexport\s+const\s+(loader|action)\s*=/, 'a Remix loader/action'],
    [/\bScope\.REQUEST\b|@Inject\(\s*REQUEST\s*\)|@Req\(\s*\)/, 'NestJS request scope'],
    [/\.(get|post|put|patch|delete|all|use|route)\s*\(\s*[^,()]*,\s*(async\s*)?(function\s*\w*\s*)?\(\s*(req|request|ctx)\b/, 'an Express/Koa/Fastify route handler'],
    [/\baddHook\s*\(\s*['"](onRequest|preHandler|preValidation)['"]/, 'a Fastify request hook'],
    [/\b(req|request|ctx|event)\.(headers|cookies|signedCookies|session)\b/, 'reads a request object'],
    // A parameter typed as a server-only request object (not `Request`: the browser has one too).
    [/\w\s*:\s*(IncomingMessage|H3Event|NextRequest|NextApiRequest|FastifyRequest|PageContextServer|GetServerSidePropsContext|LoaderFunctionArgs|ActionFunctionArgs|RequestEvent|HonoRequest|ParameterizedContext)\b/, 'a server request type'],
  ];
  for (const [re, what] of patterns) if (re.test(text)) return what;
  return null;
}

/**
 * The file's package is a backend: it depends on a server framework (express, koa, fastify, h3,
 * NestJS...) and on no UI framework, so nothing of it is bundled for a browser.
 */
export function serverPackage(rel: string, project: ProjectFacts): string | null {
  const pkg = packageOf(rel, project);
  if (!pkg.serverFrameworks.length || pkg.uiFrameworks.length || pkg.ssrFrameworks.length) return null;
  return `package ${pkg.dir || '.'} is a server (depends on ${pkg.serverFrameworks[0]}, no UI framework)`;
}

/** File-level server evidence, used for the factory's own file and for its callers' files. */
export function fileServerEvidence(file: FileSignals): string | null {
  if (isServerLocation(file.rel)) return `server-only location ${file.rel}`;
  const imp = serverOnlyImport(file.imports);
  if (imp) return `imports ${imp}`;
  const handler = frameworkHandlerMarker(file.text);
  if (handler) return handler;
  return null;
}

// ---------------------------------------------------------------------------------------------
// The verdict
// ---------------------------------------------------------------------------------------------

const migrate = (why: string): Verdict => ({ migrate: true, reason: null, why });
const leave = (reason: LeftAloneReason, why: string): Verdict => ({ migrate: false, reason, why });

/**
 * Counter-evidence that holds for the whole file: nothing in it is migrated (nor its calls of
 * other modules' factories), whatever its factories look like.
 */
export function fileLeftAlone(file: FileSignals, project: ProjectFacts): Verdict | null {
  const directive = userDirective(file.text);
  // 'use client' and universal modules are bundled for the browser whatever the user says:
  // node:async_hooks there breaks the bundle at load, so not even the directive migrates them.
  if (isClientModule(file.directives)) return leave('browser-code', "'use client' module");
  if (directive === 'leave') return leave('directive', 'alova-ssr-migrate: leave');
  // Tests first: a suite that exercises a Nuxt plugin is still a suite.
  if (directive !== 'server' && isTestFile(file.rel)) return leave('test-file', `test file ${file.rel}`);
  const universal = universalMarker(file);
  if (universal) return leave('universal-code', universal);
  if (directive === 'server') return null;
  const cli = cliMarker(file, project);
  if (cli?.strong) return leave('cli', cli.what);
  return null;
}

/**
 * The order matters: certain counter-evidence first (a file that is surely not server request
 * code), then the user's word, then evidence of a request, then weaker counter-evidence, then the
 * conservative default.
 */
export function classifyFactory(file: FileSignals, factory: FactorySignals, project: ProjectFacts): Verdict {
  const whole = fileLeftAlone(file, project);
  if (whole) return whole;
  if (userDirective(file.text) === 'server') return migrate('alova-ssr-migrate: server');
  const cli = cliMarker(file, project);
  // Once per process, whatever the file: hoisting gains nothing and the factory's own call stays as written.
  if (factory.calledOnlyAtModuleLoad) return leave('module-load', 'every call runs at module load');
  // A request object read or typed as one outweighs a browser global elsewhere in the file.
  const request = requestObjectReaching(factory.functions);
  if (request) return migrate(request);
  const cliPkg = cliPackage(file, project);
  if (cliPkg) return leave('cli', cliPkg);
  const browser = browserGlobal(file.text);
  if (browser) return leave('browser-code', `reads ${browser}`);
  const named = requestNamedParameter(factory.functions);
  if (named) return migrate(named);
  const server = fileServerEvidence(file);
  if (server) return migrate(server);
  const caller = factory.id ? project.serverCallers[factory.id] : undefined;
  if (caller) return migrate(`called from server code in ${caller}`);
  if (cli) return leave('cli', cli.what);
  const hook = uiStatesHook(file);
  if (hook && !packageOf(file.rel, project).ssrFrameworks.length) return leave('browser-code', `${hook} and no SSR framework in package.json`);
  const backend = serverPackage(file.rel, project);
  if (backend && !hook) return migrate(backend);
  if (project.assumeServer) return migrate('--assume-server');
  return leave('no-evidence', hook ? `${hook}, nothing says it runs per request on a server` : 'nothing says it runs per request on a server');
}

// ---------------------------------------------------------------------------------------------
// Signals from a parsed file
// ---------------------------------------------------------------------------------------------

/** Directives and module specifiers of a parsed program (imports, require(), import()). */
export function fileSignalsOf(rel: string, text: string, program: Node): FileSignals {
  const directives = (program.directives ?? []).map((d: Node) => d.value?.value).filter((v: unknown): v is string => typeof v === 'string');
  return { rel, text, directives, imports: importSpecifiers(text) };
}

/**
 * Module specifiers, read from the text (static imports, re-exports, require(), import()): cheap
 * enough to run on every caller file the project index found, which the analysis does not parse.
 */
export function importSpecifiers(text: string): string[] {
  const out = new Set<string>();
  const re = /\bfrom\s*['"]([^'"\n]+)['"]|\bimport\s*['"]([^'"\n]+)['"]|\b(?:require|import)\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.add(m[1] ?? m[2] ?? m[3]);
  return [...out];
}
