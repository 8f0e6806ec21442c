/**
 * Phase 5, emit: turns a factory's plan into text edits. Hook prologues read the request data,
 * moved options become beforeRequest statements, the isolation options are set, the options move
 * into a module-level declaration, and the createAlova call becomes a request-bound handle.
 */
import { type Node, containsAwait, exprRange, needsParens } from '../lib/ast.js';
import { CONTEXT_EXPORTS } from '../lib/context-module.js';
import { type TextEdit, indentOfLineAt } from '../lib/text-edits.js';
import { appendPropertiesEdit, applyEditsWithin, dedentEdits, removePropertyEdit, removeStatementEdit, setOption, stripPrefix } from './edit-text.js';
import { type Factory, type FileContext, block, itemAt } from './file-context.js';
import { unusedAfterMove } from './framework.js';
import { type OptionsPlan, hookFunction, movedKey } from './plan.js';
import { type PresetHelpers, PRESET_OPTIONS_KEY, perCallOptionsText, presetDispatchers, presetHelpers } from './preset.js';

const MATCHER_APIS = /\b(invalidateCache|setCache|queryCache|hitCacheBySource|useFetcher|matchSnapshot|hitSource)\b|\.snapshots\.match\b/;

/** The names and layout one factory's emission shares. */
export interface Emission {
  instanceName: string;
  /** The factory id: the instance's alova id and the key of its request store. */
  storeKey: string;
  major: 2 | 3;
  /** The indent of the createAlova call's line (removed when the options move to module level). */
  baseIndent: string;
  /** The indent of the options' properties at module level. */
  propIndent: string;
}

/**
 * The statement a hook runs for a moved option: from the stored value (`expr` null), or by
 * re-reading the framework's request context (`expr`). alova reads `method.baseURL` and
 * `method.config.timeout` after beforeRequest (shared/alova-facts.md). A Method whose baseURL the
 * code already set, or with its own timeout, keeps it, as it did over the instance option; and
 * `|| ''` is the fallback alova itself applies to a missing baseURL.
 */
function movedStatement(ctx: FileContext, key: 'baseURL' | 'timeout', method: string, expr: Node | null): string {
  let value = movedKey(key);
  if (expr) {
    const { start, end } = exprRange(ctx.text, expr);
    value = ctx.text.slice(start, end);
    if (needsParens(expr)) value = `(${value})`;
  }
  if (key === 'baseURL') {
    const alwaysString = !!expr && (expr.type === 'TemplateLiteral' || expr.type === 'StringLiteral');
    return `if (!${method}.baseURL) ${method}.baseURL = ${value}${alwaysString ? '' : ` || ${ctx.q('')}`}${ctx.semi()}`;
  }
  return `if (${method}.config.timeout === undefined) ${method}.config.timeout = ${value}${ctx.semi()}`;
}

/**
 * Moved options go into the existing beforeRequest. Without a usable hook a module-level value
 * (moved only for timing) stays in place; a request-dependent one refuses the factory. False when refused.
 */
export function wireMovedOptions(ctx: FileContext, f: Factory, plan: OptionsPlan): boolean {
  const { moved } = plan;
  if (!moved.length) return true;
  const before = plan.keys.get('beforeRequest');
  const target = before ? plan.lazy.find((l) => l.fn === hookFunction(before)) : undefined;
  const hookUsable = !before || (!!target && target.fn.params[0]?.type === 'Identifier');
  if (!hookUsable) {
    for (const mv of moved.filter((m) => m.dynamic)) {
      moved.splice(moved.indexOf(mv), 1);
      ctx.items.push(itemAt('evaluated-at-load', mv.prop, mv.key));
    }
  }
  if (!moved.length || !before) return true;
  const param = target?.fn.params[0];
  if (!target || param?.type !== 'Identifier') {
    block(f, 'unsupported-hook-shape', before);
    return false;
  }
  for (const mv of moved) {
    if (mv.viaStore) target.names.add(movedKey(mv.key));
    else for (const n of mv.names) target.names.add(n);
    target.moved.push(movedStatement(ctx, mv.key, param.name, mv.viaStore ? null : mv.expr));
  }
  return true;
}

