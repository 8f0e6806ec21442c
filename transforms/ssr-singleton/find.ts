/**
 * Phase 1, find: which createAlova calls the file makes, which of them run per call (in a function)
 * and, of those, which the classifier says are per-request server code.
 */
import { type Node, type Path, enclosingFunction, findClassOf, importedName, isFunction, isRequireOf, skipWrappersUp, staticKey, unwrapExpression } from '../lib/ast.js';
import { type ProjectFacts, type Verdict, NO_PROJECT_FACTS, classifyFactory, fileLeftAlone, fileSignalsOf } from '../lib/classify.js';
import { factoryId } from '../lib/factory-id.js';
import type { ItemFinding, LeftAloneFinding } from '../lib/findings.js';
import { type FileContext, itemAt } from './file-context.js';
import { factoryBinding } from './names.js';

/** The local names alova's createAlova is imported or required under (directly, or through a namespace). */
function createAlovaBindings(ctx: FileContext): { direct: Set<string>; namespaces: Set<string> } {
  const direct = new Set<string>();
  const namespaces = new Set<string>();
  for (const n of ctx.program.body) {
    if (n.type !== 'ImportDeclaration' || n.source.value !== 'alova' || n.importKind === 'type') continue;
    for (const s of n.specifiers ?? []) {
      if (s.type === 'ImportSpecifier' && s.importKind !== 'type' && importedName(s) === 'createAlova') direct.add(s.local.name);
      if (s.type === 'ImportNamespaceSpecifier' || s.type === 'ImportDefaultSpecifier') namespaces.add(s.local.name);
    }
  }
  for (const d of ctx.ast.declarators) {
    if (!isRequireOf(unwrapExpression(d.init), 'alova')) continue;
    if (d.id.type === 'Identifier') namespaces.add(d.id.name);
    if (d.id.type !== 'ObjectPattern') continue;
    for (const prop of d.id.properties) {
      if (staticKey(prop) === 'createAlova' && prop.value?.type === 'Identifier') direct.add(prop.value.name);
    }
  }
  return { direct, namespaces };
}

/** Every call of alova's createAlova, however it was imported (named, aliased, namespace, require). */
export function findCreateAlovaCalls(ctx: FileContext): Path[] {
  const { direct, namespaces } = createAlovaBindings(ctx);
  const out: Path[] = [];
  // `require('alova').createAlova(...)` has no binding to find first.
  if (!direct.size && !namespaces.size && !ctx.text.includes("require('alova')") && !ctx.text.includes('require("alova")')) return out;
  for (const node of ctx.ast.calls) {
    const callee = unwrapExpression(node.callee);
    let ok = false;
    if (callee.type === 'Identifier' && direct.has(callee.name)) ok = ctx.ast.resolvesToModuleScope(callee, callee.name);
    else if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed && callee.property.name === 'createAlova') {
      const obj = unwrapExpression(callee.object);
      if (obj.type === 'Identifier' && namespaces.has(obj.name)) ok = ctx.ast.resolvesToModuleScope(obj, obj.name);
      else ok = isRequireOf(obj, 'alova');
    }
    if (ok) out.push(ctx.ast.pathOf(node));
  }
  return out;
}

/** Inside a (non-static) class field initialiser, outside any function. */
export function inClassField(callPath: Path): boolean {
  for (let p: Path | null = callPath.parentPath; p; p = p.parentPath) {
    const n = p.node;
    if (isFunction(n)) return false;
    if ((n.type === 'ClassProperty' || n.type === 'ClassPrivateProperty' || n.type === 'PropertyDefinition') && !n.static) return true;
  }
  return false;
}

/** Evaluated inside a function that is not a module-level IIFE: i.e. per call, not once. */
export function isPerRequest(callPath: Path): boolean {
  const fn = enclosingFunction(callPath);
  return !!fn && !isModuleLevelIife(fn);
}

function isModuleLevelIife(fnPath: Path): boolean {
  const up = skipWrappersUp(fnPath);
  const parent = up.parentPath?.node;
  if (parent?.type !== 'CallExpression' || up.name !== 'callee') return false;
  return enclosingFunction(up.parentPath) === null;
}

export interface Classified {
  /** The createAlova calls to migrate. */
  migrate: Set<Node>;
  leftAlone: LeftAloneFinding[];
  /** Advice about code left alone (universal code). */
  items: ItemFinding[];
  /** The whole file is left alone (a test, 'use client', universal, CLI, a leave directive). */
  wholeFile: boolean;
}

/**
 * Classification hook: which per-request createAlova calls are server request code. A file that
 * is surely not (test, 'use client', universal, CLI, a leave directive) is left alone whole.
 */
export function classifyFactories(ctx: FileContext, calls: Path[]): Classified {
  const out: Classified = { migrate: new Set<Node>(), leftAlone: [], items: [], wholeFile: false };
  const project: ProjectFacts = { ...NO_PROJECT_FACTS, ...ctx.options.project };
  const file = fileSignalsOf(ctx.idPath, ctx.text, ctx.program);
  const leave = (call: Path, v: Verdict, factory: string | null) => {
    out.leftAlone.push({ kind: 'leftAlone', start: call.node.start, factory, reason: v.reason!, why: v.why });
    if (v.reason === 'universal-code') out.items.push(itemAt('universal-code', call.node, v.why));
  };
  const whole = fileLeftAlone(file, project);
  for (const call of calls) {
    const fnPath = enclosingFunction(call);
    const cls = fnPath?.node.kind === 'constructor' ? findClassOf(fnPath) : inClassField(call) ? findClassOf(call) : null;
    const binding = fnPath && !cls ? factoryBinding(fnPath) : null;
    const name = binding?.name ?? cls?.node.id?.name ?? null;
    if (whole) {
      leave(call, whole, name);
      continue;
    }
    const functions: Node[] = [];
    for (let p = fnPath; p; p = enclosingFunction(p)) functions.push(p.node);
    const calledOnlyAtModuleLoad = !!binding?.topLevel && calledOnlyAtLoad(ctx, binding.name, fnPath!.node);
    const v = classifyFactory(file, { id: name ? factoryId(ctx.idPath, name) : null, functions, calledOnlyAtModuleLoad }, project);
    if (v.migrate) out.migrate.add(call.node);
    else leave(call, v, name);
  }
  out.wholeFile = !!whole;
  return out;
}

/**
 * Every reference to the factory in this file is a call at module top level (and none exports
 * it or passes it on): the instance is made once per process, not per request.
 */
function calledOnlyAtLoad(ctx: FileContext, name: string, fn: Node): boolean {
  const ast = ctx.ast;
  let calls = 0;
  for (const id of ast.identifiersNamed(name)) {
    const parent = ast.parentOf(id);
    if (!parent || id === fn.id || (parent.type === 'VariableDeclarator' && parent.id === id && unwrapExpression(parent.init) === fn)) continue;
    if (parent.type === 'ExportNamedDeclaration' || parent.type === 'ExportDefaultDeclaration') return false;
    const isCall = (parent.type === 'CallExpression' || parent.type === 'NewExpression') && parent.callee === id;
    if (!isCall) return false;
    for (let p = ast.parentOf(parent); p; p = ast.parentOf(p)) if (isFunction(p)) return false;
    calls++;
  }
  const exported = ast.parentOf(fn)?.type?.startsWith('Export') || ast.parentOf(ast.parentOf(ast.parentOf(fn)) ?? fn)?.type?.startsWith('Export');
  return calls > 0 && !exported;
}
