// Module customization hooks (registered by ./register.mjs, Node >= 20.6).
//
// 1. `import 'alova'` from application code resolves to a generated shim that
//    re-exports the REAL alova and wraps `createAlova` with a counter kept on
//    globalThis. The application code stays unaware of it.
// 2. `alova` and `alova/<subpath>` are redirected to the package named by
//    `data.alovaPackage` (e.g. the aliased devDependencies `alova-3213` or
//    `alova2`), so one copy of the app runs against several alova versions.
const SHIM_PREFIX = 'alova-e2e-shim:';
const COUNTER = '__alovaE2E';

let alovaPackage = 'alova';
let resolveFrom;

export async function initialize(data) {
  if (data && typeof data.alovaPackage === 'string') alovaPackage = data.alovaPackage;
  if (data && typeof data.resolveFrom === 'string') resolveFrom = data.resolveFrom;
}

function isAlova(specifier) {
  return specifier === 'alova' || specifier.startsWith('alova/');
}

export async function resolve(specifier, context, nextResolve) {
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
