/**
 * Phase 2, options: sorts one createAlova options object into a plan. Hooks (functions) read their
 * request data from the context; baseURL and timeout move into beforeRequest; a preset's per-call
 * keys stay in the factory; anything else request-dependent is a reason against the factory.
 */
import { type Node, type Path, findPathOf, isFunction, isLiteralValue, isPureRead, patternNames, staticKey, unwrapExpression } from '../lib/ast.js';
import { capturedIn, checkEager, lexicalThisIn, lexicalThisRefs } from './checks.js';
import { type Factory, type FileContext, block, itemAt } from './file-context.js';
import type { Capture, LazyHook, OptionsPlan } from './plan.js';

/**
 * The options a preset's caller may pass per call (`createServerAlova(options)` spreading
 * `...options`): alova reads them per request through the Method API and the hooks, so the shared
 * instance dispatches them from the handle's data. Every other key is an instance setting that one
 * shared instance cannot vary per call, and the migrated factory throws when a caller passes one:
 * requestAdapter and statesHook (the instance's transport and UI binding), id (the cache and share
 * namespace), l1Cache/l2Cache/storageAdapter and cacheFor/localCache (the request-scoped cache the
 * migration installs, and caching that would cross users), shareRequest (must stay off, see
 * shared/alova-facts.md), snapshots, cacheLogger, and any key alova adds later.
 */
export const PRESET_PER_CALL_KEYS = ['baseURL', 'timeout', 'beforeRequest', 'responded'];

/** The function of a property (`m() {}` or `k: () => ...`), or null. */
const functionOf = (prop: Node): Node | null => (prop.type === 'ObjectMethod' ? prop : isFunction(unwrapExpression(prop.value)) ? unwrapExpression(prop.value) : null);

/** Sorts the factory's options into a plan; every reason against it found on the way goes to its blockers. */
export function sortOptions(ctx: FileContext, f: Factory): OptionsPlan {
  const plan: OptionsPlan = { props: f.cfg.properties, keys: new Map(), lastSpreadIndex: -1, lazy: [], moved: [], captured: new Map(), preset: null, perCall: [], framework: null };
  // A preset that forwards its caller's options: the per-call keys stay in the factory, the rest
  // is hoisted (see PRESET_PER_CALL_KEYS).
  plan.preset = forwardedOptionsSpread(ctx, f);
  plan.props.forEach((prop, i) => sortProperty(ctx, f, plan, prop, f.cfgPath.get('properties', i), i));
  return plan;
}

function sortProperty(ctx: FileContext, f: Factory, plan: OptionsPlan, prop: Node, propPath: Path, i: number): void {
  const { preset } = plan;
  if (prop === preset) return;
  // Another spread beside the forwarded options (`...defaults, ...options`): its keys are only
  // known at run time, so which of them the instance keeps and which a call overrides cannot be
  // split at build time.
  if (prop.type === 'SpreadElement' && preset) return block(f, 'unknown-spread', prop, 'another spread beside the forwarded options');
  if (prop.type === 'SpreadElement') return sortSpread(ctx, f, plan, prop, propPath, i);
  // alova copies the options when the instance is created, which runs a getter at module load.
  if (prop.type === 'ObjectMethod' && (prop.kind === 'get' || prop.kind === 'set')) return block(f, 'unsupported-config', prop, 'a getter or setter in the options');
  const key = staticKey(prop);
  // Evaluated per call in the factory, in its place beside the caller's options.
  if (preset && key && !prop.computed && PRESET_PER_CALL_KEYS.includes(key)) return void plan.perCall.push(prop);
  if (key) plan.keys.set(key, prop);
  if (prop.computed && capturedIn(ctx, f, propPath.get('key')).length) block(f, 'request-dependent-option', prop);
  const fnValue = functionOf(prop);
  if (fnValue) return void plan.lazy.push(lazyFunction(ctx, f, plan, fnValue === prop ? propPath : findPathOf(propPath.get('value'), fnValue)));
  const obj = key === 'responded' ? unwrapExpression(prop.value) : null;
  if (obj?.type === 'ObjectExpression') return sortResponded(ctx, f, plan, obj, findPathOf(propPath.get('value'), obj));
  sortValue(ctx, f, plan, prop, key, propPath.get('value'));
}

function sortSpread(ctx: FileContext, f: Factory, plan: OptionsPlan, prop: Node, propPath: Path, i: number): void {
  plan.lastSpreadIndex = i;
  if (capturedIn(ctx, f, propPath).length) {
    // A preset that forwards its caller's options (`createServerAlova(options)` spreading
    // `...options`): which keys a caller passes is only known at run time, and most of them
    // (requestAdapter, cacheFor, statesHook...) cannot differ per call on one instance.
    const arg = unwrapExpression(prop.argument);
    const forwarded = arg.type === 'Identifier' && f.fnPath.node.params.some((p: Node) => patternNames(p).includes(arg.name));
    block(f, 'unknown-spread', prop, forwarded ? `...${arg.name} forwards the caller's options` : undefined);
  }
  checkEager(ctx, f, propPath);
}

