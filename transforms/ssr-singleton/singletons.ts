/**
 * Checks on code the migration does not move: module-level instances that are already unsafe
 * (fixed in place), and Method configs that alova applies over an instance's isolation.
 */
import { type Node, type Path, isFunction, staticKey, unwrapExpression, walkNoFunctions } from '../lib/ast.js';
import { CONTEXT_EXPORTS } from '../lib/context-module.js';
import type { ItemFinding } from '../lib/findings.js';
import type { TextEdit } from '../lib/text-edits.js';
import { indentOfLineAt } from '../lib/text-edits.js';
import { appendPropertiesEdit, setOption } from './edit-text.js';
import { type FileContext, itemAt } from './file-context.js';

/** alova's request methods and the position of their config argument (alova 2 and 3). */
const METHOD_CONFIG_ARGUMENT: Record<string, number> = { Request: 0, Get: 1, Head: 1, Options: 1, Post: 2, Put: 2, Patch: 2, Delete: 2 };

/** A Method's own `shareRequest` that is not a literal `false` overrides the instance's `false`. */
function asksToShare(value: Node): boolean {
  return !(value.type === 'BooleanLiteral' && value.value === false);
}

/**
 * A Method's own alova 2 `localCache` that may cache: alova 2 keeps it in one table keyed by the
 * instance id. `null`/`0` cache nothing, and a function is a cache the user controls (alova calls
 * it instead of reading the table), so neither is reported.
 */
function cachesByInstanceId(value: Node): boolean {
  if (value.type === 'NullLiteral' || (value.type === 'NumericLiteral' && value.value === 0)) return false;
  return value.type !== 'ArrowFunctionExpression' && value.type !== 'FunctionExpression';
}

