/**
 * Factories whose request data comes only from the framework's own request context (Next's
 * next/headers, Nitro's useEvent): their hooks re-read it at request time, so nothing is recorded.
 */
import { type Node, type Path, ancestorWithin, collectPaths, fieldName, importedName, isBindingReference, isInside, patternNames, unwrapExpression } from '../lib/ast.js';
import type { FileContext } from './file-context.js';
import type { Capture } from './plan.js';

/** Identifiers that read the framework's own request context: next/headers, Nitro's useEvent. */
function frameworkContextNames(ctx: FileContext): Set<string> {
  const names = new Set<string>();
  for (const st of ctx.program.body) {
    if (st.type !== 'ImportDeclaration') continue;
    const src = st.source.value;
    for (const sp of st.specifiers ?? []) {
      if (sp.type !== 'ImportSpecifier') continue;
      const imported = importedName(sp);
      if (src === 'next/headers' && ['cookies', 'headers', 'draftMode'].includes(imported)) names.add(sp.local.name);
      if ((src === 'nitropack/runtime' || src === '#imports') && imported === 'useEvent') names.add(sp.local.name);
    }
  }
  return names;
}

// Re-evaluating an initialiser in a hook must not repeat I/O or other effects: only the framework
// accessors and these read-only accessors of their results may be called.
const READ_ONLY_METHODS = new Set(['get', 'getAll', 'has', 'toString', 'keys', 'values', 'entries']);
const EFFECT_NODES = new Set(['CallExpression', 'NewExpression', 'OptionalCallExpression', 'AssignmentExpression', 'UpdateExpression']);

/** Every call and write in a const initialiser is a framework accessor or a read-only accessor. */
function onlyFrameworkReads(init: Path, sources: Set<string>): boolean {
  return collectPaths(init, (n) => EFFECT_NODES.has(n.type)).every((c) => {
    if (c.node.type !== 'CallExpression' && c.node.type !== 'OptionalCallExpression') return false;
    const callee = unwrapExpression(c.node.callee);
    if (callee.type === 'Identifier') return sources.has(callee.name);
    return (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed && READ_ONLY_METHODS.has(callee.property.name);
  });
}

/**
 * The factory's captured values, when every one is a `const` of the factory body computed only
 * from the framework's request context (and module-level values): their declarations, in order.
 */
export function frameworkDerived(ctx: FileContext, captured: Map<string, Capture>): Node[] | null {
  const sources = frameworkContextNames(ctx);
  if (!sources.size) return null;
  const decls = new Set<Node>();
  let usesFramework = false;
  const pending: Path[] = [...captured.values()].map((c) => c.refs[0]);
  const seen = new Set<string>();
  while (pending.length) {
    const ref = pending.pop()!;
    const name = ref.node.name;
    if (seen.has(name)) continue;
    seen.add(name);
    const decl = ref.scope?.lookup(name)?.getBindings()[name]?.[0];
    const declarator = decl ? ancestorWithin(decl, (n) => n.type === 'VariableDeclarator') : null;
    const declaration = declarator?.parent?.node;
    if (!declarator || declaration?.type !== 'VariableDeclaration' || declaration.kind !== 'const' || !declarator.node.init) return null;
    if (!onlyFrameworkReads(declarator.get('init'), sources)) return null;
    for (const q of collectPaths(declarator.get('init'), (n) => n.type === 'Identifier' || n.type === 'ThisExpression')) {
      if (q.node.type === 'ThisExpression') return null;
      if (!isBindingReference(q.node, q.parent?.node, fieldName(q))) continue;
      const s2 = q.scope?.lookup(q.node.name);
      if (sources.has(q.node.name) && (!s2 || s2.isGlobal)) usesFramework = true;
      else if (s2 && !s2.isGlobal && !isInside(s2.node, declarator.node.init)) pending.push(q);
    }
    decls.add(declaration);
  }
  return usesFramework ? [...decls].sort((a, b) => a.start - b.start) : null;
}

/**
 * The factory's declarations that the hooks now re-evaluate, when nothing else in the factory
 * reads them any more: left in place they would be unused locals (tsc --noUnusedLocals). They
 * are framework reads without effects (frameworkDerived checks that), so removing them changes
 * nothing but an unused value. A name read anywhere else in the factory keeps its declaration,
 * and then the declarations it reads too.
 */
export function unusedAfterMove(ctx: FileContext, decls: Node[], fnPath: Path, cfg: Node): Node[] {
  const removable = new Set(decls.filter((d) => d.type === 'VariableDeclaration' && d.kind === 'const'));
  const namesOf = (d: Node) => d.declarations.flatMap((x: Node) => patternNames(x.id));
  const readOutside = (id: Node, d: Node) => {
    if (!isInside(id, fnPath.node) || isInside(id, cfg) || isInside(id, d)) return false;
    if ([...removable].some((r) => r !== d && isInside(id, r))) return false;
    const q = ctx.ast.pathOf(id);
    return isBindingReference(id, q.parent?.node, fieldName(q)) || q.parent?.node.type === 'ObjectProperty';
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of [...removable]) {
      if (!namesOf(d).some((name: string) => ctx.ast.identifiersNamed(name).some((id) => readOutside(id, d)))) continue;
      removable.delete(d);
      changed = true;
    }
  }
  return [...removable];
}
