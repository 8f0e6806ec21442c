/**
 * Phase 3, checks: every reason a factory cannot move faithfully, each pushed to the factory's
 * blockers (never thrown), so that one run reports them all; and the security findings that are
 * true of the code as it is (pushed to the file's items).
 */
import {
  type Node,
  type Path,
  ancestorWithin,
  collectPaths,
  enclosingFunction,
  fieldName,
  findClassOf,
  forEachChildNode,
  forEachChildPath,
  insideNonArrowFunction,
  isBindingReference,
  isFunction,
  isInside,
  patternNames,
  skipWrappersUp,
  staticKey,
  walkNoFunctions,
} from '../lib/ast.js';
import { type Factory, type FileContext, block, itemAt } from './file-context.js';
import { factoryBinding, resolvesTo } from './names.js';
import { type Capture, type OptionsPlan, hookFunction } from './plan.js';

/** Identifier references under `p` that resolve to a binding of an enclosing function (request data). */
export function capturedIn(ctx: FileContext, f: Factory, p: Path): Path[] {
  return collectPaths(p, (n) => n.type === 'Identifier').filter((q) => {
    if (!isBindingReference(q.node, q.parent?.node, fieldName(q))) return false;
    const scope = q.scope?.lookup(q.node.name);
    if (!scope || scope.isGlobal) {
      // ast-types misses some declarations (TypeScript constructor parameter properties): a
      // name it places at module level that an enclosing function does declare is not guessed.
      if (!ctx.ast.resolvesToModuleScope(q.node, q.node.name)) block(f, 'unsupported-config', q.node, `cannot tell which declaration "${q.node.name}" refers to`);
      return false;
    }
    return !isInside(scope.node, f.cfg);
  });
}

/** Eagerly evaluated option parts may not await/yield, nor read `this`/`arguments`, nor hide request reads in functions. */
export function checkEager(ctx: FileContext, f: Factory, p: Path): void {
  const visit = (q: Path, inFn: boolean) => {
    const n = q.value;
    if (!n || typeof n.type !== 'string') return;
    if (!inFn && (n.type === 'AwaitExpression' || n.type === 'YieldExpression')) block(f, 'request-dependent-await', n);
    if (!inFn && (n.type === 'ThisExpression' || n.type === 'Super')) block(f, 'uses-this', n);
    if (isFunction(n)) {
      if (capturedIn(ctx, f, q).length) block(f, 'request-dependent-option', n);
      return;
    }
    forEachChildPath(q, (c) => visit(c, inFn));
  };
  visit(p, false);
  if (referencesArguments(p)) block(f, 'uses-this', p.node);
}

function referencesArguments(p: Path): boolean {
  return collectPaths(p, (n) => n.type === 'Identifier' && n.name === 'arguments').some((q) => !q.scope?.lookup('arguments') && !insideNonArrowFunction(q, p.node));
}

/** An arrow's own `arguments` is the enclosing function's: no binding of that name in scope. */
const isLexicalArguments = (q: Path, n: Node) => n.type === 'Identifier' && n.name === 'arguments' && !q.scope?.lookup('arguments');

/** Visits an arrow hook's body the way its lexical `this` reaches: not into non-arrow functions. */
function visitLexical(fp: Path, visit: (q: Path, n: Node) => boolean): void {
  const rec = (q: Path) => {
    const n = q.value;
    if (!n || typeof n.type !== 'string' || !visit(q, n)) return;
    if (isFunction(n) && n.type !== 'ArrowFunctionExpression' && q !== fp) return;
    forEachChildPath(q, rec);
  };
  rec(fp);
}

/** The `this` nodes an arrow hook reads from its factory, or null when it also uses `super` or `arguments`. */
export function lexicalThisRefs(fp: Path): Node[] | null {
  const refs: Node[] = [];
  let other = false;
  visitLexical(fp, (q, n) => {
    if (n.type === 'ThisExpression') refs.push(n);
    if (n.type === 'Super' || isLexicalArguments(q, n)) other = true;
    return true;
  });
  return other ? null : refs;
}