/** The config argument of `x.Get(url, config)` (and the other request methods), if any. */
function methodCallConfig(call: Node): Node | undefined {
  const callee = unwrapExpression(call.callee);
  if ((callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') || callee.computed || callee.property.type !== 'Identifier') return undefined;
  const at = METHOD_CONFIG_ARGUMENT[callee.property.name];
  return at === undefined ? undefined : call.arguments[at];
}

/**
 * Method configs that alova applies over the shared instance's isolation, each reported where it
 * stands: `x.Get(url, { shareRequest: true })` (anything but a literal `false`) and
 * `new Method(type, x, url, { ... })`, see the two predicates above. The receiver is not resolved:
 * the option names are alova's own.
 */
export function methodConfigItems(ctx: FileContext): ItemFinding[] {
  const out: ItemFinding[] = [];
  const isMethodClass = (callee: Node) => unwrapExpression(callee).type === 'Identifier' && unwrapExpression(callee).name === 'Method';
  const configs = [...ctx.ast.calls.map(methodCallConfig), ...ctx.ast.news.map((n) => (isMethodClass(n.callee) ? n.arguments[3] : undefined))];
  for (const arg of configs) {
    const cfg = unwrapExpression(arg);
    if (cfg?.type !== 'ObjectExpression') continue;
    for (const p of cfg.properties) {
      if (p.type !== 'ObjectProperty') continue;
      const key = staticKey(p);
      const value = unwrapExpression(p.value);
      if (key === 'shareRequest' && asksToShare(value)) out.push(itemAt('method-share-request', p));
      // alova 3 ignores `localCache` (its option is cacheFor): reported only where alova 2 may run.
      if (key === 'localCache' && cachesByInstanceId(value) && !ctx.isAlova3()) out.push(itemAt('method-local-cache', p));
    }
  }
  return out;
}

/**
 * A module-level instance whose hooks read per-request data (Next's cookies()/headers(), an
 * AsyncLocalStorage store, a global store's getState(), Nitro's useEvent(), our own context) but
 * keeps alova's shared cache or shareRequest serves one user's responses to another
 * (shared/alova-facts.md). Returns what is unsafe about it (empty when it is fine).
 */
export function singletonProblems(ctx: FileContext, callPath: Path): string[] {
  const cfg = unwrapExpression(callPath.node.arguments[0]);
  if (callPath.node.arguments.length !== 1 || cfg?.type !== 'ObjectExpression') return [];
  const reads = perRequestReadsIn(ctx, cfg);
  if (!reads) return [];
  const keys = new Map<string, Node>();
  for (const p of cfg.properties) {
    const k = staticKey(p);
    if (k) keys.set(k, p);
  }
  const isLiteral = (k: string, test: (v: Node) => boolean) => {
    const p = keys.get(k);
    return !!p && p.type !== 'ObjectMethod' && test(unwrapExpression(p.value));
  };
  const isNull = (v: Node) => v.type === 'NullLiteral' || (v.type === 'Literal' && v.value === null);
  const problems: string[] = [];
  if (!isLiteral('shareRequest', (v) => v.type === 'BooleanLiteral' && v.value === false)) problems.push('shareRequest');
  const major = ctx.alovaMajor(cfg);
  const cacheSafe = major === 3 ? isLiteral('cacheFor', isNull) || keys.has('l1Cache') : isLiteral('localCache', isNull);
  if (!cacheSafe && ctx.cache !== 'shared') problems.push(major === 3 ? 'cacheFor' : 'localCache');
  return problems.length ? [`reads ${reads}`, ...problems] : [];
}

const REQUEST_SCOPED_CALLS = ['useEvent', 'useRequestEvent', 'getRequestEvent', CONTEXT_EXPORTS.use];

/** What a call reads per request (`cookies() from next/headers`, `.getStore()`...), or null. */
function perRequestCall(n: Node, nextHeaders: Set<string>): string | null {
  const c = unwrapExpression(n.callee);
  if (c.type === 'Identifier' && nextHeaders.has(c.name)) return `${c.name}() from next/headers`;
  if (c.type === 'Identifier' && REQUEST_SCOPED_CALLS.includes(c.name)) return `${c.name}()`;
  if (c.type === 'MemberExpression' && !c.computed && ['getStore', 'getState'].includes(c.property.name)) return `.${c.property.name}()`;
  if (c.type === 'MemberExpression' && !c.computed && c.object.type === 'Identifier' && c.object.name === 'requestContext' && c.property.name === 'get') return 'requestContext.get()';
  return null;
}

/** What per-request source a hook of this options object reads, or null. */
function perRequestReadsIn(ctx: FileContext, cfg: Node): string | null {
  const nextHeaders = new Set<string>();
  for (const st of ctx.program.body) {
    if (st.type !== 'ImportDeclaration' || st.source.value !== 'next/headers') continue;
    for (const sp of st.specifiers ?? []) if (sp.type === 'ImportSpecifier') nextHeaders.add(sp.local.name);
  }
  let found: string | null = null;
  const visitFn = (fn: Node) => walkNoFunctions([fn.body], (n) => !found && n.type === 'CallExpression' && (found = perRequestCall(n, nextHeaders)), true);
  const visitProps = (obj: Node) => {
    for (const p of obj.properties) {
      if (p.type === 'ObjectMethod') visitFn(p);
      else if (p.type !== 'SpreadElement') {
        const v = unwrapExpression(p.value);
        if (isFunction(v)) visitFn(v);
        else if (v?.type === 'ObjectExpression' && staticKey(p) === 'responded') visitProps(v);
      }
    }
  };
  visitProps(cfg);
  return found;
}

const SAFE_VALUES: Record<string, string> = { shareRequest: 'false', cacheFor: 'null', localCache: 'null' };

/** Reports the unsafe singleton and, in place, turns sharing (and the shared cache) off. */
export function fixSingleton(ctx: FileContext, callPath: Path, problems: string[]): void {
  const cfg = unwrapExpression(callPath.node.arguments[0]);
  const [reads, ...keysToFix] = problems;
  const props: Node[] = cfg.properties;
  let lastSpread = -1;
  props.forEach((p, i) => p.type === 'SpreadElement' && (lastSpread = i));
  const append: string[] = [];
  const edits: TextEdit[] = [];
  const fixes = keysToFix.map((key) => `${key}: ${SAFE_VALUES[key]}`);
  for (const key of keysToFix) {
    const existing = props.find((p) => staticKey(p) === key && p.type !== 'ObjectMethod');
    setOption(ctx.text, props, lastSpread, existing, { key, value: SAFE_VALUES[key] }, edits, append);
  }
  if (append.length) {
    const propIndent = props.length ? indentOfLineAt(ctx.text, props[0].start) : indentOfLineAt(ctx.text, cfg.start) + ctx.style.indent;
    edits.push(appendPropertiesEdit(ctx, cfg, append, propIndent, edits));
  }
  ctx.edits.push(...edits);
  const item = itemAt('unsafe-singleton', callPath.node, `${reads}; keeps ${keysToFix.join(' and ')} shared`);
  item.fix = { description: `set ${fixes.join(', ')} (applied in apply mode)` };
  ctx.items.push(item);
  ctx.record('isolate-instance', callPath.node, fixes.join(', '));
}