/** `responded: { onSuccess, onError, onComplete }`: each hook is a function option; anything else is evaluated eagerly. */
function sortResponded(ctx: FileContext, f: Factory, plan: OptionsPlan, obj: Node, objPath: Path): void {
  obj.properties.forEach((sub: Node, k: number) => {
    const subPath = objPath.get('properties', k);
    const subFn = functionOf(sub);
    if (subFn) {
      plan.lazy.push(lazyFunction(ctx, f, plan, subFn === sub ? subPath : findPathOf(subPath.get('value'), subFn)));
      return;
    }
    checkEager(ctx, f, subPath);
    if (capturedIn(ctx, f, subPath).length) block(f, 'request-dependent-option', sub);
  });
}

function sortValue(ctx: FileContext, f: Factory, plan: OptionsPlan, prop: Node, key: string | null, valuePath: Path): void {
  checkEager(ctx, f, valuePath);
  const caps = capturedIn(ctx, f, valuePath);
  const movable = key === 'baseURL' || key === 'timeout' ? key : null;
  if (caps.length === 0) {
    // A module-level value that may change after load (process.env set by dotenv after the
    // imports, a reassigned `let`, a getter on a config object): read it when the factory
    // used to, not once when the module loads. Literals stay.
    if (movable && !isLiteralValue(unwrapExpression(prop.value))) plan.moved.push({ key: movable, prop, expr: prop.value, names: new Set(), dynamic: true, viaStore: false });
    return;
  }
  if (movable) {
    caps.forEach((c) => addCapture(plan, c));
    plan.moved.push({ key: movable, prop, expr: prop.value, names: new Set(caps.map((c) => c.node.name)), dynamic: false, viaStore: false });
    return;
  }
  // Only baseURL and timeout have a faithful request-time form (the Method API); anything
  // else request-dependent (an adapter built from the request, cacheFor from a header...) is
  // reported instead of guessed.
  block(f, 'request-dependent-option', prop, key ?? undefined);
}

function addCapture(plan: OptionsPlan, p: Path): void {
  const c: Capture = plan.captured.get(p.node.name) ?? { name: p.node.name, refs: [] };
  c.refs.push(p);
  plan.captured.set(p.node.name, c);
}

/** A function-valued option: which request bindings it reads (they get a prologue). */
function lazyFunction(ctx: FileContext, f: Factory, plan: OptionsPlan, fp: Path): LazyHook {
  const fn = fp.node;
  const names = new Set<string>();
  for (const p of capturedIn(ctx, f, fp)) {
    names.add(p.node.name);
    addCapture(plan, p);
  }
  // `this` of an arrow hook is the factory's `this` (a class constructor's object): the factory
  // records that object and the hook reads its fields when it runs, as it did. `super` and
  // `arguments` cannot be recorded that way.
  if (fn.type === 'ArrowFunctionExpression' && lexicalThisIn(fp)) {
    const refs = lexicalThisRefs(fp);
    if (!refs) block(f, 'uses-this', fn);
    else {
      f.selfCapture ??= { name: ctx.uniqueName('self'), refs: [] };
      f.selfCapture.refs.push(...refs);
      names.add(f.selfCapture.name);
    }
  }
  return { fn, fnPath: fp, names, moved: [] };
}

/**
 * The spread of a preset that forwards its caller's options (`createServerAlova(options)`
 * spreading `...options`): a parameter of the factory, spread as it is, once. Null otherwise.
 */
function forwardedOptionsSpread(ctx: FileContext, f: Factory): Node | null {
  const found = f.cfg.properties.filter((prop: Node, i: number) => {
    if (prop.type !== 'SpreadElement') return false;
    const arg = unwrapExpression(prop.argument);
    if (arg.type !== 'Identifier' || !f.fnPath.node.params.some((p: Node) => patternNames(p).includes(arg.name))) return false;
    const caps = capturedIn(ctx, f, f.cfgPath.get('properties', i));
    return caps.length === 1 && caps[0].node === prop.argument;
  });
  return found.length === 1 ? found[0] : null;
}

/**
 * How each moved option reaches the hook: computed by the factory and stored (when there is a
 * store), or re-read in the hook (framework context, or a pure read of module-level state). A
 * dynamic value with side effects and no store stays where it was, evaluated at load.
 */
export function placeMovedOptions(ctx: FileContext, f: Factory, plan: OptionsPlan): void {
  for (const mv of [...plan.moved]) {
    mv.viaStore = plan.captured.size > 0 && !plan.framework;
    if (mv.dynamic && !mv.viaStore && !isPureRead(mv.expr)) {
      plan.moved.splice(plan.moved.indexOf(mv), 1);
      ctx.items.push(itemAt('evaluated-at-load', mv.prop, mv.key));
    }
  }
  // alova 3.0.0 - 3.0.2 build the URL before beforeRequest runs (shared/alova-facts.md).
  const early = plan.moved.find((mv) => mv.key === 'baseURL' && !mv.dynamic);
  const version = ctx.options.alovaVersion ?? '';
  if (early && /^3\.0\.[0-2](?:$|[-+])/.test(version)) block(f, 'request-dependent-option', early.prop, `alova ${version} reads baseURL before beforeRequest`);
}
