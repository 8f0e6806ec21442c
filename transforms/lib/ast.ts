/**
 * Small, pure AST predicates and walkers shared by the transforms. Each answers one question.
 * Nodes come from @babel/parser (through jscodeshift), so every node has `start`/`end` offsets.
 */
import type { ASTPath } from 'jscodeshift';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = any;
export type Path = ASTPath<Node>;

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

const TYPE_CONTEXT_KEYS = new Set([
  'typeAnnotation',
  'typeParameters',
  'typeArguments',
  'returnType',
  'superTypeParameters',
  'implements',
  'predicate',
]);

/**
 * Visits every node under `root` with its parent chain, skipping TypeScript type positions
 * (a type annotation never reads a runtime binding). `visit` returns false to skip children.
 */
export function walk(root: Node, visit: (node: Node, parents: Node[], key: string) => boolean | void): void {
  const parents: Node[] = [];
  const rec = (node: Node, key: string) => {
    if (!node || typeof node.type !== 'string') return;
    if (visit(node, parents, key) === false) return;
    parents.push(node);
    for (const k of Object.keys(node)) {
      if (SKIPPED_KEYS.has(k) || TYPE_CONTEXT_KEYS.has(k)) continue;
      const v = node[k];
      if (Array.isArray(v)) for (const c of v) rec(c, k);
      else if (v && typeof v === 'object' && typeof v.type === 'string') rec(v, k);
    }
    parents.pop();
  };
  rec(root, '');
}

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
export function collectPaths(path: Path, test: (node: Node) => boolean): Path[] {
  const out: Path[] = [];
  const rec = (p: Path) => {
    // `value`, not `node`: for a child that ast-types does not know as a Node, `node` is the parent.
    const node = p.value;
    if (!node || typeof node.type !== 'string') return;
    if (test(node)) out.push(p);
    for (const k of Object.keys(node)) {
      if (SKIPPED_KEYS.has(k) || TYPE_CONTEXT_KEYS.has(k)) continue;
      const v = node[k];
      if (Array.isArray(v)) {
        v.forEach((c, i) => {
          if (c && typeof c.type === 'string') rec(p.get(k, i));
        });
      } else if (v && typeof v === 'object' && typeof v.type === 'string') rec(p.get(k));
    }
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
