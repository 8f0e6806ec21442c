/**
 * The import of the context helpers (`provideAlovaContext`, `useAlovaContext`, `requestScopedCache`)
 * that a migrated file needs: its specifier, its form (import or require) and its place.
 */
import path from 'node:path';
import { type Node, isRequireCall, patternNames, unwrapExpression } from '../lib/ast.js';
import { CONTEXT_EXPORTS, DEFAULT_CONTEXT_BASENAME, contextModuleExtension } from '../lib/context-module.js';
import { toPosix } from '../lib/factory-id.js';
import { nextLineStart } from './edit-text.js';
import type { Blocker, FileContext } from './file-context.js';

/** Is `local` imported (or required) from this tool's context module (not a same-named helper of the app)? */
function isOwnContextImport(ctx: FileContext, local: string): boolean {
  const base = path.basename(ctx.options.contextModule ?? DEFAULT_CONTEXT_BASENAME);
  const ours = (spec: unknown) => typeof spec === 'string' && path.basename(spec).replace(/\.[cm]?[jt]s$/, '') === base;
  for (const st of ctx.program.body) {
    if (st.type === 'ImportDeclaration' && st.specifiers?.some((sp: Node) => sp.local?.name === local)) return ours(st.source.value);
    if (st.type !== 'VariableDeclaration') continue;
    for (const d of st.declarations) {
      const init = unwrapExpression(d.init);
      if (isRequireCall(init) && patternNames(d.id).includes(local)) return ours(init.arguments[0]?.value);
    }
  }
  return false;
}

/** Where new code at the top of the file goes: after directives and a shebang line. */
function programStart(ctx: FileContext): number {
  const dirs = ctx.program.directives ?? [];
  if (dirs.length) return nextLineStart(ctx.text, dirs[dirs.length - 1].end);
  if (ctx.text.startsWith('#!')) return nextLineStart(ctx.text, 0);
  return 0;
}

function contextSpecifier(ctx: FileContext): string {
  const abs = path.resolve(ctx.options.root ?? process.cwd(), ctx.filePath);
  const placed = ctx.options.contextModules?.[abs];
  const base = placed && 'base' in placed ? placed : null;
  // The module's flavour is the package's (an ESM file may import a .cjs module); the import
  // statement's form (import or require) stays the file's own.
  const flavor = base ? base.flavor : ctx.flavor()!;
  const target = base ? base.base : (ctx.options.contextModule ?? path.join(path.dirname(abs), DEFAULT_CONTEXT_BASENAME));
  let rel = toPosix(path.relative(path.dirname(abs), target));
  if (!rel.startsWith('.')) rel = './' + rel;
  if (flavor !== 'ts' || base?.ownExtension) return rel + contextModuleExtension(flavor);
  // TypeScript: follow the file's own convention for relative imports (NodeNext wants `.js`).
  const relative = ctx.program.body.filter((s: Node) => s.type === 'ImportDeclaration' && /^\.\.?\//.test(s.source.value));
  // .mts/.cts files are always resolved the Node way: the import needs an extension (.js maps to .ts).
  if (/\.[cm]ts$/i.test(ctx.filePath)) return rel + '.js';
  if (!relative.length) return rel + (base ? base.tsImportSuffix : (ctx.options.tsImportSuffix ?? ''));
  return relative.some((s: Node) => /\.(m?js)$/.test(s.source.value)) ? rel + '.js' : rel;
}

/** The new import (or require) statement and its place, after the file's last one. */
function newImport(ctx: FileContext, names: string[], spec: string): { at: number; text: string } {
  const body: Node[] = ctx.program.body;
  const cjs = ctx.flavor() === 'cjs';
  const statements = cjs
    ? body.filter((s) => s.type === 'VariableDeclaration' && s.declarations.some((d: Node) => isRequireCall(unwrapExpression(d.init))))
    : body.filter((s) => s.type === 'ImportDeclaration');
  const text = cjs ? `const { ${names.join(', ')} } = require(${ctx.q(spec)})${ctx.semi()}` : `import { ${names.join(', ')} } from ${ctx.q(spec)}${ctx.semi()}`;
  const last = statements[statements.length - 1];
  return last ? { at: last.end, text: ctx.style.eol + text } : { at: programStart(ctx), text: text + ctx.style.eol };
}

/**
 * Adds the import of the helpers the file's new code needs (names already imported from our own
 * context module, by an earlier run, are reused). Returns why the file cannot import them, or null.
 */
export function planImport(ctx: FileContext, calls: Node[]): Blocker | null {
  if (!ctx.needed.size) return null;
  const names = Object.values(CONTEXT_EXPORTS).filter((n) => ctx.needed.has(n) && !isOwnContextImport(ctx, n));
  if (!names.length) return null;
  const taken = names.find((n) => ctx.nameInUse(n));
  if (taken) return { ruleId: 'name-conflict', node: ctx.ast.identifiersNamed(taken)[0], detail: taken };
  const target = ctx.options.contextModules?.[path.resolve(ctx.options.root ?? process.cwd(), ctx.filePath)];
  // Reported where the file creates its instance (a caller-only file: at its top).
  if (target && 'blocked' in target) return { ruleId: target.blocked, node: calls[0] ?? ctx.program, detail: target.detail };
  const spec = contextSpecifier(ctx);
  const existing = ctx.program.body.find(
    (st: Node) => st.type === 'ImportDeclaration' && st.importKind !== 'type' && st.specifiers?.some((sp: Node) => sp.type === 'ImportSpecifier') && isOwnContextImport(ctx, st.specifiers[0].local.name),
  );
  if (existing) {
    const lastSpec = existing.specifiers[existing.specifiers.length - 1];
    ctx.edits.push({ start: lastSpec.end, end: lastSpec.end, text: names.map((n) => `, ${n}`).join(''), order: -20 });
    ctx.records.push({ kind: 'edit', ruleId: 'add-context-import', start: lastSpec.end, end: lastSpec.end, detail: spec });
    return null;
  }
  const { at, text } = newImport(ctx, names, spec);
  ctx.edits.push({ start: at, end: at, text, order: -20 });
  ctx.records.push({ kind: 'edit', ruleId: 'add-context-import', start: at, end: at, detail: spec });
  return null;
}
