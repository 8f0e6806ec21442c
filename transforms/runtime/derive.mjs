// @ts-check
/**
 * Derives the .mjs and .cjs flavours of the request-context runtime from its one source,
 * alova-request-context.ts, by removing source ranges that @babel/parser reports (never by regex
 * over code): stripTypes() removes the TypeScript, toCommonJs() rewrites the module syntax.
 *
 * Why at build time (`npm run build` / `npm run typecheck` run this file first), into a generated
 * module that tsc compiles: the texts then reach both dist/ (ESM) and dist/cjs/ as plain strings,
 * so the published CLI needs no parser and no file lookup for them (a CJS build cannot use
 * import.meta to find a shipped .ts file), and a run pays nothing. Plain .mjs because it runs
 * before tsc. The golden test (test/context-module-texts.test.ts) re-derives from the source, so a
 * generated file older than the source fails the suite instead of passing silently.
 *
 * Usage: node transforms/runtime/derive.mjs   (writes transforms/lib/context-module.generated.ts)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@babel/parser';

/** @typedef {{ type: string, start: number, end: number, [key: string]: any }} Node */
/** @typedef {[start: number, end: number, text: string]} Edit */

/** Keys that hold positions or comments, not child nodes. */
const NOT_CHILDREN = new Set(['loc', 'extra', 'leadingComments', 'trailingComments', 'innerComments', 'range']);
/** Declarations that exist only for the type checker: removed with their lines. */
const TYPE_ONLY = new Set(['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'TSDeclareFunction']);
/** Keys whose value is pure type syntax (`: T`, `<T>`, a return type): removed as a whole. */
const TYPE_KEYS = new Set(['typeAnnotation', 'returnType', 'typeParameters', 'typeArguments', 'superTypeParameters']);
/** Expressions that wrap a value in type syntax after it: `x as T`, `x satisfies T`, `x!`. */
const TRAILING_TYPE = new Set(['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression']);
/** Modifiers that would change the emitted JavaScript (parameter properties, `declare` fields): refused. */
const UNSUPPORTED_FLAGS = ['accessibility', 'abstract', 'declare', 'readonly', 'definite', 'override'];

/** The TypeScript source as JavaScript: the same text with every type range removed. @param {string} source */
export function stripTypes(source) {
  const body = statements(parse(source, { sourceType: 'module', plugins: ['typescript'] }).program.body);
  /** @type {Edit[]} */
  const edits = [];
  for (const statement of body) visitStatement(source, statement, edits);
  return applyEdits(source, edits);
}

/**
 * A program's statements as plain nodes: babel's types allow a null start, which a parse of a
 * whole text (ranges on, the default) never gives.
 * @param {unknown[]} body @returns {Node[]}
 */
function statements(body) {
  return /** @type {Node[]} */ (body);
}

/** @param {string} source @param {Node} statement @param {Edit[]} edits */
function visitStatement(source, statement, edits) {
  const exported = statement.type === 'ExportNamedDeclaration' ? statement.declaration : null;
  const typeOnly =
    TYPE_ONLY.has(statement.type) ||
    (exported && TYPE_ONLY.has(exported.type)) ||
    statement.importKind === 'type' ||
    statement.exportKind === 'type';
  if (typeOnly) edits.push([...statementLines(source, statement), '']);
  else visit(statement, edits);
}

/** @param {Node} node @param {Edit[]} edits */
function visit(node, edits) {
  refuseUnsupported(node);
  if (TRAILING_TYPE.has(node.type)) {
    edits.push([node.expression.end, node.end, '']);
    return visit(node.expression, edits);
  }
  if (node.type === 'TSTypeAssertion') {
    edits.push([node.start, node.expression.start, '']);
    return visit(node.expression, edits);
  }
  if (node.type.startsWith('TS')) throw unsupported(node);
  const params = node.params;
  // `function (this: T, a)`: the `this` parameter exists only for the checker; its comma goes with it.
  const thisParam = Array.isArray(params) && params[0]?.type === 'Identifier' && params[0].name === 'this' ? params[0] : null;
  if (thisParam) edits.push([thisParam.start, params[1] ? params[1].start : thisParam.end, '']);
  for (const [key, value] of Object.entries(node)) {
    if (NOT_CHILDREN.has(key) || !value || typeof value !== 'object') continue;
    if (TYPE_KEYS.has(key) && typeof value.type === 'string') {
      edits.push([value.start, value.end, '']);
    } else if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child.type === 'string' && child !== thisParam) visit(child, edits);
    } else if (typeof value.type === 'string') {
      visit(value, edits);
    }
  }
}

/** @param {Node} node */
function refuseUnsupported(node) {
  for (const flag of UNSUPPORTED_FLAGS) if (node[flag]) throw unsupported(node, flag);
  // `x?: T` (an optional parameter); optional chains carry `optional` too, but are not Identifiers.
  if (node.type === 'Identifier' && node.optional) throw unsupported(node, 'optional');
  if (node.importKind === 'type' || node.exportKind === 'type') throw unsupported(node, 'type-only specifier');
}

/** @param {Node} node @param {string} [what] */
function unsupported(node, what = node.type) {
  return new Error(`derive: unsupported TypeScript construct ${what} at line ${node.loc?.start.line}; write it so that removing types leaves JavaScript`);
}