/** Statements at the top of a hook: the request data it reads, then the moved options. */
function prologueEdits(ctx: FileContext, fn: Node, names: string[], movedStatements: string[], e: Emission, framework: Node[] | null): TextEdit[] {
  const { eol, indent: unit } = ctx.style;
  const lines: string[] = [];
  const out: TextEdit[] = [];
  if (names.length && framework) {
    lines.push(...framework.map((d) => ctx.text.slice(d.start, d.end)));
    // `await cookies()` needs an async hook; alova awaits beforeRequest and the responded hooks.
    if (framework.some((d) => containsAwait(d)) && !fn.async) out.push({ start: fn.start, end: fn.start, text: 'async ' });
  } else if (names.length) {
    lines.push(`const { ${names.join(', ')} } = ${CONTEXT_EXPORTS.use}(${ctx.q(e.storeKey)})${ctx.semi()}`);
    ctx.needed.add(CONTEXT_EXPORTS.use);
  }
  lines.push(...movedStatements);
  const fnIndent = stripPrefix(indentOfLineAt(ctx.text, fn.start), e.baseIndent);
  const body = fn.body;
  if (body.type !== 'BlockStatement') {
    // Expression-bodied arrow: becomes a block that returns the same expression.
    const { start, end } = exprRange(ctx.text, body);
    const inner = fnIndent + unit;
    const text = `{${eol}${lines.map((l) => inner + l).join(eol)}${eol}${inner}return ${ctx.text.slice(start, end)}${ctx.semi()}${eol}${fnIndent}}`;
    return [...out, { start, end, text }];
  }
  const open = body.start + 1;
  const firstStmt = body.body[0] ?? null;
  const multiLine = firstStmt ? /\n/.test(ctx.text.slice(open, firstStmt.start)) : /\n/.test(ctx.text.slice(open, body.end - 1));
  const at = body.directives?.length ? body.directives[body.directives.length - 1].end : open;
  if (!multiLine) return [...out, { start: at, end: at, text: ' ' + lines.join(' '), order: 1 }];
  const inner = firstStmt ? stripPrefix(indentOfLineAt(ctx.text, firstStmt.start), e.baseIndent) : fnIndent + unit;
  return [...out, { start: at, end: at, text: lines.map((l) => eol + inner + l).join(''), order: 1 }];
}

/** Edits inside the options: `this` of arrow hooks, hook prologues, moved options removed. */
export function hookEdits(ctx: FileContext, f: Factory, plan: OptionsPlan, e: Emission): TextEdit[] {
  const edits: TextEdit[] = [];
  const self = f.selfCapture;
  for (const t of self?.refs ?? []) edits.push({ start: t.start, end: t.end, text: self!.name });
  for (const l of plan.lazy) {
    if (l.names.size === 0 && l.moved.length === 0) continue;
    edits.push(...prologueEdits(ctx, l.fn, [...l.names], l.moved, e, plan.framework));
    if (l.names.size) ctx.record(plan.framework ? 'framework-request-context' : 'read-request-context', l.fn);
  }
  for (const mv of plan.moved) {
    edits.push(removePropertyEdit(ctx.text, mv.prop));
    ctx.record('move-option-to-hook', mv.prop, mv.key);
  }
  return edits;
}

/** A new beforeRequest for moved options when the options have none. */
function newBeforeRequest(ctx: FileContext, plan: OptionsPlan, e: Emission): string {
  const { moved, framework } = plan;
  const names = [...new Set(moved.flatMap((mv) => (mv.viaStore ? [movedKey(mv.key)] : [...mv.names])))];
  const inner = e.propIndent + ctx.style.indent;
  const use = `${inner}const { ${names.join(', ')} } = ${CONTEXT_EXPORTS.use}(${ctx.q(e.storeKey)})${ctx.semi()}`;
  const reads = framework ? framework.map((d) => inner + ctx.text.slice(d.start, d.end)) : names.length ? [use] : [];
  const body = [...reads, ...moved.map((mv) => inner + movedStatement(ctx, mv.key, 'method', mv.viaStore ? null : mv.expr))];
  if (!framework && names.length) ctx.needed.add(CONTEXT_EXPORTS.use);
  const needsAsync = !!framework?.some((d) => containsAwait(d));
  return `${needsAsync ? 'async ' : ''}beforeRequest(method) {${ctx.style.eol}${body.join(ctx.style.eol)}${ctx.style.eol}${e.propIndent}}`;
}

/** The isolation options (never optional), as entries to append and edits of existing keys. */
export function isolationEntries(ctx: FileContext, plan: OptionsPlan, e: Emission, edits: TextEdit[]): string[] {
  const append: string[] = [];
  if (plan.moved.length && !plan.keys.has('beforeRequest')) append.push(newBeforeRequest(ctx, plan, e));
  const set = (key: string, value: string) => setOption(ctx.text, plan.props, plan.lastSpreadIndex, plan.keys.get(key), { key, value }, edits, append);
  if (e.major === 2) {
    set('shareRequest', 'false');
    if (ctx.cache !== 'shared') set('localCache', 'null');
    return append;
  }
  if (!plan.keys.has('id')) set('id', ctx.q(e.storeKey));
  set('shareRequest', 'false');
  if (!plan.keys.has('snapshots') && !MATCHER_APIS.test(ctx.text)) set('snapshots', '0');
  if (ctx.cache === 'request' && !plan.keys.has('l1Cache')) {
    set('l1Cache', `${CONTEXT_EXPORTS.cache}(${ctx.q(e.storeKey)})`);
    ctx.needed.add(CONTEXT_EXPORTS.cache);
  }
  if (ctx.cache === 'off') set('cacheFor', 'null');
  return append;
}