/** Does an arrow hook read its factory's `this`, `super` or `arguments`? */
export function lexicalThisIn(fp: Path): boolean {
  let found = false;
  visitLexical(fp, (q, n) => {
    if (found) return false;
    if (n.type === 'ThisExpression' || n.type === 'Super' || isLexicalArguments(q, n)) found = true;
    return true;
  });
  return found;
}

/**
 * `{ self: this }` runs where createAlova ran. In a derived class's constructor `this` exists
 * only after `super()`, which must then come first (the arrow hook only read it later).
 */
export function checkSelfAvailable(f: Factory): void {
  const fn = f.fnPath.node;
  if (fn.type === 'ArrowFunctionExpression') return;
  if (fn.kind !== 'constructor' || !findClassOf(f.fnPath)?.node.superClass) return;
  const superFirst = fn.body.body.some(
    (st: Node) => st.end <= f.call.start && st.type === 'ExpressionStatement' && st.expression.type === 'CallExpression' && st.expression.callee.type === 'Super',
  );
  if (!superFirst) block(f, 'uses-this', f.call, 'this is read before super() is called');
}

const LOCAL_TYPE_DECLARATIONS = ['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'TSEnumDeclaration', 'ClassDeclaration', 'TSModuleDeclaration'];

/** Type names the factory (and the functions around it) declare: type parameters and local types. */
function localTypeNames(fnPath: Path): Set<string> {
  const local = new Set<string>();
  for (let p: Path | null = fnPath; p; p = enclosingFunction(p)) {
    const fn = p.node;
    for (const tp of fn.typeParameters?.params ?? []) local.add(typeof tp.name === 'string' ? tp.name : tp.name?.name);
    if (fn.body?.type !== 'BlockStatement') continue;
    walkNoFunctions(fn.body.body, (n) => {
      if (LOCAL_TYPE_DECLARATIONS.includes(n.type) && n.id?.name) local.add(n.id.name);
    });
  }
  return local;
}

/**
 * Type names the options use (annotations, casts, generics) must exist at module level after the
 * hoist: a type parameter of the factory or a type declared inside it would not (tsc would fail).
 */
export function checkLocalTypes(f: Factory): void {
  const local = localTypeNames(f.fnPath);
  if (!local.size) return;
  const stack: Node[] = [f.cfg];
  while (stack.length) {
    const n = stack.pop();
    if (!n || typeof n.type !== 'string') continue;
    const ref = n.type === 'TSTypeReference' ? n.typeName : n.type === 'TSTypeQuery' ? n.exprName : n.type === 'TSExpressionWithTypeArguments' || n.type === 'TSInterfaceHeritage' ? n.expression : null;
    let root = ref;
    while (root?.type === 'TSQualifiedName') root = root.left;
    if (root?.type === 'Identifier' && local.has(root.name)) block(f, 'unsupported-config', n, `uses the type ${root.name} declared in the factory`);
    forEachChildNode(n, (c) => stack.push(c));
  }
}

/** The createAlova call, and the calls of the factory that returns it (found through scope analysis in this file). */
function instanceProducers(ctx: FileContext, f: Factory): Path[] {
  const { callPath, fnPath } = f;
  const producers: Path[] = [callPath];
  const up = skipWrappersUp(callPath);
  const parent = up.parentPath?.node;
  const returned = (parent?.type === 'ReturnStatement' && enclosingFunction(up) === fnPath) || (parent === fnPath.node && fnPath.node.type === 'ArrowFunctionExpression');
  const binding = returned ? factoryBinding(fnPath) : null;
  if (!binding) return producers;
  for (const id of ctx.ast.identifiersNamed(binding.name)) {
    const call = ctx.ast.parentOf(id);
    if (call?.type !== 'CallExpression' || call.callee !== id) continue;
    const p = ctx.ast.pathOf(call);
    if (resolvesTo(p, binding.name, () => binding.declScope)) producers.push(p);
  }
  return producers;
}

/** `<up>.options` when `up` is the object of that member expression. */
function optionsMemberOf(up: Path): Node | null {
  const parent = up.parentPath?.node;
  const isOptions = (parent?.type === 'MemberExpression' || parent?.type === 'OptionalMemberExpression') && up.name === 'object' && staticKey({ key: parent.property, computed: parent.computed }) === 'options';
  return isOptions ? parent : null;
}

/**
 * `.options` of the instance: on the shared instance it is every request's options object, so a
 * write (`api.options.beforeRequest = ...`, `Object.assign(api.options, ...)`) would change them
 * for all users, and a read no longer sees the options moved into beforeRequest. Found through
 * scope analysis in this file: the createAlova call itself, a const holding it, a call of the
 * factory (function or class), and a const holding that. Callers in other files are not seen.
 */
export function checkOptionsAccess(ctx: FileContext, f: Factory): void {
  const accesses: Node[] = [];
  for (const p of instanceProducers(ctx, f)) {
    const up = skipWrappersUp(p);
    const direct = optionsMemberOf(up);
    if (direct) accesses.push(direct);
    const parent = up.parentPath?.node;
    if (parent?.type !== 'VariableDeclarator' || up.name !== 'init' || parent.id.type !== 'Identifier') continue;
    const name = parent.id.name;
    // Only `x.options` uses are resolved (scope lookups are costly, and rare this way).
    for (const id of ctx.ast.identifiersNamed(name)) {
      if (id === parent.id) continue;
      const q = ctx.ast.pathOf(id);
      const member = optionsMemberOf(skipWrappersUp(q));
      if (member && resolvesTo(q, name, () => up.parentPath.scope?.lookup(name))) accesses.push(member);
    }
  }
  for (const a of accesses) block(f, 'instance-options-access', a);
}

/** A captured binding must hold its final value when the factory is called. */
export function checkCapture(f: Factory, c: Capture): void {
  const ref = c.refs[0];
  const scope = ref.scope.lookup(c.name);
  const decl: Path | undefined = (scope.getBindings()[c.name] ?? [])[0];
  if (!decl) return block(f, 'mutated-binding', ref.node, c.name);
  const declarator = ancestorWithin(decl, (n) => n.type === 'VariableDeclarator');
  if (declarator) {
    if (isInside(f.call, declarator.node) || declarator.node.start > f.call.start) block(f, 'mutated-binding', ref.node, c.name);
  } else {
    const cls = ancestorWithin(decl, (n) => n.type === 'ClassDeclaration');
    if (cls && cls.node.start > f.call.start) block(f, 'mutated-binding', ref.node, c.name);
  }
  // Any write to the binding anywhere in its scope: the old closure saw the new value.
  const writes = collectPaths(scope.path, (n) => n.type === 'AssignmentExpression' || n.type === 'UpdateExpression' || n.type === 'ForInStatement' || n.type === 'ForOfStatement');
  for (const w of writes) {
    const target = w.node.type === 'UpdateExpression' ? w.node.argument : w.node.left;
    if (!target || !patternNames(target).includes(c.name)) continue;
    if (w.node.type.startsWith('For') && target.type === 'VariableDeclaration') continue;
    if (w.scope?.lookup(c.name) === scope) block(f, 'mutated-binding', w.node, c.name);
  }
}

/** Findings true of the code as it is, migrated or not: a fixed id, the user's cache adapters, `--cache shared`. */
export function securityFindings(ctx: FileContext, f: Factory, plan: OptionsPlan): void {
  // A fixed id shares in-flight requests between users today.
  const idProp = plan.keys.get('id');
  if (idProp && idProp.type !== 'ObjectMethod' && !capturedIn(ctx, f, f.cfgPath.get('properties', plan.props.indexOf(idProp), 'value')).length) {
    ctx.items.push(itemAt('fixed-id-shares-requests', idProp));
  }
  for (const k of ['l1Cache', 'l2Cache', 'storageAdapter']) {
    const p = plan.keys.get(k);
    if (p) ctx.items.push(itemAt('user-cache-adapter', p, k));
  }
  if (ctx.cache === 'shared') ctx.items.push(itemAt('shared-cache', f.call));
}

/** A request-dependent option moves into beforeRequest: the hook must be a function whose first parameter is a plain name. */
export function checkHookShape(f: Factory, plan: OptionsPlan): void {
  const before = plan.keys.get('beforeRequest');
  const hookFn = hookFunction(before);
  if (plan.moved.some((mv) => !mv.dynamic) && before && (!isFunction(hookFn) || hookFn.params[0]?.type !== 'Identifier')) block(f, 'unsupported-hook-shape', before);
}
