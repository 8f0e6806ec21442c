/**
 * Names: what a factory is called (for the instance's name and for messages), and where the
 * factory's own name is declared.
 */
import path from 'node:path';
import { type Node, type Path, findClassOf, skipWrappersUp, staticKey, unwrapExpression } from '../lib/ast.js';

/** The name and declaring scope of a factory function, and whether it is exported in place. */
export interface FactoryBinding {
  name: string;
  /** The ast-types scope that declares the name (computed on first use: it scans that scope). */
  readonly declScope: Node;
  /** Declared at module level. */
  topLevel: boolean;
}

const isModuleLevel = (t: string | undefined) => t === 'Program' || t === 'ExportNamedDeclaration' || t === 'ExportDefaultDeclaration';

/** A binding whose scope lookup runs on first use (a lookup scans the whole scope). */
function lazyBinding(name: string, at: Path, topLevel: boolean): FactoryBinding {
  let cached: Node | undefined;
  return {
    name,
    get declScope() {
      return (cached ??= at.scope.lookup(name));
    },
    topLevel,
  };
}

/** The name and declaring scope of a factory function (`function f` or `const f = () => ...`), or null. */
export function factoryBinding(fnPath: Path): FactoryBinding | null {
  const fn = fnPath.node;
  // `.parent` is the parent node's path (array slots such as `body` are skipped).
  if (fn.type === 'FunctionDeclaration' && fn.id) return lazyBinding(fn.id.name, fnPath.parent, isModuleLevel(fnPath.parent?.node.type));
  const up = skipWrappersUp(fnPath);
  const declarator = up.parent?.node;
  if (declarator?.type !== 'VariableDeclarator' || declarator.id.type !== 'Identifier' || up.name !== 'init') return null;
  const declaration = up.parent.parent;
  if (declaration?.node.kind !== 'const') return null;
  return lazyBinding(declarator.id.name, up.parent, isModuleLevel(declaration.parent?.node.type));
}

/** The name a factory is called by, for messages: its declaration's, or the variable it is assigned to. */
export function factoryLabel(fnPath: Path): string | null {
  const fn = fnPath.node;
  if (fn.id?.type === 'Identifier') return fn.id.name;
  if (fn.key?.type === 'Identifier' && !fn.computed) return fn.key.name;
  const parent = fnPath.parentPath?.node;
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  return null;
}

const FACTORY_VERB = /^(create|make|build|get|new|init)(?=[A-Z_])/;

/** The shared instance's name before de-duplication: from the variable, the factory, its class or its CommonJS export. */
export function instanceBaseName(callPath: Path, fnPath: Path, filePath: string): string {
  const b = factoryBinding(fnPath);
  const parent = skipWrappersUp(callPath).parentPath?.node;
  let base = 'alova';
  const cls = fnPath.node.kind === 'constructor' ? findClassOf(fnPath) : null;
  const exported = commonJsExportName(fnPath, filePath);
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') base = parent.id.name;
  else if (b) base = b.name.replace(FACTORY_VERB, '');
  else if (cls?.node.id) base = cls.node.id.name;
  else if (exported) base = exported.replace(FACTORY_VERB, '');
  base = base.charAt(0).toLowerCase() + base.slice(1);
  if (!/alova/i.test(base)) base += 'Alova';
  return base;
}

/**
 * The name a CommonJS module gives a function expression: `exports.client = function`,
 * `module.exports.client = ...` -> `client`; `module.exports = function` -> the file's stem.
 */
function commonJsExportName(fnPath: Path, filePath: string): string | null {
  const up = skipWrappersUp(fnPath);
  const assign = up.parentPath?.node;
  if (assign?.type !== 'AssignmentExpression' || up.name !== 'right') return null;
  const left = unwrapExpression(assign.left);
  if (left.type !== 'MemberExpression') return null;
  const isModule = (n: Node) => n.type === 'Identifier' && n.name === 'module';
  const key = staticKey({ key: left.property, computed: left.computed });
  if (isModule(left.object) && key === 'exports') {
    const stem = path.basename(filePath).replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_$]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
    return /^[A-Za-z_$]/.test(stem) && stem !== 'index' ? stem : null;
  }
  const target = unwrapExpression(left.object);
  const onExports = (target.type === 'Identifier' && target.name === 'exports') || (target.type === 'MemberExpression' && isModule(target.object) && staticKey({ key: target.property, computed: target.computed }) === 'exports');
  return onExports && key && /^[A-Za-z_$][\w$]*$/.test(key) ? key : null;
}

/**
 * Does `name` at `p` resolve to the binding `scope()` returns? When the scope analysis cannot
 * tell (ast-types asserts on a `catch { }` without a binding), the answer is yes: a check that
 * reports a possible hazard must not miss one.
 */
export function resolvesTo(p: Path, name: string, scope: () => Node): boolean {
  try {
    return p.scope?.lookup(name) === scope();
  } catch {
    return true;
  }
}