/** The JavaScript module as CommonJS: imports become require(), `export` goes, a module.exports object ends the file. @param {string} source */
export function toCommonJs(source) {
  const body = statements(parse(source, { sourceType: 'module' }).program.body);
  /** @type {Edit[]} */
  const edits = [];
  /** @type {[local: string, exported: string][]} */
  const names = [];
  for (const node of body) {
    if (node.type === 'ImportDeclaration') edits.push([node.start, node.end, requireFor(source, node)]);
    else if (node.type === 'ExportNamedDeclaration') exportFor(source, node, edits, names);
    else if (node.type === 'ExportDefaultDeclaration' || node.type === 'ExportAllDeclaration') throw unsupported(node);
  }
  const js = applyEdits(source, edits);
  const entries = names.map(([local, exported]) => (local === exported ? `  ${local},\n` : `  ${exported}: ${local},\n`));
  return `${js}${js.endsWith('\n') ? '' : '\n'}\nmodule.exports = {\n${entries.join('')}};\n`;
}

/** @param {string} source @param {Node} node */
function requireFor(source, node) {
  const from = source.slice(node.source.start, node.source.end);
  const specifiers = node.specifiers;
  if (specifiers.length === 0) return `require(${from});`;
  const whole = specifiers.find((/** @type {Node} */ s) => s.type !== 'ImportSpecifier');
  if (whole && specifiers.length > 1) throw unsupported(node, 'default or namespace import beside named ones');
  // A default import of a CommonJS module (node builtins) is its module.exports, as is a namespace.
  if (whole) return `const ${whole.local.name} = require(${from});`;
  const fields = specifiers.map((/** @type {Node} */ s) => (s.imported.name === s.local.name ? s.local.name : `${s.imported.name}: ${s.local.name}`));
  return `const { ${fields.join(', ')} } = require(${from});`;
}

/** @param {string} source @param {Node} node @param {Edit[]} edits @param {[string, string][]} names */
function exportFor(source, node, edits, names) {
  if (node.source) throw unsupported(node, 'export ... from');
  const declaration = node.declaration;
  if (!declaration) {
    for (const s of node.specifiers) names.push([s.local.name, s.exported.name]);
    edits.push([...statementLines(source, node), '']);
    return;
  }
  edits.push([node.start, declaration.start, '']);
  if (declaration.type === 'VariableDeclaration') {
    for (const d of declaration.declarations) {
      if (d.id.type !== 'Identifier') throw unsupported(d.id, 'destructured export');
      names.push([d.id.name, d.id.name]);
    }
  } else {
    names.push([declaration.id.name, declaration.id.name]);
  }
}

/**
 * The range of a whole statement with its lines: from the start of its line (with the comments
 * right above it) to the end of its last line; and when a blank line (or the file's start) is
 * above, the blank lines below go too, so no blank line is left doubled.
 * @param {string} source @param {Node} node @returns {[number, number]}
 */
function statementLines(source, node) {
  let start = node.start;
  for (const comment of [...(node.leadingComments ?? [])].reverse()) {
    if (/\n[ \t]*\n/.test(source.slice(comment.end, start))) break;
    start = comment.start;
  }
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  if (/^[ \t]*$/.test(source.slice(lineStart, start))) start = lineStart;
  const blankAbove = start === 0 || /(^|\n)[ \t]*\r?\n$/.test(source.slice(0, start));
  const below = blankAbove ? /^[ \t]*(?:\r?\n[ \t]*(?=\r?\n|$))*(?:\r?\n)?/ : /^[ \t]*(?:\r?\n)?/;
  // Both patterns match at least the empty string, so exec never gives null here.
  return [start, node.end + (below.exec(source.slice(node.end))?.[0].length ?? 0)];
}

/** @param {string} source @param {Edit[]} edits */
function applyEdits(source, edits) {
  const sorted = [...edits].sort((a, b) => b[0] - a[0]);
  let out = source;
  let limit = Infinity;
  for (const [start, end, text] of sorted) {
    // Overlapping ranges would mean one construct was removed twice: a bug here, not in the input.
    if (end > limit) throw new Error(`derive: overlapping edits at ${start}-${end}`);
    out = out.slice(0, start) + text + out.slice(end);
    limit = start;
  }
  return out;
}

/** The three flavours of one TypeScript source. Line ends are normalised to \n (a CRLF checkout must not change the texts). @param {string} tsSource */
export function deriveFlavours(tsSource) {
  const ts = tsSource.replace(/\r\n/g, '\n');
  const mjs = stripTypes(ts);
  return { ts, mjs, cjs: toCommonJs(mjs) };
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const RUNTIME_SOURCE = path.join(HERE, 'alova-request-context.ts');
export const GENERATED_MODULE = path.join(HERE, '..', 'lib', 'context-module.generated.ts');

/** The generated module's text: the three flavours as string constants. @param {{ ts: string, mjs: string, cjs: string }} flavours */
export function generatedModule(flavours) {
  return [
    '// Generated by transforms/runtime/derive.mjs from transforms/runtime/alova-request-context.ts (npm run build).',
    '// Do not edit, do not commit: edit the runtime source and rebuild.',
    `export const RUNTIME_TS = ${JSON.stringify(flavours.ts)};`,
    `export const RUNTIME_MJS = ${JSON.stringify(flavours.mjs)};`,
    `export const RUNTIME_CJS = ${JSON.stringify(flavours.cjs)};`,
    '',
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = generatedModule(deriveFlavours(fs.readFileSync(RUNTIME_SOURCE, 'utf8')));
  // Written only when it changed, so a rebuild leaves the file (and tsc's view of it) alone.
  const old = fs.existsSync(GENERATED_MODULE) ? fs.readFileSync(GENERATED_MODULE, 'utf8') : null;
  if (old !== text) fs.writeFileSync(GENERATED_MODULE, text);
}
