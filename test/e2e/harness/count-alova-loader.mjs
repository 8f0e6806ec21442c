// Module customization hooks (registered by ./register.mjs, Node >= 20.6).
//
// 1. `import 'alova'` from application code resolves to a generated shim that
//    re-exports the REAL alova and wraps `createAlova` with a counter kept on
//    globalThis. The application code stays unaware of it.
// 2. `alova` and `alova/<subpath>` are redirected to the package named by
//    `data.alovaPackage` (e.g. the aliased devDependencies `alova-3213` or
//    `alova2`), so one copy of the app runs against several alova versions.
// 3. `data.aliases` ({ "express": "express4" }) redirects other bare package
//    specifiers (and their subpaths) to another installed package, so one copy
//    of an app runs against e.g. Express 4 and Express 5. Real packages, no mocks.
const SHIM_PREFIX = 'alova-e2e-shim:';
const COUNTER = '__alovaE2E';

let alovaPackage = 'alova';
let resolveFrom;
/** @type {Record<string, string>} */
let aliases = {};

export async function initialize(data) {
  if (data && typeof data.alovaPackage === 'string') alovaPackage = data.alovaPackage;
  if (data && typeof data.resolveFrom === 'string') resolveFrom = data.resolveFrom;
  if (data && data.aliases && typeof data.aliases === 'object') aliases = { ...data.aliases };
}

function aliasOf(specifier) {
  for (const [from, to] of Object.entries(aliases)) {
    if (specifier === from || specifier.startsWith(`${from}/`)) return to + specifier.slice(from.length);
  }
  return null;
}

function isAlova(specifier) {
  return specifier === 'alova' || specifier.startsWith('alova/');
}

export async function resolve(specifier, context, nextResolve) {
  const aliased = isAlova(specifier) ? null : aliasOf(specifier);
  if (aliased) return nextResolve(aliased, { ...context, parentURL: resolveFrom ?? context.parentURL });
  if (!isAlova(specifier)) return nextResolve(specifier, context);
  const target = alovaPackage + specifier.slice('alova'.length);
  // Resolve from the harness location (inside the repo) so the aliased
  // packages are found wherever the app copy lives.
  const resolved = await nextResolve(target, { ...context, parentURL: resolveFrom ?? context.parentURL });
  if (specifier !== 'alova' || context.parentURL?.startsWith(SHIM_PREFIX)) return resolved;
  return { url: SHIM_PREFIX + resolved.url, format: 'module', shortCircuit: true };
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith(SHIM_PREFIX)) return nextLoad(url, context);
  const real = JSON.stringify(url.slice(SHIM_PREFIX.length));
  const source = `
import * as real from ${real};
export * from ${real};
const state = (globalThis[${JSON.stringify(COUNTER)}] ??= { createAlovaCalls: 0, alovaPackage: ${JSON.stringify(alovaPackage)} });
export function createAlova(...args) {
  state.createAlovaCalls += 1;
  return real.createAlova(...args);
}
`;
  return { format: 'module', source, shortCircuit: true };
}
