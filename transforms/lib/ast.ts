/**
 * Small, pure AST predicates and walkers shared by the transforms. Each answers one question.
 * Nodes come from @babel/parser, so every node has `start`/`end` offsets.
 */
import type { NodePath } from 'ast-types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = any;
export type Path = NodePath<Node, Node>;

export const FUNCTION_TYPES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ObjectMethod',
  'ClassMethod',
  'ClassPrivateMethod',
]);

export function isFunction(node: Node): boolean {
  return !!node && FUNCTION_TYPES.has(node.type);
}

/** The nearest enclosing function path of `path` (not `path` itself), or null at module level. */
export function enclosingFunction(path: Path): Path | null {
  let p: Path | null = path.parentPath;
  while (p) {
    if (isFunction(p.node)) return p;
    p = p.parentPath;
  }
  return null;
}

/** Strips TS-only and parenthesis wrappers that do not change the runtime value. */
export function unwrapExpression(node: Node): Node {
  let n = node;
  while (
    n &&
    (n.type === 'TSAsExpression' ||
      n.type === 'TSSatisfiesExpression' ||
      n.type === 'TSNonNullExpression' ||
      n.type === 'TSTypeAssertion' ||
      n.type === 'ParenthesizedExpression')
  ) {
    n = n.expression;
  }
  return n;
}

/** Walks up through value-preserving wrappers (TS casts, parentheses). */
export function skipWrappersUp(path: Path): Path {
  let p = path;
  while (
    p.parentPath &&
    ['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion', 'ParenthesizedExpression'].includes(
      p.parentPath.node.type,
    )
  ) {
    p = p.parentPath;
  }
  return p;
}

/** Keys that never hold runtime code. */
export const SKIPPED_KEYS = new Set(['loc', 'start', 'end', 'comments', 'leadingComments', 'trailingComments', 'innerComments', 'tokens', 'extra', 'original']);

/** Calls `visit` for every child node of `node` (type annotations included; comments and positions not). */
export function forEachChildNode(node: Node, visit: (child: Node) => void): void {
  for (const k of Object.keys(node)) {
    if (SKIPPED_KEYS.has(k)) continue;
    const v = node[k];
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c.type === 'string') visit(c);
    } else if (v && typeof v === 'object' && typeof v.type === 'string') visit(v);
  }
}

const TYPE_CONTEXT_KEYS = new Set(['typeAnnotation', 'typeParameters', 'typeArguments', 'returnType', 'superTypeParameters', 'implements', 'predicate']);

/** True when this Identifier occurrence reads or writes a binding (not a property name or label). */
export function isBindingReference(node: Node, parent: Node, key: string): boolean {
  if (node.type !== 'Identifier') return false;
  if (!parent) return true;
  // The name of a function or class declares it (in the outer scope); it reads nothing.
  if (key === 'id' && (isFunction(parent) || parent.type === 'ClassDeclaration' || parent.type === 'ClassExpression')) return false;
  switch (parent.type) {
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return key !== 'property' || parent.computed;
    case 'ObjectProperty':
    case 'Property':
    case 'ObjectMethod':
    case 'ClassMethod':
    case 'ClassProperty':
    case 'ClassPrivateProperty':
    case 'ClassAccessorProperty':
    case 'TSPropertySignature':
      return key !== 'key' || parent.computed;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return false;
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
    case 'ExportSpecifier':
      return false;
    case 'MetaProperty':
      return false;
    default:
      return !parent.type.startsWith('TS') || parent.type === 'TSAsExpression' || parent.type === 'TSNonNullExpression' || parent.type === 'TSSatisfiesExpression' || parent.type === 'TSTypeAssertion';
  }
}

/** Property key name of an object member when it is static (`a`, `'a'`), else null. */
export function staticKey(prop: Node): string | null {
  if (!prop || prop.computed) return null;
  const k = prop.key;
  if (!k) return null;
  if (k.type === 'Identifier') return k.name;
  if (k.type === 'StringLiteral' || (k.type === 'Literal' && typeof k.value === 'string')) return k.value;
  return null;
}

/**
 * Calls `visit` with the path of every child node of `p`, skipping type positions (a type
 * annotation never reads a runtime binding). Uses `value`, not `node`: for a child ast-types does
 * not know as a Node, `node` would be the parent.
 */
export function forEachChildPath(p: Path, visit: (child: Path) => void): void {
  const node = p.value;
  for (const k of Object.keys(node)) {
    if (SKIPPED_KEYS.has(k) || TYPE_CONTEXT_KEYS.has(k)) continue;
    const v = node[k];
    if (Array.isArray(v)) v.forEach((c, i) => c && typeof c.type === 'string' && visit(p.get(k, i)));
    else if (v && typeof v === 'object' && typeof v.type === 'string') visit(p.get(k));
  }
}

/** The path of every node under `path` (itself included) for which `test` holds. */
export function collectPaths(path: Path, test: (node: Node) => boolean): Path[] {
  const out: Path[] = [];
  const rec = (p: Path) => {
    const node = p.value;
    if (!node || typeof node.type !== 'string') return;
    if (test(node)) out.push(p);
    forEachChildPath(p, rec);
  };
  rec(path);
  return out;
}

export function isInside(inner: Node, outer: Node): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

/** The names a declaration pattern binds (`a`, `{ b, c: d }`, `[e, ...f]`, `g = 1`). */
export function patternNames(node: Node): string[] {
  if (!node) return [];
  switch (node.type) {
    case 'Identifier':
      return [node.name];
    case 'ObjectPattern':
      return node.properties.flatMap((p: Node) => patternNames(p.type === 'RestElement' ? p.argument : p.value));
    case 'ArrayPattern':
      return node.elements.flatMap((e: Node) => patternNames(e));
    case 'RestElement':
      return patternNames(node.argument);
    case 'AssignmentPattern':
      return patternNames(node.left);
    case 'VariableDeclaration':
      return node.declarations.flatMap((d: Node) => patternNames(d.id));
    case 'TSParameterProperty':
      return patternNames(node.parameter);
    default:
      return [];
  }
}

