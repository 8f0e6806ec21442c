/**
 * Phase 4, hoist: where the module-level instance goes. Above the top-level statement that holds
 * the factory, moved down past the module-level declarations its options read when it is created,
 * and refused when that would reorder code that runs at load.
 */
import { type Node, type Path, declarationOf, patternNames, unwrapExpression, walkEager, walkNoFunctions } from '../lib/ast.js';
import { nextLineStart } from './edit-text.js';
import { type Factory, type FileContext, block } from './file-context.js';

/** The start of the top-level statement holding the factory, with its overload signatures and the comments above it. */
function topStatementStart(ctx: FileContext, fnPath: Path): number {
  let top: Path = fnPath;
  while (top.parentPath && top.parentPath.node.type !== 'Program') top = top.parentPath;
  const body: Node[] = ctx.program.body;
  // TypeScript overload signatures must stay right above their implementation: the instance
  // goes above the first of them.
  const fnName = (st: Node) => {
    const d = declarationOf(st);
    return (d?.type === 'FunctionDeclaration' || d?.type === 'TSDeclareFunction') && d.id ? d.id.name : null;
  };
  let topNode = top.node;
  const implName = fnName(topNode);
  for (let i = body.indexOf(topNode) - 1; implName && i >= 0; i--) {
    const prev = body[i];
    if (declarationOf(prev)?.type !== 'TSDeclareFunction' || fnName(prev) !== implName) break;
    topNode = prev;
  }
  // Comments directly above the statement (a JSDoc) stay with it: the instance goes above them.
  const prevEnd = body.filter((st) => st.end <= topNode.start).reduce((m: number, st: Node) => Math.max(m, st.end), 0);
  const leading = ctx.comments.filter((c: Node) => c.start >= prevEnd && c.end <= topNode.start);
  return Math.min(topNode.start, ...leading.map((c: Node) => c.start));
}

const NAMED_DECLARATIONS = ['ClassDeclaration', 'TSEnumDeclaration', 'TSModuleDeclaration'];

/** Module-level declarations by name (what using the name runs or reads), and the names that hold values. */
function moduleDeclarations(body: Node[]): { decls: Map<string, Node>; valueNames: Set<string> } {
  const decls = new Map<string, Node>();
  const valueNames = new Set<string>();
  for (const st of body) {
    const decl = declarationOf(st);
    if (!decl) continue;
    if ((decl.type === 'FunctionDeclaration' || NAMED_DECLARATIONS.includes(decl.type)) && decl.id?.type === 'Identifier') {
      decls.set(decl.id.name, decl);
      if (decl.type !== 'FunctionDeclaration') valueNames.add(decl.id.name);
    }
    if (decl.type !== 'VariableDeclaration') continue;
    for (const d of decl.declarations) {
      for (const n of patternNames(d.id)) valueNames.add(n);
      if (d.id.type === 'Identifier' && d.init) decls.set(d.id.name, d.init);
    }
  }
  return { decls, valueNames };
}

/**
 * Module-level names the options read eagerly. What a module-level declaration runs or reads when
 * the options use it (`responded: jsonResponder()`, `Responder.create()`, `helpers.make()`, a
 * getter, `Cache.Short`) counts too, transitively. Conservative: every name in its body or
 * initialiser counts, even in nested closures.
 */
function eagerNames(cfg: Node, decls: Map<string, Node>): Set<string> {
  const names = new Set<string>();
  walkEager(cfg, (n) => n.type === 'Identifier' && names.add(n.name));
  const pending = [...names].filter((n) => decls.has(n));
  const followed = new Set<string>();
  while (pending.length) {
    const name = pending.pop()!;
    if (followed.has(name)) continue;
    followed.add(name);
    const visit = (n: Node) => {
      if (n.type !== 'Identifier' || names.has(n.name)) return;
      names.add(n.name);
      if (decls.has(n.name)) pending.push(n.name);
    };
    walkNoFunctions([decls.get(name)!], visit, true);
  }
  return names;
}

/** The names a top-level declaration binds (variables, classes, enums, namespaces; not functions, which are hoisted). */
function boundNames(decl: Node): string[] {
  if (decl.type === 'VariableDeclaration') return decl.declarations.flatMap((d: Node) => patternNames(d.id));
  return NAMED_DECLARATIONS.includes(decl.type) && decl.id?.type === 'Identifier' ? [decl.id.name] : [];
}

/** The first module-level name that `st` runs at load (a call, `new`, a tagged template of a module declaration). */
function runsAtLoad(st: Node, decls: Map<string, Node>): string | null {
  let runs: string | null = null;
  walkNoFunctions([st], (n) => {
    if (runs || (n.type !== 'CallExpression' && n.type !== 'NewExpression' && n.type !== 'TaggedTemplateExpression')) return;
    let root = unwrapExpression(n.type === 'TaggedTemplateExpression' ? n.tag : n.callee);
    while (root && (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression')) root = unwrapExpression(root.object);
    if (root?.type === 'Identifier' && decls.has(root.name)) runs = root.name;
  });
  return runs;
}

/** Where the hoisted instance goes (a line start), or null when it cannot go anywhere safe (the reason is on the factory). */
export function hoistPoint(ctx: FileContext, f: Factory): number | null {
  const body: Node[] = ctx.program.body;
  const origAt = topStatementStart(ctx, f.fnPath);
  const { decls, valueNames } = moduleDeclarations(body);
  const eager = eagerNames(f.cfg, decls);
  // Module-level names the options read eagerly must be initialised before the instance.
  let at = origAt;
  for (const st of body) {
    const decl = st.start >= at ? declarationOf(st) : null;
    if (decl && boundNames(decl).some((n) => eager.has(n))) at = nextLineStart(ctx.text, st.end);
  }
  // Moving the instance below module-level code that runs at load is refused: that code may reach
  // the factory (which now needs the instance) before the instance exists.
  for (const st of at > origAt ? body : []) {
    const runs = st.start >= origAt && st.end <= at ? runsAtLoad(st, decls) : null;
    if (runs) {
      block(f, 'hoist-order', st, `${runs}(...) runs when the module loads, before the shared instance could be declared`);
      return null;
    }
  }
  // Module state the options read must not change after the instance is created: the factory
  // used to read it per request, after the whole module had run (`registry.set(...)` below).
  for (const st of body) {
    if (st.start < at || st.type !== 'ExpressionStatement') continue;
    let touched: string | null = null;
    walkNoFunctions([st], (n) => {
      if (!touched && n.type === 'Identifier' && valueNames.has(n.name) && eager.has(n.name)) touched = n.name;
    });
    if (touched) {
      block(f, 'hoist-order', st, `${touched} is changed after the point where the shared instance would read it`);
      return null;
    }
  }
  while (at > 0 && ctx.text[at - 1] !== '\n') at--;
  return at;
}