/** Puts the new entries into the options: in the place of a preset's spread, else before the closing brace. */
export function placeEntries(ctx: FileContext, f: Factory, plan: OptionsPlan, e: Emission, append: string[], edits: TextEdit[]): void {
  const { preset } = plan;
  if (!preset) {
    if (append.length) edits.push(appendPropertiesEdit(ctx, f.cfg, append, e.propIndent, edits));
    return;
  }
  append.unshift(...presetDispatchers(ctx, e.storeKey, e.propIndent));
  ctx.needed.add(CONTEXT_EXPORTS.use);
  // In the place of the spread: removing the last property and appending after it would overlap.
  const sep = /\n/.test(ctx.text.slice(f.cfg.start, f.cfg.end)) ? `,${ctx.style.eol}${e.propIndent}` : ', ';
  edits.push({ start: preset.start, end: preset.end, text: append.join(sep) });
  for (const p of plan.perCall) edits.push(removePropertyEdit(ctx.text, p));
  ctx.record('forward-preset-options', preset);
}

/** The module-level declaration of the shared instance (and a preset's helpers after it). */
export function hoistedDeclaration(ctx: FileContext, f: Factory, plan: OptionsPlan, e: Emission, append: string[], edits: TextEdit[]): { text: string; helpers: PresetHelpers | null } {
  const { call, cfg } = f;
  // Every edit of the options lies inside them: apply them to the options' own text.
  const cfgText = applyEditsWithin(ctx.text, cfg.start, cfg.end, [...edits, ...dedentEdits(ctx, cfg.start, cfg.end, e.baseIndent)]);
  let calleeText = ctx.text.slice(call.start, cfg.start);
  // Explicit type arguments `<RequestConfig, Response, ResponseHeader>` leave L1Cache at its
  // default (alova's memory adapter type); the request-scoped adapter needs its own type there.
  const typeArgs = call.typeParameters ?? call.typeArguments;
  if (typeArgs?.params?.length === 3 && append.some((x) => x.startsWith('l1Cache:'))) {
    const at = typeArgs.end - 1 - call.start;
    calleeText = `${calleeText.slice(0, at)}, ReturnType<typeof ${CONTEXT_EXPORTS.cache}>${calleeText.slice(at)}`;
  }
  const { eol } = ctx.style;
  const text = `const ${e.instanceName} = ${calleeText}${cfgText}${ctx.text.slice(cfg.end, call.end)}${ctx.semi()}${eol}${eol}`;
  if (!plan.preset) return { text, helpers: null };
  const preset = presetHelpers(ctx, e.instanceName, plan.props, plan.preset, f.fnPath);
  return { text: text + preset.text, helpers: preset.helpers };
}

/**
 * The createAlova call becomes `provideAlovaContext(instance, id, data)`: the request data the
 * hooks read, recorded once per factory call as before. False when a data key would collide.
 */
export function wireCallSite(ctx: FileContext, f: Factory, plan: OptionsPlan, e: Emission, helpers: PresetHelpers | null): boolean {
  const { call } = f;
  const { captured, framework, preset, moved } = plan;
  const provide = (data: string) => {
    ctx.edits.push({ start: call.start, end: call.end, text: `${CONTEXT_EXPORTS.provide}(${e.instanceName}, ${ctx.q(e.storeKey)}, ${data})` });
    ctx.needed.add(CONTEXT_EXPORTS.provide);
    ctx.record('provide-request-context', call);
  };
  if (((captured.size === 0 && !f.selfCapture) || framework) && !preset) {
    // Nothing request-dependent (or only the framework's own request context, re-read by the
    // hooks): no data to record and no wrapper needed. The call still returns a handle, as the
    // per-request instance it replaces: its own cache and snapshots, and per-method
    // `shareRequest` turned off (provideAlovaContext works outside any context).
    provide('{}');
    // The framework reads moved into the hooks would be left unused in the factory.
    if (framework) for (const d of unusedAfterMove(ctx, framework, f.fnPath, f.cfg)) ctx.edits.push(removeStatementEdit(ctx.text, d));
    return true;
  }
  // A request-dependent baseURL/timeout is computed here, once per factory call as before, and
  // the hook applies it: evaluating it per request would repeat its effects.
  const clash = moved.find((mv) => captured.has(movedKey(mv.key)));
  if (clash) block(f, 'name-conflict', clash.prop, movedKey(clash.key));
  else if (preset && captured.has(PRESET_OPTIONS_KEY)) block(f, 'name-conflict', preset, PRESET_OPTIONS_KEY);
  if (f.blockers.length) return false;
  const storedValue = (expr: Node) => {
    const { start, end } = exprRange(ctx.text, expr);
    return ctx.text.slice(start, end);
  };
  const values = [
    ...(preset && helpers ? [perCallOptionsText(ctx, f.cfg, preset, plan.perCall, helpers)] : []),
    ...captured.keys(),
    ...(f.selfCapture ? [`${f.selfCapture.name}: this`] : []),
    ...moved.filter((mv) => mv.viaStore).map((mv) => `${movedKey(mv.key)}: ${storedValue(mv.expr)}`),
  ].join(', ');
  provide(`{ ${values} }`);
  return true;
}