/** The declaration a module-level statement carries: `export (default) <decl>` -> `<decl>`, else the statement itself. */
export function declarationOf(st: Node): Node | null {
  return st.type === 'ExportNamedDeclaration' || st.type === 'ExportDefaultDeclaration' ? (st.declaration ?? null) : st;
}

/** Visits nodes without entering nested functions (unless `enterFunctions`). */
export function walkNoFunctions(nodes: Node[], visit: (n: Node) => void, enterFunctions = false): void {
  const rec = (n: Node) => {
    if (!n || typeof n.type !== 'string') return;
    visit(n);
    if (!enterFunctions && isFunction(n)) return;
    forEachChildNode(n, rec);
  };
  nodes.forEach(rec);
}

/** The parts of an options object evaluated when createAlova runs (outside any function). */
export function walkEager(cfg: Node, visit: (n: Node) => void): void {
  walkNoFunctions([cfg], (n) => {
    if (!isFunction(n)) visit(n);
  });
}

/** Some node under `node` (not inside a nested function) passes `test`. */
export function someNoFunctions(node: Node, test: (n: Node) => boolean): boolean {
  let found = false;
  walkNoFunctions([node], (n) => {
    if (!found && test(n)) found = true;
  });
  return found;
}

/** An `await` outside nested functions. */
export function containsAwait(node: Node): boolean {
  return someNoFunctions(node, (n) => n.type === 'AwaitExpression');
}

const EFFECT_TYPES = new Set(['CallExpression', 'OptionalCallExpression', 'NewExpression', 'AwaitExpression', 'YieldExpression', 'AssignmentExpression', 'UpdateExpression', 'TaggedTemplateExpression']);

/** Reading it has no effect: no calls, `new`, await, assignments or tagged templates. */
export function isPureRead(n: Node): boolean {
  return !someNoFunctions(n, (x) => EFFECT_TYPES.has(x.type));
}

/** A literal (or a template with no substitutions): its value cannot change after load. */
export function isLiteralValue(n: Node): boolean {
  if (['StringLiteral', 'NumericLiteral', 'BooleanLiteral', 'NullLiteral'].includes(n.type)) return true;
  if (n.type === 'TemplateLiteral') return n.expressions.length === 0;
  return n.type === 'UnaryExpression' && n.operator === '-' && n.argument.type === 'NumericLiteral';
}

/** Is `q` inside a non-arrow function that is itself below `stop` (its own `this`/`arguments`)? */
export function insideNonArrowFunction(q: Path, stop: Node): boolean {
  for (let p = q.parentPath; p && p.node !== stop; p = p.parentPath) {
    if (isFunction(p.node) && p.node.type !== 'ArrowFunctionExpression') return true;
  }
  return false;
}

/** The nearest ancestor (or self) passing `test`, not looking past the nearest function. */
export function ancestorWithin(p: Path, test: (n: Node) => boolean): Path | null {
  for (let q: Path | null = p; q; q = q.parentPath) {
    if (test(q.node)) return q;
    if (isFunction(q.node)) return null;
  }
  return null;
}

/** The class a path (a constructor, a field) belongs to. */
export function findClassOf(p: Path): Path | null {
  for (let q: Path | null = p.parentPath; q; q = q.parentPath) {
    if (q.node.type === 'ClassDeclaration' || q.node.type === 'ClassExpression') return q;
  }
  return null;
}

/** The field a path sits in (`arguments` for an argument, not its index). */
export function fieldName(p: Path): string {
  return typeof p.name === 'number' ? (p.parentPath?.name as string) : (p.name as string);
}

/** Descends through wrapper nodes from `p` to the path of `target`. */
export function findPathOf(p: Path, target: Node): Path {
  let q = p;
  while (q.node !== target && q.node && 'expression' in q.node) q = q.get('expression');
  return q;
}

/** Source range of an expression including its own parentheses. */
export function exprRange(text: string, node: Node): { start: number; end: number } {
  if (!node.extra?.parenthesized || typeof node.extra.parenStart !== 'number') return { start: node.start, end: node.end };
  let end = node.end;
  let depth = 0;
  // Find the parenthesis that closes parenStart.
  for (let i = node.extra.parenStart; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') {
      depth--;
      if (depth === 0 && i >= node.end) {
        end = i + 1;
        break;
      }
    }
  }
  return { start: node.extra.parenStart, end };
}

const NO_PARENS_NEEDED = new Set(['CallExpression', 'MemberExpression', 'OptionalCallExpression', 'OptionalMemberExpression', 'Identifier', 'NewExpression', 'ThisExpression', 'TemplateLiteral', 'TaggedTemplateExpression', 'ObjectExpression', 'ArrayExpression']);

/** `await x ? a : b` would bind await to x only: such arguments need parentheses. */
export function needsParens(n: Node): boolean {
  return !n.extra?.parenthesized && !NO_PARENS_NEEDED.has(n.type);
}

export function isRequireCall(n: Node): boolean {
  return !!n && n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'require';
}

/** `require('<mod>')` with one string literal argument. */
export function isRequireOf(n: Node, mod: string): boolean {
  return isRequireCall(n) && n.arguments.length === 1 && (n.arguments[0].type === 'StringLiteral' || n.arguments[0].type === 'Literal') && n.arguments[0].value === mod;
}

/** The exported name of an import specifier (`import { a as b }` -> `a`, also `import { 'a' as b }`). */
export function importedName(spec: Node): string {
  return spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value;
}
