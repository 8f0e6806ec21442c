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

export const LOOP_TYPES = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

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

const TYPE_CONTEXT_KEYS = new Set([
  'typeAnnotation',
  'typeParameters',
  'typeArguments',
  'returnType',
  'superTypeParameters',
  'implements',
  'predicate',
]);


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

/** The Identifier path of every node for which `test` holds, below `path`. */
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
