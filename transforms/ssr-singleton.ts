/**
 * ssr-singleton: turns per-request `createAlova(...)` calls into one module-level instance per
 * factory, isolated per request through an AsyncLocalStorage store.
 *
 *   function createApi(req) {                      const apiAlova = createAlova({
 *     const token = req.headers.authorization;       beforeRequest(method) {
 *     return createAlova({                             const { token } = useAlovaContext('…#apiAlova');
 *       beforeRequest(method) {             ==>        method.config.headers.Authorization = token;
 *         method.config.headers.Authorization = token; },
 *       },                                            id: '…#apiAlova', shareRequest: false, snapshots: 0,
 *     });                                             l1Cache: requestScopedCache('…#apiAlova'),
 *   }                                               });
 *                                                   function createApi(req) {
 *                                                     const token = req.headers.authorization;
 *                                                     return provideAlovaContext(apiAlova, '…#apiAlova', { token });
 *                                                   }
 * and every same-file caller runs the code from the factory call onward inside
 * `runInAlovaContext(...)`. The factory body still runs per request, exactly as before (same
 * evaluation order, same side effects); it just records the values the hooks read instead of
 * building a new instance. See shared/alova-facts.md for why isolation is not optional.
 *
 * Default export follows the jscodeshift contract `(file, api, options)`, so
 * `jscodeshift -t dist/transforms/ssr-singleton.js` runs it too; `migrateSource` is the same logic
 * returning records, used by the CLI.
 *
 * Conservative by design: whenever a value cannot be moved faithfully, the whole file is left
 * unchanged and a manual-review record says why. Wrong output is worse than no output.
 */
import path from 'node:path';
import { NodePath } from 'ast-types';
import type { EditRecord, ReviewItem } from '../src/records.js';
import { lineExcerpt, positionAt } from '../src/records.js';
import {
  type Node,
  type Path,
  LOOP_TYPES,
  collectPaths,
  declarationOf,
  forEachChildNode,
  forEachChildPath,
  enclosingFunction,
  isBindingReference,
  isFunction,
  isInside,
  patternNames,
  skipWrappersUp,
  staticKey,
  unwrapExpression,
} from './lib/ast.js';
import { CONTEXT_EXPORTS, type ContextFlavor, DEFAULT_CONTEXT_BASENAME, contextModuleExtension } from './lib/context-module.js';
import { type RuleId, ruleDocsUrl, rules } from './lib/rules.js';
import { type CodeStyle, detectStyle, quoteString } from './lib/style.js';
import { type TextEdit, EditConflictError, applyEdits, applyEditsDetailed, indentOfLineAt, lineStartsIn, mapOffset, startsLine } from './lib/text-edits.js';
import { parseFile } from './lib/parsers.js';
import { AstIndex } from './lib/ast-index.js';
import { type IndexedFactory, type ProjectIndex, exportedFactory, resolveSpecifier } from './lib/project-index.js';

export { rules, patternNames };
export const name = 'ssr-singleton';
export const ruleIds = Object.keys(rules) as RuleId[];

export type CacheMode = 'request' | 'off' | 'shared';

export interface MigrateOptions {
  /** Isolation of alova's cache on the shared instance (default `request`). */
  cache?: CacheMode;
  /** Absolute path of the context module WITHOUT extension (default: `<file dir>/alova-request-context`). */
  contextModule?: string;
  /** Project root: ids and record paths are relative to it (default: cwd). */
  root?: string;
  /** Path written into records (default: `file` relative to `root`, POSIX). */
  displayPath?: string;
  /** alova major version when the code gives no hint (default 3). */
  alovaMajor?: 2 | 3;
  /** Project-wide index (cross-file factories); absent in per-file mode. */
  index?: ProjectIndex;
  /** Suffix for the context-module import in a TS file with no relative import to copy (`.js` under NodeNext). */
  tsImportSuffix?: '' | '.js';
  /**
   * `call-site` (default): wrap the code after each factory call. `middleware`: insert one context
   * middleware into each Express/Koa/Fastify app and leave handlers whose factory arguments come
   * from their own parameters (the request) unwrapped.
   */
  wiring?: 'call-site' | 'middleware';
  /** The installed alova version, when known (3.0.0 - 3.0.2 read baseURL before beforeRequest). */
  alovaVersion?: string;
}

export interface MigrateResult {
  /** The migrated text, or null when the file is left unchanged. */
  output: string | null;
  edits: EditRecord[];
  items: ReviewItem[];
  factoriesMigrated: number;
  callSitesRewired: number;
  /** The context module flavour this file imports (the CLI generates it), or null. */
  contextFlavor: ContextFlavor | null;
  /** Index ids of the factories this file defines / calls (for the project-wide fixed point). */
  factoryIdsDefined: string[];
  factoryIdsUsed: string[];
  /** Call sites found per factory id (same-file and imported). */
  callSitesByFactory: Record<string, number>;
}

export interface AppSite {
  framework: 'express' | 'koa' | 'fastify';
  /** The app's variable name. */
  app: string;
  /** The statement after which the context middleware goes (creation or last body parser). */
  insertAfter: Node;
  /** Why no middleware can be inserted here (then call-site wiring is used). */
  blocked?: string;
  /** A context middleware is already there (second run). */
  present: boolean;
}

/** Apps for `--wiring middleware` (no edits). */
export function describeApps(source: string, filePath: string): { framework: string; blocked?: string; present: boolean }[] {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const m = new FileMigration(text, filePath, {});
  m.parseOnly();
  return m.findApps().map(({ framework, blocked, present }) => ({ framework, blocked, present }));
}

/** What the project analysis needs to know about one module. */
export interface ModuleDescription {
  factories: { localName: string; kind: 'function' | 'class'; exportedAs: string[] }[];
  /** `export { a as b } from 'x'` (pairs) and `export * from 'x'` (all). */
  reexports: { spec: string; pairs: [string, string][]; all: boolean }[];
}

export class TransformParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

/** Thrown internally to abandon a file with one manual-review item. */
class Blocked extends Error {
  constructor(
    readonly ruleId: RuleId,
    readonly node: Node,
    readonly detail?: string,
  ) {
    super(ruleId);
  }
}

const MATCHER_APIS = /\b(invalidateCache|setCache|queryCache|hitCacheBySource|useFetcher|matchSnapshot|hitSource)\b|\.snapshots\.match\b/;

function unchangedResult(): MigrateResult {
  return { output: null, edits: [], items: [], factoriesMigrated: 0, callSitesRewired: 0, contextFlavor: null, factoryIdsDefined: [], factoryIdsUsed: [], callSitesByFactory: {} };
}

/** Describes a module for the project index (no edits). Throws TransformParseError on bad syntax. */
export function describeModule(source: string, filePath: string, options: MigrateOptions = {}): ModuleDescription {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  return new FileMigration(text, filePath, options).describe();
}

export function migrateSource(source: string, filePath: string, options: MigrateOptions = {}): MigrateResult {
  // Without a project index the transform only acts on createAlova calls: a file that does not
  // mention it is never parsed (this is what makes plain `jscodeshift -t` runs cheap too).
  if (!options.index && !source.includes('createAlova')) return unchangedResult();
  const hasBom = source.charCodeAt(0) === 0xfeff;
  const text = hasBom ? source.slice(1) : source;
  const m = new FileMigration(text, filePath, options);
  const result = m.run();
  if (result.output !== null && hasBom) result.output = '\uFEFF' + result.output;
  return result;
}

interface WrapPlan {
  fn: Node;
  first: Node;
  last: Node;
  mode: 'return' | 'stmt' | 'expr';
  isAsync: boolean;
  storeKey: string;
  returns: Node[];
  /** The factory call (or createAlova call) the wrapper is for: where the record points. */
  anchor: Node;
}

interface Capture {
  name: string;
  refs: Path[];
}

/** alova's request methods and the position of their config argument (alova 2 and 3). */
const METHOD_CONFIG_ARGUMENT: Record<string, number> = { Request: 0, Get: 1, Head: 1, Options: 1, Post: 2, Put: 2, Patch: 2, Delete: 2 };

class FileMigration {
  private program!: Node;
  private style!: CodeStyle;
  private edits: TextEdit[] = [];
  private records: EditRecord[] = [];
  /** Original [start, end) offsets of each record, to compute its range in the output. */
  private recordOffsets: [number, number][] = [];
  private items: ReviewItem[] = [];
  private wraps: WrapPlan[] = [];
  private hoisted: { at: number; text: string; callStart: number; callEnd: number }[] = [];
  private usedNames = new Set<string>();
  private needed = new Set<string>();
  private templateRanges: [number, number][] = [];
  private factoriesMigrated = 0;
  private definedFactoryIds = new Set<string>();
  private usedFactoryIds = new Set<string>();
  private callSitesByFactory: Record<string, number> = {};
  private unresolvedFactoryCalls: { path: Path; ids: string[]; ruleId?: RuleId; detail?: string }[] = [];
  /** Returns of an unsent Method (through a variable) from a wrapped async function -> that function. */
  private methodReturns = new Map<Node, Node>();
  private importsCache: Map<string, string> | null = null;
  private ast!: AstIndex;
  private comments: Node[] = [];
  private createAlovaCache: Path[] | null = null;
  private middlewareCovered = 0;
  private readonly displayPath: string;
  /** Path relative to the project root: the stable part of every generated instance id. */
  private readonly idPath: string;
  private readonly cache: CacheMode;

  constructor(
    private readonly text: string,
    private readonly filePath: string,
    private readonly options: MigrateOptions,
  ) {
    const root = options.root ?? process.cwd();
    this.idPath = toPosix(path.relative(path.resolve(root), path.resolve(filePath)) || path.basename(filePath));
    this.displayPath = options.displayPath ?? this.idPath;
    this.cache = options.cache ?? 'request';
  }

  run(): MigrateResult {
    const empty: MigrateResult = {
      output: null,
      edits: [],
      items: [],
      factoriesMigrated: 0,
      callSitesRewired: 0,
      contextFlavor: null,
      factoryIdsDefined: [],
      factoryIdsUsed: [],
      callSitesByFactory: {},
    };
    this.parse();
    const calls = this.findCreateAlovaCalls();
    const perRequest = calls.filter((p) => isPerRequest(p));
    const imported = this.importedFactoryCalls();
    // A class field initialiser runs once per object (`new C()` per request): not module level.
    const classFields = calls.filter((p) => !isPerRequest(p) && inClassField(p));
    const unsafe = calls.filter((p) => !isPerRequest(p) && !inClassField(p)).map((p) => ({ path: p, problems: this.singletonProblems(p) })).filter((u) => u.problems.length);
    const apps = this.options.wiring === 'middleware' && this.options.index?.middlewareApps?.includes(path.resolve(this.filePath)) ? this.findApps().filter((a) => !a.present && !a.blocked) : [];
    // Reported whatever else happens to the file (the code is left as it is): see the rule.
    const shareItems = this.methodShareItems();
    if (perRequest.length === 0 && imported.length === 0 && this.unresolvedFactoryCalls.length === 0 && unsafe.length === 0 && apps.length === 0 && classFields.length === 0) return { ...empty, items: shareItems };

    this.style = detectStyle(this.text, this.ast.style);
    this.collectTemplateRanges();
    // The factories this file defines, known before anything can block: if the file stays
    // unchanged, the project-wide fixed point must keep their callers unchanged too.
    for (const call of perRequest) {
      const fnPath = enclosingFunction(call)!;
      const b = factoryBinding(fnPath);
      const cls = fnPath.node.kind === 'constructor' ? findClassOf(fnPath)?.node : null;
      const name = b?.name ?? cls?.id?.name;
      if (name) this.definedFactoryIds.add(`${this.idPath}#${name}`);
    }
    let edited: ReturnType<typeof applyEditsDetailed>;
    try {
      for (const f of classFields) throw new Blocked('instance-escapes', f.node, 'created in a class field, once per object');
      for (const a of apps) this.insertContextMiddleware(a);
      for (const u of unsafe) this.fixSingleton(u.path, u.problems);
      for (const u of this.unresolvedFactoryCalls) {
        u.ids.forEach((id) => this.usedFactoryIds.add(id));
        throw new Blocked(u.ruleId ?? 'unresolved-factory-call', u.path.node, u.detail ?? u.path.node.callee?.name);
      }
      for (const call of perRequest) this.migrateCall(call);
      for (const { path: callPath, factory } of imported) {
        this.usedFactoryIds.add(factory.id);
        // A factory that cannot be migrated keeps its callers as they are; its module says why.
        if (!factory.migratable) {
          this.countCallSite(factory.id);
          continue;
        }
        const fn = enclosingFunction(callPath);
        if (!fn || isModuleLevelIife(fn)) throw new Blocked('factory-called-at-module-level', callPath.node, factory.localName);
        this.countCallSite(factory.id);
        this.wireUsage(callPath, fn, factory.id, new Set());
      }
      this.planWrapEdits();
      this.planImport();
      for (const h of this.hoisted) this.edits.push({ start: h.at, end: h.at, text: h.text, order: -10 });
      edited = applyEditsDetailed(this.text, this.edits);
    } catch (err) {
      // ast-types' scope analysis asserts node shapes it does not know (a `catch { }` without a
      // binding): the file cannot be analysed for certain, so it is left for review, not failed.
      if (!(err instanceof Blocked) && /does not match type/.test(String((err as Error)?.message))) {
        err = new Blocked('unsupported-syntax', this.program, String((err as Error).message).split('\n')[0]);
      }
      // Two planned changes overlap, typically a factory called inside another factory's options
      // (a hook that awaits another request): left for review rather than failed.
      if (err instanceof EditConflictError) {
        const at = Number(/offset (\d+)/.exec(err.message)?.[1] ?? 0);
        err = new Blocked('unsupported-config', { type: 'Offset', start: at, end: at }, 'two changes would overlap here: a factory called inside the options of another factory?');
      }
      if (err instanceof Blocked) {
        // Keep non-blocking findings (security) that were found before: they are still true.
        const keep = this.items.filter((i) => i.kind === 'security');
        return {
          ...empty,
          items: [...keep, this.item(err.ruleId, err.node, err.detail), ...shareItems],
          factoryIdsDefined: [...this.definedFactoryIds],
          factoryIdsUsed: [...this.usedFactoryIds],
        };
      }
      throw err;
    }
    const { text: output, applied } = edited;
    // Each change record also says where its range is in the migrated file.
    this.records.forEach((r, i) => {
      const [start, end] = this.recordOffsets[i];
      let from = mapOffset(applied, start, 'start');
      let to = mapOffset(applied, end, 'end');
      // A pure insertion (the import): the inserted text.
      if (start === end) [from, to] = [mapOffset(applied, start, 'end'), mapOffset(applied, start, 'start')];
      // Options that moved into a hoisted instance: the new module-level declaration.
      const moved = r.ruleId !== 'provide-request-context' && this.hoisted.find((h) => start >= h.callStart && end <= h.callEnd);
      if (moved) {
        const at = output.indexOf(moved.text, Math.max(0, mapOffset(applied, moved.at, 'end') - 1));
        if (at >= 0) [from, to] = [at, at + moved.text.trimEnd().length];
      }
      const s2 = positionAt(output, from);
      const e2 = positionAt(output, Math.max(from, to));
      r.after = { line: s2.line, col: s2.col, endLine: e2.line, endCol: e2.col };
    });
    return {
      output: output === this.text ? null : output,
      edits: output === this.text ? [] : this.records,
      items: [...this.items, ...shareItems],
      factoriesMigrated: this.factoriesMigrated,
      callSitesRewired: this.wraps.length,
      contextFlavor: output === this.text ? null : this.flavor(),
      factoryIdsDefined: [...this.definedFactoryIds],
      factoryIdsUsed: [...this.usedFactoryIds],
      callSitesByFactory: this.callSitesByFactory,
    };
  }

  /**
   * Method configs that ask for in-flight sharing: `x.Get(url, { shareRequest: true })` (anything
   * but a literal `false`). A per-method value overrides the instance's `shareRequest: false`.
   * The receiver is not resolved: the option name is alova's own.
   */
  private methodShareItems(): ReviewItem[] {
    const out: ReviewItem[] = [];
    for (const call of this.ast.calls) {
      const callee = unwrapExpression(call.callee);
      if ((callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') || callee.computed || callee.property.type !== 'Identifier') continue;
      const at = METHOD_CONFIG_ARGUMENT[callee.property.name];
      if (at === undefined) continue;
      const cfg = unwrapExpression(call.arguments[at]);
      if (cfg?.type !== 'ObjectExpression') continue;
      for (const p of cfg.properties) {
        if (p.type !== 'ObjectProperty' || staticKey(p) !== 'shareRequest') continue;
        const v = unwrapExpression(p.value);
        if (v.type === 'BooleanLiteral' && v.value === false) continue;
        out.push(this.item('method-share-request', p));
      }
    }
    return out;
  }

  private parse(): void {
    try {
      const file = parseFile(this.text, this.filePath);
      this.comments = file.comments ?? [];
      // The root NodePath jscodeshift's `j(file)` would build (same class: ast-types is what
      // jscodeshift and recast use), without loading jscodeshift: its scopes are all we ask for.
      this.ast = new AstIndex(file, new NodePath(file), this.text);
      this.program = file.program;
    } catch (err) {
      const e = err as { message?: string; loc?: { line: number; column: number } };
      const line = e.loc?.line ?? 1;
      const col = (e.loc?.column ?? 0) + 1;
      throw new TransformParseError(String(e.message ?? err).split('\n')[0], line, col);
    }
  }

  parseOnly(): void {
    this.parse();
  }

  /** The module's factories (per-request createAlova, helpers returning another factory's instance, classes) and exports. */
  describe(): ModuleDescription {
    this.parse();
    const found = new Map<string, 'function' | 'class'>();
    const addFactoryOf = (callPath: Path) => {
      const fnPath = enclosingFunction(callPath);
      if (!fnPath || isModuleLevelIife(fnPath)) return;
      const up = skipWrappersUp(callPath);
      const parent = up.parentPath?.node;
      const fn = fnPath.node;
      const returned =
        (parent?.type === 'ReturnStatement' && enclosingFunction(up) === fnPath) || (parent === fn && fn.type === 'ArrowFunctionExpression' && fn.body === up.node);
      if (returned) {
        const b = factoryBinding(fnPath);
        if (b?.topLevel) found.set(b.name, 'function');
        return;
      }
      if (parent?.type === 'AssignmentExpression' && isThisMember(unwrapExpression(parent.left)) && fn.kind === 'constructor') {
        const cls = findClassOf(fnPath);
        const name = cls?.node.id?.name ?? (cls?.parentPath?.node.type === 'VariableDeclarator' ? cls.parentPath.node.id.name : null);
        if (name) found.set(name, 'class');
      }
    };
    for (const c of this.findCreateAlovaCalls()) if (isPerRequest(c)) addFactoryOf(c);
    for (const { path: p } of this.importedFactoryCalls()) addFactoryOf(p);
    // Helpers that return another local factory's instance are factories too (to a fixed point).
    for (let grew = true; grew; ) {
      grew = false;
      const before = found.size;
      for (const node of [...this.ast.calls, ...this.ast.news]) {
        const callee = unwrapExpression(node.callee);
        if (callee.type !== 'Identifier' || !found.has(callee.name)) continue;
        if ((found.get(callee.name) === 'class') !== (node.type === 'NewExpression')) continue;
        if (!this.ast.resolvesToModuleScope(callee, callee.name)) continue;
        addFactoryOf(this.ast.pathOf(node));
      }
      grew = found.size > before;
    }
    const factories = [...found].map(([localName, kind]) => ({ localName, kind, exportedAs: this.exportNamesOf(localName).filter((n) => n !== UNFOLLOWABLE_EXPORT) }));
    const reexports: ModuleDescription['reexports'] = [];
    for (const st of this.program.body) {
      if (st.type === 'ExportNamedDeclaration' && st.source && st.exportKind !== 'type') {
        const pairs = (st.specifiers ?? [])
          .filter((sp: Node) => sp.type === 'ExportSpecifier')
          .map((sp: Node) => [sp.local.type === 'Identifier' ? sp.local.name : sp.local.value, sp.exported.type === 'Identifier' ? sp.exported.name : sp.exported.value] as [string, string]);
        if (pairs.length) reexports.push({ spec: st.source.value, pairs, all: false });
      }
      if (st.type === 'ExportAllDeclaration' && !st.exported && st.exportKind !== 'type') reexports.push({ spec: st.source.value, pairs: [], all: true });
    }
    return { factories, reexports };
  }

  /** The names a module-level binding is exported under (`default`, `module.exports`, or names). */
  private exportNamesOf(local: string): string[] {
    const out = new Set<string>();
    for (const st of this.program.body) {
      if (st.type === 'ExportNamedDeclaration' && !st.source) {
        const d = st.declaration;
        if (d && (d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id?.name === local) out.add(local);
        if (d?.type === 'VariableDeclaration' && d.declarations.some((x: Node) => patternNames(x.id).includes(local))) out.add(local);
        for (const sp of st.specifiers ?? []) {
          if (sp.local?.name === local) out.add(sp.exported.type === 'Identifier' ? sp.exported.name : sp.exported.value);
        }
      }
      if (st.type === 'ExportDefaultDeclaration') {
        const d = st.declaration;
        if ((d.type === 'Identifier' && d.name === local) || ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id?.name === local)) out.add('default');
      }
    }
    this.ast.assignments.forEach((node: Node) => {
      const left = unwrapExpression(node.left);
      if (!isCommonJsExportTarget(left) && !isModuleExports(left)) return;
      const right = unwrapExpression(node.right);
      if (isModuleExports(left)) {
        if (right.type === 'Identifier' && right.name === local) out.add('module.exports');
        else if (right.type === 'ObjectExpression') {
          for (const prop of right.properties) {
            const key = staticKey(prop);
            const v = prop.value && unwrapExpression(prop.value);
            if (key && v?.type === 'Identifier' && v.name === local) out.add(key);
            else if (prop.type !== 'ObjectMethod' && prop.type !== 'SpreadElement' && v && holdsValue(v, local)) out.add(UNFOLLOWABLE_EXPORT);
          }
        } else if (holdsValue(right, local)) out.add(UNFOLLOWABLE_EXPORT);
        return;
      }
      const key = staticKey({ key: left.property, computed: left.computed });
      if (key && right.type === 'Identifier' && right.name === local) out.add(key);
      // `exports[name] = f`, `exports.api = { f }`: exported, but under no name the index can follow.
      else if (holdsValue(right, local)) out.add(UNFOLLOWABLE_EXPORT);
    });
    return [...out];
  }

  // ---------------------------------------------------------------------------------------------
  // Finding createAlova
  // ---------------------------------------------------------------------------------------------

  /** Every call of alova's createAlova, however it was imported (named, aliased, namespace, require). */
  private findCreateAlovaCalls(): Path[] {
    if (this.createAlovaCache) return this.createAlovaCache;
    const direct = new Set<string>();
    const namespaces = new Set<string>();
    for (const n of this.program.body) {
      if (n.type !== 'ImportDeclaration' || n.source.value !== 'alova' || n.importKind === 'type') continue;
      for (const s of n.specifiers ?? []) {
        if (s.type === 'ImportSpecifier' && s.importKind !== 'type' && importedName(s) === 'createAlova') direct.add(s.local.name);
        if (s.type === 'ImportNamespaceSpecifier' || s.type === 'ImportDefaultSpecifier') namespaces.add(s.local.name);
      }
    }
    for (const d of this.ast.declarators) {
      const init = unwrapExpression(d.init);
      if (!isRequireOf(init, 'alova')) continue;
      if (d.id.type === 'Identifier') namespaces.add(d.id.name);
      if (d.id.type === 'ObjectPattern') {
        for (const prop of d.id.properties) {
          if (staticKey(prop) === 'createAlova' && prop.value?.type === 'Identifier') direct.add(prop.value.name);
        }
      }
    }
    const out: Path[] = [];
    if (direct.size || namespaces.size || this.text.includes("require('alova')") || this.text.includes('require("alova")')) {
      for (const node of this.ast.calls) {
        const callee = unwrapExpression(node.callee);
        let ok = false;
        if (callee.type === 'Identifier' && direct.has(callee.name)) ok = this.ast.resolvesToModuleScope(callee, callee.name);
        else if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed && callee.property.name === 'createAlova') {
          const obj = unwrapExpression(callee.object);
          if (obj.type === 'Identifier' && namespaces.has(obj.name)) ok = this.ast.resolvesToModuleScope(obj, obj.name);
          else ok = isRequireOf(obj, 'alova');
        }
        if (ok) out.push(this.ast.pathOf(node));
      }
    }
    this.createAlovaCache = out;
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // One per-request createAlova call
  // ---------------------------------------------------------------------------------------------

  private migrateCall(callPath: Path): void {
    const call = callPath.node;
    const fnPath = enclosingFunction(callPath)!;
    const args = call.arguments;
    // Only an inline object literal can be checked option by option.
    if (args.length !== 1 || unwrapExpression(args[0]).type !== 'ObjectExpression') throw new Blocked('unsupported-config', call);
    const argPath = callPath.get('arguments', 0);
    const cfg: Node = unwrapExpression(args[0]);
    const cfgPath = findPathOf(argPath, cfg);

    const major = this.alovaMajor(cfg);
    const instanceName = this.uniqueName(this.baseName(callPath, fnPath));
    const storeKey = `${this.idPath}#${instanceName}`;
    const baseIndent = indentOfLineAt(this.text, call.start);
    const cfgEdits: TextEdit[] = [];
    const captured = new Map<string, Capture>();
    const addCapture = (p: Path) => {
      const c: Capture = captured.get(p.node.name) ?? { name: p.node.name, refs: [] };
      c.refs.push(p);
      captured.set(p.node.name, c);
    };

    // --- classify every option -----------------------------------------------------------
    const props: Node[] = cfg.properties;
    const lazy: { fn: Node; fnPath: Path; names: Set<string>; moved: string[] }[] = [];
    const moved: { key: 'baseURL' | 'timeout'; prop: Node; expr: Node; names: Set<string>; dynamic: boolean; viaStore: boolean }[] = [];
    const keys = new Map<string, Node>();
    let lastSpreadIndex = -1;
    props.forEach((prop, i) => {
      const propPath = cfgPath.get('properties', i);
      if (prop.type === 'SpreadElement') {
        lastSpreadIndex = i;
        if (this.capturedIn(propPath, cfg).length) throw new Blocked('unknown-spread', prop);
        this.checkEager(propPath, cfg);
        return;
      }
      // alova copies the options when the instance is created, which runs a getter at module load.
      if (prop.type === 'ObjectMethod' && (prop.kind === 'get' || prop.kind === 'set')) throw new Blocked('unsupported-config', prop, 'a getter or setter in the options');
      const key = staticKey(prop);
      if (key) keys.set(key, prop);
      if (prop.computed) {
        if (this.capturedIn(propPath.get('key'), cfg).length) throw new Blocked('request-dependent-option', prop);
      }
      const fnValue = prop.type === 'ObjectMethod' ? prop : isFunction(unwrapExpression(prop.value)) ? unwrapExpression(prop.value) : null;
      if (fnValue) {
        const fp = fnValue === prop ? propPath : findPathOf(propPath.get('value'), fnValue);
        lazy.push(this.lazyFunction(fp, cfg, addCapture));
        return;
      }
      if (key === 'responded' && unwrapExpression(prop.value).type === 'ObjectExpression') {
        const obj = unwrapExpression(prop.value);
        const objPath = findPathOf(propPath.get('value'), obj);
        obj.properties.forEach((sub: Node, k: number) => {
          const subPath = objPath.get('properties', k);
          const subFn = sub.type === 'ObjectMethod' ? sub : isFunction(unwrapExpression(sub.value)) ? unwrapExpression(sub.value) : null;
          if (subFn) {
            lazy.push(this.lazyFunction(subFn === sub ? subPath : findPathOf(subPath.get('value'), subFn), cfg, addCapture));
          } else {
            this.checkEager(subPath, cfg);
            if (this.capturedIn(subPath, cfg).length) throw new Blocked('request-dependent-option', sub);
          }
        });
        return;
      }
      const valuePath = propPath.get('value');
      this.checkEager(valuePath, cfg);
      const caps = this.capturedIn(valuePath, cfg);
      if (caps.length === 0) {
        // A module-level value that may change after load (process.env set by dotenv after the
        // imports, a reassigned `let`, a getter on a config object): read it when the factory
        // used to, not once when the module loads. Literals stay.
        if ((key === 'baseURL' || key === 'timeout') && !isLiteralValue(unwrapExpression(prop.value))) {
          moved.push({ key, prop, expr: prop.value, names: new Set(), dynamic: true, viaStore: false });
        }
        return;
      }
      if (key === 'baseURL' || key === 'timeout') {
        caps.forEach(addCapture);
        moved.push({ key, prop, expr: prop.value, names: new Set(caps.map((c) => c.node.name)), dynamic: false, viaStore: false });
        return;
      }
      // Only baseURL and timeout have a faithful request-time form (the Method API); anything
      // else request-dependent (an adapter built from the request, cacheFor from a header...) is
      // reported instead of guessed.
      throw new Blocked('request-dependent-option', prop, key ?? undefined);
    });

    for (const c of captured.values()) this.checkCapture(c, call);
    this.checkLocalTypes(cfg, fnPath);
    // Values computed only from the framework's own request context (Next's next/headers, Nitro's
    // useEvent) are re-evaluated in the hooks at request time: no store and no wrapper needed.
    const framework = captured.size ? this.frameworkDerived(captured) : null;
    // How each moved option reaches the hook: computed by the factory and stored (when there is a
    // store), or re-read in the hook (framework context, or a pure read of module-level state).
    // A dynamic value with side effects and no store stays where it was, evaluated at load.
    for (const mv of [...moved]) {
      mv.viaStore = captured.size > 0 && !framework;
      if (mv.dynamic && !mv.viaStore && !isPureRead(mv.expr)) {
        moved.splice(moved.indexOf(mv), 1);
        this.items.push(this.item('evaluated-at-load', mv.prop, mv.key));
      }
    }
    // alova 3.0.0 - 3.0.2 build the URL before beforeRequest runs (shared/alova-facts.md).
    const early = moved.find((mv) => mv.key === 'baseURL' && !mv.dynamic);
    if (early && /^3\.0\.[0-2](?:$|[-+])/.test(this.options.alovaVersion ?? '')) {
      throw new Blocked('request-dependent-option', early.prop, `alova ${this.options.alovaVersion} reads baseURL before beforeRequest`);
    }

    // --- security: a fixed id shares in-flight requests between users today -----------------
    const idProp = keys.get('id');
    if (idProp && idProp.type !== 'ObjectMethod' && !this.capturedIn(cfgPath.get('properties', props.indexOf(idProp), 'value'), cfg).length) {
      this.items.push(this.item('fixed-id-shares-requests', idProp));
    }
    for (const k of ['l1Cache', 'l2Cache', 'storageAdapter']) {
      const p = keys.get(k);
      if (p) this.items.push(this.item('user-cache-adapter', p, k));
    }
    if (this.cache === 'shared') this.items.push(this.item('shared-cache', call));

    // --- prologues in hooks, moved options --------------------------------------------------
    const propIndent = props.length ? stripPrefix(indentOfLineAt(this.text, props[0].start), baseIndent) : this.style.indent;
    const before = keys.get('beforeRequest');
    if (moved.length) {
      const target = before ? lazy.find((l) => l.fn === (before.type === 'ObjectMethod' ? before : unwrapExpression(before.value))) : undefined;
      const hookUsable = !before || (!!target && target.fn.params[0]?.type === 'Identifier');
      // A module-level value is only moved for timing; without a usable hook it stays in place.
      if (!hookUsable) {
        for (const mv of moved.filter((m) => m.dynamic)) {
          moved.splice(moved.indexOf(mv), 1);
          this.items.push(this.item('evaluated-at-load', mv.prop, mv.key));
        }
      }
    }
    if (moved.length) {
      const target = before ? lazy.find((l) => l.fn === (before.type === 'ObjectMethod' ? before : unwrapExpression(before.value))) : undefined;
      if (before && !target) throw new Blocked('unsupported-hook-shape', before);
      if (target) {
        const param = target.fn.params[0];
        if (!param || param.type !== 'Identifier') throw new Blocked('unsupported-hook-shape', before);
        for (const mv of moved) {
          if (mv.viaStore) target.names.add(movedKey(mv.key));
          else for (const n of mv.names) target.names.add(n);
          target.moved.push(this.movedStatement(mv.key, param.name, mv.viaStore ? null : mv.expr));
        }
      }
    }
    for (const l of lazy) {
      if (l.names.size === 0 && l.moved.length === 0) continue;
      cfgEdits.push(...this.prologueEdits(l.fn, [...l.names], l.moved, storeKey, baseIndent, framework));
      if (l.names.size) this.record(framework ? 'framework-request-context' : 'read-request-context', l.fn);
    }
    for (const mv of moved) {
      cfgEdits.push(this.removePropertyEdit(mv.prop));
      this.record('move-option-to-hook', mv.prop, mv.key);
    }

    // --- isolation options (never optional) --------------------------------------------------
    const append: string[] = [];
    if (moved.length && !before) {
      const names = [...new Set(moved.flatMap((mv) => (mv.viaStore ? [movedKey(mv.key)] : [...mv.names])))];
      const inner = propIndent + this.style.indent;
      const reads = framework
        ? framework.map((d) => inner + this.text.slice(d.start, d.end))
        : names.length
          ? [`${inner}const { ${names.join(', ')} } = ${CONTEXT_EXPORTS.use}(${this.q(storeKey)})${this.semi()}`]
          : [];
      const body = [...reads, ...moved.map((mv) => inner + this.movedStatement(mv.key, 'method', mv.viaStore ? null : mv.expr))];
      if (!framework && names.length) this.needed.add(CONTEXT_EXPORTS.use);
      const needsAsync = !!framework?.some((d) => containsAwait(d));
      append.push(`${needsAsync ? 'async ' : ''}beforeRequest(method) {${this.style.eol}${body.join(this.style.eol)}${this.style.eol}${propIndent}}`);
    }
    const setOption = (key: string, value: string) => {
      const existing = keys.get(key);
      const idx = existing ? props.indexOf(existing) : -1;
      if (existing && existing.type !== 'ObjectMethod' && idx > lastSpreadIndex) {
        if (this.text.slice(existing.value.start, existing.value.end) !== value) {
          cfgEdits.push({ start: existing.value.start, end: existing.value.end, text: value });
        }
        return;
      }
      // A key before a spread could be overridden by the spread: move it after the last spread.
      if (existing) cfgEdits.push(this.removePropertyEdit(existing));
      append.push(`${key}: ${value}`);
    };
    if (major === 3) {
      if (!idProp) setOption('id', this.q(storeKey));
      setOption('shareRequest', 'false');
      if (!keys.has('snapshots') && !MATCHER_APIS.test(this.text)) setOption('snapshots', '0');
      if (this.cache === 'request' && !keys.has('l1Cache')) {
        setOption('l1Cache', `${CONTEXT_EXPORTS.cache}(${this.q(storeKey)})`);
        this.needed.add(CONTEXT_EXPORTS.cache);
      }
      if (this.cache === 'off') setOption('cacheFor', 'null');
    } else {
      setOption('shareRequest', 'false');
      if (this.cache !== 'shared') setOption('localCache', 'null');
    }
    if (append.length) cfgEdits.push(this.appendPropertiesEdit(cfg, append, propIndent));
    this.record('isolate-instance', call);

    // --- build the hoisted declaration --------------------------------------------------------
    const dedent = this.dedentEdits(cfg.start, cfg.end, baseIndent);
    // Every edit of the options lies inside them: apply them to the options' own text.
    const cfgText = applyEdits(
      this.text.slice(cfg.start, cfg.end),
      [...cfgEdits, ...dedent].map((e) => ({ ...e, start: e.start - cfg.start, end: e.end - cfg.start })),
    );
    let calleeText = this.text.slice(call.start, cfg.start);
    // Explicit type arguments `<RequestConfig, Response, ResponseHeader>` leave L1Cache at its
    // default (alova's memory adapter type); the request-scoped adapter needs its own type there.
    const typeArgs = call.typeParameters ?? call.typeArguments;
    if (typeArgs?.params?.length === 3 && append.some((e) => e.startsWith('l1Cache:'))) {
      const at = typeArgs.end - 1 - call.start;
      calleeText = `${calleeText.slice(0, at)}, ReturnType<typeof ${CONTEXT_EXPORTS.cache}>${calleeText.slice(at)}`;
    }
    const afterText = this.text.slice(cfg.end, call.end);
    const decl = `const ${instanceName} = ${calleeText}${cfgText}${afterText}${this.semi()}${this.style.eol}${this.style.eol}`;
    this.hoisted.push({ at: this.hoistPoint(fnPath, cfg), text: decl, callStart: call.start, callEnd: call.end });
    this.record('hoist-instance', call);
    this.factoriesMigrated++;

    // --- replace the call and wire the request context -------------------------------------
    if (captured.size === 0 || framework) {
      // Nothing request-dependent (or only the framework's own request context, re-read by the
      // hooks): no data to record and no wrapper needed. The call still returns a handle, as the
      // per-request instance it replaces: its own cache and snapshots, and per-method
      // `shareRequest` turned off (provideAlovaContext works outside any context).
      this.edits.push({ start: call.start, end: call.end, text: `${CONTEXT_EXPORTS.provide}(${instanceName}, ${this.q(storeKey)}, {})` });
      this.needed.add(CONTEXT_EXPORTS.provide);
      this.record('provide-request-context', call);
      return;
    }
    // A request-dependent baseURL/timeout is computed here, once per factory call as before, and
    // the hook applies it: evaluating it per request would repeat its effects.
    for (const mv of moved) if (captured.has(movedKey(mv.key))) throw new Blocked('name-conflict', mv.prop, movedKey(mv.key));
    const values = [
      ...captured.keys(),
      ...moved
        .filter((mv) => mv.viaStore)
        .map((mv) => {
          const { start, end } = exprRange(this.text, mv.expr);
          return `${movedKey(mv.key)}: ${this.text.slice(start, end)}`;
        }),
    ].join(', ');
    this.edits.push({
      start: call.start,
      end: call.end,
      text: `${CONTEXT_EXPORTS.provide}(${instanceName}, ${this.q(storeKey)}, { ${values} })`,
    });
    this.needed.add(CONTEXT_EXPORTS.provide);
    this.record('provide-request-context', call);
    this.wireUsage(callPath, fnPath, storeKey, new Set());
  }

  // ---------------------------------------------------------------------------------------------
  // Module-level instances that are already unsafe
  // ---------------------------------------------------------------------------------------------

  /**
   * A module-level instance whose hooks read per-request data (Next's cookies()/headers(), an
   * AsyncLocalStorage store, a global store's getState(), Nitro's useEvent(), our own context) but
   * keeps alova's shared cache or shareRequest serves one user's responses to another
   * (shared/alova-facts.md). Returns what is unsafe about it (empty when it is fine).
   */
  private singletonProblems(callPath: Path): string[] {
    const cfg = unwrapExpression(callPath.node.arguments[0]);
    if (callPath.node.arguments.length !== 1 || cfg?.type !== 'ObjectExpression') return [];
    const reads = this.perRequestReadsIn(cfg);
    if (!reads) return [];
    const keys = new Map<string, Node>();
    for (const p of cfg.properties) {
      const k = staticKey(p);
      if (k) keys.set(k, p);
    }
    const isLiteral = (k: string, test: (v: Node) => boolean) => {
      const p = keys.get(k);
      return !!p && p.type !== 'ObjectMethod' && test(unwrapExpression(p.value));
    };
    const isNull = (v: Node) => v.type === 'NullLiteral' || (v.type === 'Literal' && v.value === null);
    const problems: string[] = [];
    if (!isLiteral('shareRequest', (v) => v.type === 'BooleanLiteral' && v.value === false)) problems.push('shareRequest');
    const major = this.alovaMajor(cfg);
    const cacheSafe = major === 3 ? isLiteral('cacheFor', isNull) || keys.has('l1Cache') : isLiteral('localCache', isNull);
    if (!cacheSafe && this.cache !== 'shared') problems.push(major === 3 ? 'cacheFor' : 'localCache');
    return problems.length ? [`reads ${reads}`, ...problems] : [];
  }

  /** What per-request source a hook of this options object reads, or null. */
  private perRequestReadsIn(cfg: Node): string | null {
    const nextHeaders = new Set<string>();
    for (const st of this.program.body) {
      if (st.type === 'ImportDeclaration' && st.source.value === 'next/headers') {
        for (const sp of st.specifiers ?? []) if (sp.type === 'ImportSpecifier') nextHeaders.add(sp.local.name);
      }
    }
    let found: string | null = null;
    const visitFn = (fn: Node) =>
      walkNoFunctions(
        [fn.body],
        (n) => {
          if (found || n.type !== 'CallExpression') return;
          const c = unwrapExpression(n.callee);
          if (c.type === 'Identifier' && nextHeaders.has(c.name)) found = `${c.name}() from next/headers`;
          else if (c.type === 'Identifier' && ['useEvent', 'useRequestEvent', 'getRequestEvent', CONTEXT_EXPORTS.use].includes(c.name)) found = `${c.name}()`;
          else if (c.type === 'MemberExpression' && !c.computed && ['getStore', 'getState'].includes(c.property.name)) found = `.${c.property.name}()`;
          else if (c.type === 'MemberExpression' && !c.computed && c.object.type === 'Identifier' && c.object.name === 'requestContext' && c.property.name === 'get') found = 'requestContext.get()';
        },
        true,
      );
    const visitProps = (obj: Node) => {
      for (const p of obj.properties) {
        if (p.type === 'ObjectMethod') visitFn(p);
        else if (p.type !== 'SpreadElement') {
          const v = unwrapExpression(p.value);
          if (isFunction(v)) visitFn(v);
          else if (v?.type === 'ObjectExpression' && staticKey(p) === 'responded') visitProps(v);
        }
      }
    };
    visitProps(cfg);
    return found;
  }

  /** Reports the unsafe singleton and, in place, turns sharing (and the shared cache) off. */
  private fixSingleton(callPath: Path, problems: string[]): void {
    const cfg = unwrapExpression(callPath.node.arguments[0]);
    const [reads, ...keysToFix] = problems;
    const values: Record<string, string> = { shareRequest: 'false', cacheFor: 'null', localCache: 'null' };
    const props: Node[] = cfg.properties;
    let lastSpread = -1;
    props.forEach((p, i) => p.type === 'SpreadElement' && (lastSpread = i));
    const append: string[] = [];
    const fixes: string[] = [];
    for (const k of keysToFix) {
      const existing = props.find((p) => staticKey(p) === k && p.type !== 'ObjectMethod');
      fixes.push(`${k}: ${values[k]}`);
      if (existing && props.indexOf(existing) > lastSpread) this.edits.push({ start: existing.value.start, end: existing.value.end, text: values[k] });
      else {
        if (existing) this.edits.push(this.removePropertyEdit(existing));
        append.push(`${k}: ${values[k]}`);
      }
    }
    if (append.length) {
      const propIndent = props.length ? indentOfLineAt(this.text, props[0].start) : indentOfLineAt(this.text, cfg.start) + this.style.indent;
      this.edits.push(this.appendPropertiesEdit(cfg, append, propIndent));
    }
    const item = this.item('unsafe-singleton', callPath.node, `${reads}; keeps ${keysToFix.join(' and ')} shared`);
    item.fix = { description: `set ${fixes.join(', ')} (applied in apply mode)` };
    this.items.push(item);
    this.record('isolate-instance', callPath.node, fixes.join(', '));
  }

  /** Identifiers that read the framework's own request context: next/headers, Nitro's useEvent. */
  private frameworkContextNames(): Set<string> {
    const names = new Set<string>();
    for (const st of this.program.body) {
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

  /**
   * The factory's captured values, when every one is a `const` of the factory body computed only
   * from the framework's request context (and module-level values): their declarations, in order.
   */
  private frameworkDerived(captured: Map<string, Capture>): Node[] | null {
    const sources = this.frameworkContextNames();
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
      const scope = ref.scope?.lookup(name);
      const decl = scope?.getBindings()[name]?.[0];
      const declarator = decl ? ancestorWithin(decl, (n) => n.type === 'VariableDeclarator') : null;
      const declaration = declarator?.parent?.node;
      if (!declarator || declaration?.type !== 'VariableDeclaration' || declaration.kind !== 'const' || !declarator.node.init) return null;
      // Re-evaluating the initialiser in a hook must not repeat I/O or other effects: only the
      // framework accessors and read-only accessors of their results may be called.
      const readOnly = new Set(['get', 'getAll', 'has', 'toString', 'keys', 'values', 'entries']);
      for (const c of collectPaths(declarator.get('init'), (n) => n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'OptionalCallExpression' || n.type === 'AssignmentExpression' || n.type === 'UpdateExpression')) {
        const callee = c.node.callee && unwrapExpression(c.node.callee);
        const ok =
          (c.node.type === 'CallExpression' || c.node.type === 'OptionalCallExpression') &&
          ((callee.type === 'Identifier' && sources.has(callee.name)) ||
            ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed && readOnly.has(callee.property.name)));
        if (!ok) return null;
      }
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

  /** A function-valued option: which request bindings it reads (they get a prologue). */
  private lazyFunction(fp: Path, cfg: Node, addCapture: (p: Path) => void) {
    const fn = fp.node;
    const names = new Set<string>();
    for (const p of this.capturedIn(fp, cfg)) {
      names.add(p.node.name);
      addCapture(p);
    }
    // `this`/`arguments` of an arrow hook belong to the factory function, which is gone.
    if (fn.type === 'ArrowFunctionExpression' && this.lexicalThisIn(fp)) throw new Blocked('uses-this', fn);
    return { fn, fnPath: fp, names, moved: [] as string[] };
  }

  /** Eagerly evaluated option parts may not await/yield, nor read `this`/`arguments`, nor hide request reads in functions. */
  private checkEager(p: Path, cfg: Node): void {
    const node = p.node;
    let blocked: Blocked | null = null;
    const visit = (q: Path, inFn: boolean) => {
      if (blocked) return;
      const n = q.value;
      if (!n || typeof n.type !== 'string') return;
      if (!inFn && (n.type === 'AwaitExpression' || n.type === 'YieldExpression')) blocked = new Blocked('request-dependent-await', n);
      if (!inFn && (n.type === 'ThisExpression' || n.type === 'Super')) blocked = new Blocked('uses-this', n);
      if (isFunction(n)) {
        if (this.capturedIn(q, cfg).length) blocked = new Blocked('request-dependent-option', n);
        return;
      }
      forEachChildPath(q, (c) => visit(c, inFn));
    };
    visit(p, false);
    if (blocked) throw blocked;
    if (this.referencesArguments(p)) throw new Blocked('uses-this', node);
  }

  private lexicalThisIn(fp: Path): boolean {
    let found = false;
    const visit = (q: Path) => {
      const n = q.value;
      if (found || !n || typeof n.type !== 'string') return;
      if (n.type === 'ThisExpression' || n.type === 'Super') found = true;
      if (n.type === 'Identifier' && n.name === 'arguments' && !q.scope?.lookup('arguments')) found = true;
      if (isFunction(n) && n.type !== 'ArrowFunctionExpression' && q !== fp) return;
      forEachChildPath(q, visit);
    };
    visit(fp);
    return found;
  }

  private referencesArguments(p: Path): boolean {
    return collectPaths(p, (n) => n.type === 'Identifier' && n.name === 'arguments').some((q) => !q.scope?.lookup('arguments') && !insideNonArrowFunction(q, p.node));
  }

  /** Identifier references under `p` that resolve to a binding of an enclosing function (request data). */
  private capturedIn(p: Path, cfg: Node): Path[] {
    return collectPaths(p, (n) => n.type === 'Identifier').filter((q) => {
      if (!isBindingReference(q.node, q.parent?.node, fieldName(q))) return false;
      const scope = q.scope?.lookup(q.node.name);
      if (!scope || scope.isGlobal) {
        // ast-types misses some declarations (TypeScript constructor parameter properties): a
        // name it places at module level that an enclosing function does declare is not guessed.
        if (!this.ast.resolvesToModuleScope(q.node, q.node.name)) throw new Blocked('unsupported-config', q.node, `cannot tell which declaration "${q.node.name}" refers to`);
        return false;
      }
      return !isInside(scope.node, cfg);
    });
  }

  /**
   * Type names the options use (annotations, casts, generics) must exist at module level after the
   * hoist: a type parameter of the factory or a type declared inside it would not (tsc would fail).
   */
  private checkLocalTypes(cfg: Node, fnPath: Path): void {
    const local = new Set<string>();
    for (let p: Path | null = fnPath; p; p = enclosingFunction(p)) {
      const fn = p.node;
      for (const tp of fn.typeParameters?.params ?? []) local.add(typeof tp.name === 'string' ? tp.name : tp.name?.name);
      if (fn.body?.type === 'BlockStatement') {
        walkNoFunctions(fn.body.body, (n) => {
          if (['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'TSEnumDeclaration', 'ClassDeclaration', 'TSModuleDeclaration'].includes(n.type) && n.id?.name) local.add(n.id.name);
        });
      }
    }
    if (!local.size) return;
    const stack: Node[] = [cfg];
    while (stack.length) {
      const n = stack.pop();
      if (!n || typeof n.type !== 'string') continue;
      const ref = n.type === 'TSTypeReference' ? n.typeName : n.type === 'TSTypeQuery' ? n.exprName : n.type === 'TSExpressionWithTypeArguments' || n.type === 'TSInterfaceHeritage' ? n.expression : null;
      let root = ref;
      while (root?.type === 'TSQualifiedName') root = root.left;
      if (root?.type === 'Identifier' && local.has(root.name)) throw new Blocked('unsupported-config', n, `uses the type ${root.name} declared in the factory`);
      forEachChildNode(n, (c) => stack.push(c));
    }
  }

  /** A captured binding must hold its final value when the factory is called. */
  private checkCapture(c: Capture, call: Node): void {
    const ref = c.refs[0];
    const scope = ref.scope.lookup(c.name);
    const bindings: Path[] = scope.getBindings()[c.name] ?? [];
    const decl = bindings[0];
    if (!decl) throw new Blocked('mutated-binding', ref.node, c.name);
    const declarator = ancestorWithin(decl, (n) => n.type === 'VariableDeclarator');
    if (declarator) {
      if (isInside(call, declarator.node) || declarator.node.start > call.start) throw new Blocked('mutated-binding', ref.node, c.name);
    } else {
      const cls = ancestorWithin(decl, (n) => n.type === 'ClassDeclaration');
      if (cls && cls.node.start > call.start) throw new Blocked('mutated-binding', ref.node, c.name);
    }
    // Any write to the binding anywhere in its scope: the old closure saw the new value.
    const writes = collectPaths(scope.path, (n) => n.type === 'AssignmentExpression' || n.type === 'UpdateExpression' || n.type === 'ForInStatement' || n.type === 'ForOfStatement');
    for (const w of writes) {
      const target = w.node.type === 'UpdateExpression' ? w.node.argument : w.node.left;
      if (!target) continue;
      const names = patternNames(target);
      if (!names.includes(c.name)) continue;
      if (w.node.type.startsWith('For') && target.type === 'VariableDeclaration') continue;
      const s = w.scope?.lookup(c.name);
      if (s === scope) throw new Blocked('mutated-binding', w.node, c.name);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring: every request must be sent inside its own context
  // ---------------------------------------------------------------------------------------------

  /** Decides from how the (per-request) instance produced at `exprPath` is used. */
  private wireUsage(exprPath: Path, fnPath: Path, factoryId: string, seen: Set<Node>, rootKey: string = factoryId): void {
    // Already the first thing a `runInAlovaContext(...)` callback does: a second run changes nothing.
    if (this.isAlreadyWired(fnPath, exprPath)) return;
    const up = skipWrappersUp(exprPath);
    const parent = up.parentPath?.node;
    const fn = fnPath.node;
    const isReturned =
      (parent?.type === 'ReturnStatement' && enclosingFunction(up) === fnPath) ||
      (parent === fn && fn.type === 'ArrowFunctionExpression' && fn.body === up.node);
    if (isReturned) {
      this.wireFactoryCallers(fnPath, seen, rootKey);
      return;
    }
    if (parent?.type === 'VariableDeclarator' && up.name === 'init' && parent.id.type === 'Identifier') {
      this.checkLocalInstance(up.parentPath, fnPath);
      if (this.coveredByMiddleware(exprPath, fnPath)) return;
      this.wrapFrom(exprPath, fnPath, rootKey, parent.id.name);
      return;
    }
    if ((parent?.type === 'MemberExpression' || parent?.type === 'OptionalMemberExpression') && up.name === 'object') {
      this.checkMethodSent(up.parentPath, fnPath);
      if (this.coveredByMiddleware(exprPath, fnPath)) return;
      this.wrapFrom(exprPath, fnPath, rootKey, null);
      return;
    }
    if (parent?.type === 'AssignmentExpression' && up.name === 'right' && parent.operator === '=') {
      const target = unwrapExpression(parent.left);
      // `this.alova = createAlova(...)` in a constructor: the class is the factory.
      if (isThisMember(target) && fn.kind === 'constructor') {
        this.wireClassCallers(fnPath, seen, rootKey);
        return;
      }
      // `req.api = createApi(req); next()`: stored on the request object and handed downstream.
      // Everything downstream runs inside next()/done(), so wrapping through that call covers it.
      if (this.isPerRequestObject(target, fnPath)) {
        this.wrapFrom(exprPath, fnPath, rootKey, null, { needsContinuation: true });
        return;
      }
    }
    throw new Blocked('instance-escapes', exprPath.node);
  }

  /**
   * `--wiring middleware`: a factory call whose arguments all come from the handler's own
   * parameters (the request) runs inside the app's context middleware, so it needs no wrapper.
   * Not when the handler is registered with a route-level body parser: the parser reads the body
   * in stream callbacks that lose the async context.
   */
  private coveredByMiddleware(exprPath: Path, fnPath: Path): boolean {
    if (this.options.wiring !== 'middleware' || !this.options.index?.middlewareApps?.length) return false;
    const call = exprPath.node;
    if (call.type !== 'CallExpression' && call.type !== 'NewExpression') return false;
    if (this.findCreateAlovaCalls().some((p) => p.node === call)) return false;
    if (!call.arguments.length) return false;
    const params = new Set(fnPath.node.params.flatMap((p: Node) => patternNames(p)));
    for (let i = 0; i < call.arguments.length; i++) {
      for (const q of collectPaths(exprPath.get('arguments', i), (n) => n.type === 'Identifier' || n.type === 'ThisExpression')) {
        if (q.node.type === 'ThisExpression') return false;
        if (!isBindingReference(q.node, q.parent?.node, fieldName(q))) continue;
        const sc = q.scope?.lookup(q.node.name);
        if (!sc || sc.isGlobal) continue;
        if (sc.node !== fnPath.node || !params.has(q.node.name)) return false;
      }
    }
    const up = skipWrappersUp(fnPath);
    const registration = up.parentPath?.node;
    if (registration?.type === 'CallExpression' && registration.arguments.some((a: Node) => a !== up.node && a.start < up.node.start && this.isBodyParserCall(a))) return false;
    this.countCallSite(`middleware:${this.idPath}`);
    this.middlewareCovered++;
    return true;
  }

  private isBodyParserCall(n: Node): boolean {
    const c = unwrapExpression(n);
    if (c?.type !== 'CallExpression') return false;
    const callee = unwrapExpression(c.callee);
    const imports = this.moduleImports();
    if (callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier') {
      const src = imports.get(callee.object.name);
      if (src === 'express' && ['json', 'urlencoded', 'raw', 'text'].includes(callee.property.name)) return true;
      if (src === 'body-parser') return true;
    }
    if (callee.type === 'Identifier') {
      const src = imports.get(callee.name);
      return !!src && ['body-parser', 'koa-bodyparser', '@koa/bodyparser', 'koa-body', 'co-body'].includes(src);
    }
    return false;
  }

  private declaredAtModuleLevel(name: string): boolean {
    for (const st of this.program.body) {
      const d = declarationOf(st);
      if (!d) continue;
      if (d.type === 'VariableDeclaration' && d.declarations.some((x: Node) => patternNames(x.id).includes(name))) return true;
      if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id?.name === name) return true;
    }
    return false;
  }

  /** local name -> module of every import / top-level require. */
  private moduleImports(): Map<string, string> {
    if (this.importsCache) return this.importsCache;
    const m = new Map<string, string>();
    for (const st of this.program.body) {
      if (st.type === 'ImportDeclaration') for (const sp of st.specifiers ?? []) m.set(sp.local.name, st.source.value);
      if (st.type === 'VariableDeclaration') {
        for (const d of st.declarations) {
          const init = unwrapExpression(d.init);
          const req = isRequireCall(init) ? init : init?.type === 'MemberExpression' && isRequireCall(init.object) ? init.object : null;
          if (req && req.arguments[0]?.type === 'StringLiteral') for (const n of patternNames(d.id)) m.set(n, req.arguments[0].value);
        }
      }
    }
    this.importsCache = m;
    return m;
  }

  /** Express/Koa/Fastify apps created in this file, and where a context middleware would go. */
  findApps(): AppSite[] {
    const imports = this.moduleImports();
    const out: AppSite[] = [];
    this.ast.declarators.forEach((decl: Node) => {
      const init = unwrapExpression(decl.init);
      if (!init || decl.id.type !== 'Identifier') return;
      const dp = this.ast.pathOf(decl);
      const callee = init.type === 'CallExpression' || init.type === 'NewExpression' ? unwrapExpression(init.callee) : null;
      if (callee?.type !== 'Identifier') return;
      const src = imports.get(callee.name);
      const framework = src === 'express' && init.type === 'CallExpression' ? 'express' : src === 'koa' && init.type === 'NewExpression' ? 'koa' : src === 'fastify' && init.type === 'CallExpression' ? 'fastify' : null;
      if (!framework) return;
      const app = dp.node.id.name;
      const declaration = dp.parent.node;
      const block = dp.parent.parent?.node;
      const list: Node[] | undefined = block?.body;
      if (!Array.isArray(list)) return;
      let insertAfter = declaration;
      let blocked: string | undefined;
      let present = false;
      let sawOther = false;
      for (const st of list.slice(list.indexOf(declaration) + 1)) {
        const call = st.type === 'ExpressionStatement' ? unwrapExpression(st.expression) : null;
        const onApp = call?.type === 'CallExpression' && call.callee.type === 'MemberExpression' && call.callee.object.type === 'Identifier' && call.callee.object.name === app;
        if (!onApp) continue;
        if (this.text.slice(call.start, call.end).includes(CONTEXT_EXPORTS.run)) present = true;
        const isParser = call.callee.property.name === 'use' && call.arguments.length === 1 && this.isBodyParserCall(call.arguments[0]);
        if (isParser && framework !== 'fastify') {
          if (sawOther) blocked = 'a route or middleware is registered before the body parsers';
          insertAfter = st;
        } else sawOther = true;
      }
      out.push({ framework, app, insertAfter, blocked, present });
    });
    return out;
  }

  private insertContextMiddleware(site: AppSite): void {
    const { eol } = this.style;
    const ind = indentOfLineAt(this.text, site.insertAfter.start);
    const run = CONTEXT_EXPORTS.run;
    const code =
      site.framework === 'express'
        ? `${site.app}.use((req, res, next) => ${run}(() => next()))`
        : site.framework === 'koa'
          ? `${site.app}.use((ctx, next) => ${run}(() => next()))`
          : `${site.app}.addHook('preHandler', (request, reply, done) => ${run}(() => done()))`;
    const comment = `// alova-ssr-migrate: every request below runs in its own alova request context.`;
    this.edits.push({ start: site.insertAfter.end, end: site.insertAfter.end, text: `${eol}${eol}${ind}${comment}${eol}${ind}${code}${this.semi()}` });
    this.needed.add(run);
    this.record('insert-context-middleware', site.insertAfter, site.framework);
  }

  /** `req.x`, `res.locals.x`, `ctx.state.x`, `request.x`: a member of one of the function's parameters. */
  private isPerRequestObject(target: Node, fnPath: Path): boolean {
    let root = target;
    while (root && (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression')) root = unwrapExpression(root.object);
    if (root === target || root?.type !== 'Identifier') return false;
    return fnPath.node.params.some((p: Node) => p.type === 'Identifier' && p.name === root.name);
  }

  /** `const api = <instance>`: every use must stay inside the function (member access or an argument). */
  private checkLocalInstance(declaratorPath: Path, fnPath: Path): void {
    const id = declaratorPath.node.id;
    const declaration = declaratorPath.parentPath.node;
    // The scope that declares the name (ast-types gives a catch clause its own scope, but hoists
    // `const` inside the catch block to the function's scope: compare declaring scopes).
    const scope = declaratorPath.scope?.lookup(id.name) ?? declaratorPath.scope;
    const refs = collectPaths(fnPath, (n) => n.type === 'Identifier' && n.name === id.name).filter(
      (q) => q.node !== id && isBindingReference(q.node, q.parent?.node, fieldName(q)) && q.scope?.lookup(id.name) === scope,
    );
    for (const r of refs) {
      const up = skipWrappersUp(r);
      const pn = up.parentPath?.node;
      const okMember = (pn?.type === 'MemberExpression' || pn?.type === 'OptionalMemberExpression') && up.name === 'object';
      const okArgument = (pn?.type === 'CallExpression' || pn?.type === 'NewExpression' || pn?.type === 'OptionalCallExpression') && fieldName(up) === 'arguments';
      if (!okMember && !okArgument) throw new Blocked('instance-escapes', r.node, id.name);
      // Used inside a closure that may run after the request (an event listener, a queued job):
      // its requests would be sent from another request's context. Only `.map` callbacks whose
      // results are consumed here are accepted.
      const owner = enclosingFunction(r);
      if (owner && owner !== fnPath && !this.isConsumedMapCallback(owner, fnPath)) {
        throw new Blocked('method-escapes-context', r.node, `${id.name} is used in a function that may run after the request`);
      }
      // Handed to another function, it must come back to this one: the call's result is awaited.
      if (okArgument && !this.methodConsumed(up.parent, fnPath, 0, false)) throw new Blocked('method-escapes-context', r.node, `${id.name} is passed on without awaiting the call`);
      if (!okMember) continue;
      const prop = !pn.computed && pn.property.name;
      // `api.destroy()` after each request (the advice for per-request instances) would tear
      // down the one shared instance.
      if (prop === 'destroy') throw new Blocked('instance-escapes', r.node, `${id.name}.destroy() would destroy the shared instance`);
      // The shared instance's options no longer hold the options that moved into beforeRequest.
      if (prop === 'options') throw new Blocked('request-dependent-option', r.node, `${id.name}.options no longer holds the request's options`);
      const call = up.parentPath.parent?.node;
      const called = (call?.type === 'CallExpression' || call?.type === 'OptionalCallExpression') && call.callee === pn;
      // `api.Get` read without calling it (`api.Get.bind(api)`) hands out a request method.
      if (!called && typeof prop === 'string' && /^[A-Z]/.test(prop)) throw new Blocked('method-escapes-context', r.node, `${id.name}.${prop} is handed out uncalled`);
      this.checkMethodSent(up.parentPath, fnPath);
    }
    if (declaration.kind !== 'const' && refs.some((r) => r.parent?.node.type === 'AssignmentExpression' && r.name === 'left')) {
      throw new Blocked('instance-escapes', declaratorPath.node, id.name);
    }
  }

  /**
   * `api.Get(...)` creates a Method, a lazy thenable that is sent when awaited. It must be sent
   * inside the wrapper: awaited, chained (`.then/.catch/.finally/.send`), awaited through
   * `Promise.all/allSettled/race/any`, returned from the wrapped function (awaited there), or
   * dropped. A Method stored, pushed, put in an object or returned from a closure could be sent
   * later from another request's context, with that request's data: that is reported.
   */
  private checkMethodSent(memberPath: Path, fnPath: Path): void {
    const callPath = memberPath.parent;
    const t = callPath?.node.type;
    if ((t !== 'CallExpression' && t !== 'OptionalCallExpression') || callPath.node.callee !== memberPath.node) return;
    if (!this.methodConsumed(callPath, fnPath, 0)) throw new Blocked('method-escapes-context', callPath.node);
  }

  private methodConsumed(p: Path, fnPath: Path, depth: number, allowDrop = true): boolean {
    if (depth > 4) return false;
    const up = skipWrappersUp(p);
    // `.parent` is the parent node's path (array slots such as `elements` are skipped).
    const pp: Path | null = up.parent ?? null;
    const parent = pp?.node;
    if (!parent) return false;
    switch (parent.type) {
      case 'AwaitExpression':
        return true;
      case 'ExpressionStatement':
        // A dropped Method is never sent; a dropped helper call that was given the instance may keep it.
        return allowDrop;
      case 'ReturnStatement': {
        const ok = this.returnConsumed(up, fnPath, depth);
        // Returned from the wrapped (async) function itself: the wrapper must `return await` it,
        // even when the return does not name the instance (`return request`).
        if (ok && enclosingFunction(up)?.node === fnPath.node) this.methodReturns.set(parent, fnPath.node);
        return ok;
      }
      case 'ArrowFunctionExpression':
        return parent.body === up.node && this.returnConsumed(up, fnPath, depth);
      case 'MemberExpression':
      case 'OptionalMemberExpression': {
        const prop = !parent.computed && parent.property.name;
        const call = pp!.parent?.node;
        return ['then', 'catch', 'finally', 'send'].includes(prop) && call?.type === 'CallExpression' && call.callee === parent;
      }
      case 'ArrayExpression': {
        const outer = pp!.parent?.node;
        // `for await (const r of [api.Get(...), ...])` sends each one in turn.
        if (outer?.type === 'ForOfStatement' && outer.await && outer.right === parent) return true;
        return isPromiseCombinator(outer) && this.methodConsumed(pp!.parent, fnPath, depth + 1);
      }
      case 'SpreadElement':
        // `Promise.all([...ids.map((id) => api.Get(id))])`
        return this.methodConsumed(pp!, fnPath, depth + 1);
      case 'CallExpression':
        return fieldName(up) === 'arguments' && isPromiseCombinator(parent) && this.methodConsumed(pp!, fnPath, depth + 1);
      case 'ConditionalExpression':
        return up.name !== 'test' && this.methodConsumed(pp!, fnPath, depth + 1);
      case 'LogicalExpression':
        return this.methodConsumed(pp!, fnPath, depth + 1);
      case 'VariableDeclarator': {
        // `const m = api.Get(...)`: every use of `m` must send it.
        if (parent.id.type !== 'Identifier') return false;
        const name = parent.id.name;
        const scope = pp!.scope?.lookup(name) ?? pp!.scope;
        const uses = collectPaths(fnPath, (n) => n.type === 'Identifier' && n.name === name).filter(
          (q) => q.node !== parent.id && isBindingReference(q.node, q.parent?.node, fieldName(q)) && q.scope?.lookup(name) === scope,
        );
        // Members that do not send (`m.abort()`, `m.onDownload(fn)`, `m.config`) are fine anywhere.
        const nonSending = (q: Path) => {
          const u = skipWrappersUp(q);
          const mp = u.parent?.node;
          return (mp?.type === 'MemberExpression' || mp?.type === 'OptionalMemberExpression') && u.name === 'object' && !mp.computed && !['then', 'catch', 'finally', 'send'].includes(mp.property.name);
        };
        // A use inside another function (`queue.push(() => m.send())`, a listener, a timer) may
        // send it later, from whatever request is running then: only uses in the declaring
        // function itself count as sent here.
        const declaringFn = enclosingFunction(pp!)?.node;
        return uses.every((q) => nonSending(q) || (enclosingFunction(q)?.node === declaringFn && this.methodConsumed(q, fnPath, depth + 1)));
      }
      default:
        return false;
    }
  }

  /** A callback of `.map(...)` (directly in the wrapped function) whose results are consumed there. */
  private isConsumedMapCallback(fn: Path, fnPath: Path): boolean {
    const up = skipWrappersUp(fn);
    const callPath: Path | null = up.parent ?? null;
    const call = callPath?.node;
    if (call?.type !== 'CallExpression' || fieldName(up) !== 'arguments' || call.callee.type !== 'MemberExpression' || call.callee.computed || call.callee.property.name !== 'map') return false;
    return enclosingFunction(callPath!) === fnPath && this.methodConsumed(callPath!, fnPath, 0);
  }

  /** A Method returned from the wrapped function is awaited there; from a callback, only if the callback's result is. */
  private returnConsumed(up: Path, fnPath: Path, depth: number): boolean {
    const owner = enclosingFunction(up);
    // Returned from the wrapped function: an async one gets `return await` inside the wrapper; a
    // sync one would hand the unsent Method to its caller, outside the context.
    if (owner === fnPath || owner?.node === fnPath.node) return !!fnPath.node.async;
    // A callback of `.map(...)`: its results are consumed when the map result is.
    const ownerUp = owner ? skipWrappersUp(owner) : null;
    const callPath: Path | null = ownerUp?.parent ?? null;
    const call = callPath?.node;
    if (call?.type === 'CallExpression' && fieldName(ownerUp!) === 'arguments' && call.callee.type === 'MemberExpression' && !call.callee.computed && call.callee.property.name === 'map') {
      return this.methodConsumed(callPath!, fnPath, depth + 1);
    }
    return false;
  }

  /** The function returns the instance: it is a factory; wire each of its callers in this file. */
  private wireFactoryCallers(fnPath: Path, seen: Set<Node>, rootKey: string): void {
    const fn = fnPath.node;
    if (seen.has(fn)) throw new Blocked('factory-escapes', fn);
    seen.add(fn);
    const binding = factoryBinding(fnPath);
    if (!binding) throw new Blocked('instance-escapes', fn);
    const { name: fname, declScope } = binding;
    const factoryId = `${this.idPath}#${fname}`;
    this.definedFactoryIds.add(factoryId);
    this.requireMigratableIfExported(factoryId, fn, fname);
    const declarationIds = [fn.id, fnPath.parentPath?.node?.id];
    this.wireReferences(fname, 'CallExpression', (q) => !declarationIds.includes(q.node) && q.scope?.lookup(fname) === declScope, factoryId, seen, rootKey);
  }

  /**
   * Every reference to a factory (function or class) in this file must be a call (`new` for a
   * class) inside a function, or an export; each call is then wired by how its result is used.
   */
  private wireReferences(name: string, callType: 'CallExpression' | 'NewExpression', sameBinding: (q: Path) => boolean, factoryId: string, seen: Set<Node>, rootKey: string): void {
    const refs = this.ast
      .identifiersNamed(name)
      .map((n: Node) => this.ast.pathOf(n))
      .filter((q: Path) => isBindingReference(q.node, q.parent?.node, fieldName(q)) && sameBinding(q));
    for (const r of refs) {
      const up = skipWrappersUp(r);
      if (!(up.parentPath?.node.type === callType && up.name === 'callee')) {
        // `export { createApi }` / `module.exports = { createApi }` are exports, checked by the caller.
        if (this.isExportReference(up)) continue;
        throw new Blocked('factory-escapes', r.node, name);
      }
      const callPath = up.parentPath;
      const caller = enclosingFunction(callPath);
      if (!caller || isModuleLevelIife(caller)) throw new Blocked('factory-called-at-module-level', callPath.node, name);
      this.countCallSite(factoryId);
      // Helpers around one factory share its root key: two of them in one function would give one
      // shared instance two sets of data.
      this.wireUsage(callPath, caller, factoryId, seen, rootKey);
    }
  }

  /** A class whose constructor stores the instance on `this`: wire every `new` of it. */
  private wireClassCallers(ctorPath: Path, seen: Set<Node>, rootKey: string): void {
    const classPath = ancestorWithin(ctorPath.parentPath, (n) => n.type === 'ClassDeclaration' || n.type === 'ClassExpression') ?? findClassOf(ctorPath);
    const cls = classPath?.node;
    if (!cls || seen.has(cls)) throw new Blocked('instance-escapes', ctorPath.node);
    seen.add(cls);
    const cname = cls.id?.name ?? (classPath!.parentPath?.node.type === 'VariableDeclarator' ? classPath!.parentPath.node.id.name : null);
    if (!cname) throw new Blocked('instance-escapes', ctorPath.node);
    const factoryId = `${this.idPath}#${cname}`;
    this.definedFactoryIds.add(factoryId);
    this.requireMigratableIfExported(factoryId, cls, cname);
    this.wireReferences(cname, 'NewExpression', (q) => q.node !== cls.id && !!q.scope?.lookup(cname)?.isGlobal, factoryId, seen, rootKey);
  }

  /** An exported factory (one export mechanism: exportNamesOf) must pass requireMigratable. */
  private requireMigratableIfExported(factoryId: string, node: Node, name: string): void {
    const names = this.exportNamesOf(name);
    if (names.includes(UNFOLLOWABLE_EXPORT)) throw new Blocked('factory-escapes', node, `${name} is exported under a name the index cannot follow`);
    if (names.length) this.requireMigratable(factoryId, node, name);
  }

  /** An exported factory may only change when the project index proves every caller can be wired. */
  private requireMigratable(factoryId: string, node: Node, name: string): void {
    const f = this.options.index?.factories[factoryId];
    if (!f) throw new Blocked('cross-file-factory', node, this.options.index ? `${name}: not in the project index` : name);
    if (!f.migratable) throw new Blocked('cross-file-factory', node, `${name}: ${f.reason ?? 'a caller cannot be wired'}`);
  }

  private isExportReference(up: Path): boolean {
    const pn = up.parentPath?.node;
    if (pn?.type === 'ExportSpecifier' || pn?.type === 'ExportDefaultDeclaration') return true;
    for (let p: Path | null = up.parentPath; p; p = p.parentPath) {
      if (p.node.type === 'AssignmentExpression') return isCommonJsExportTarget(p.node.left);
      if (p.node.type !== 'ObjectExpression' && p.node.type !== 'ObjectProperty' && p.node.type !== 'Property') return false;
    }
    return false;
  }

  private countCallSite(factoryId: string): void {
    this.callSitesByFactory[factoryId] = (this.callSitesByFactory[factoryId] ?? 0) + 1;
  }

  /** Local bindings of factories defined in other modules (through the project index). */
  private importedFactoryCalls(): { path: Path; factory: IndexedFactory }[] {
    const index = this.options.index;
    if (!index) return [];
    const abs = path.resolve(this.filePath);
    const direct = new Map<string, IndexedFactory>();
    const namespaces = new Map<string, Record<string, string>>();
    const moduleOf = (spec: string) => resolveSpecifier(index, abs, spec);
    const factoryIdsOf = (target: string) => [...new Set(Object.values(index.exports[target] ?? {}))];
    // A factory module reached in a way the index cannot follow: its callers through it are
    // invisible, so the factories must stay unchanged (blocked through the project fixed point).
    const untraceable = (node: Node, target: string, detail: string) => {
      const ids = factoryIdsOf(target);
      if (ids.length) this.unresolvedFactoryCalls.push({ path: this.ast.pathOf(node), ids, ruleId: 'untraceable-factory-use', detail });
    };
    const followedLoads = new Set<Node>();
    for (const st of this.program.body) {
      // `export * as api from './api'`: the namespace's users elsewhere are not followed.
      if (st.type === 'ExportNamedDeclaration' && st.source && st.exportKind !== 'type') {
        const ns = (st.specifiers ?? []).find((sp: Node) => sp.type === 'ExportNamespaceSpecifier');
        const target = ns ? moduleOf(st.source.value) : null;
        if (ns && target) untraceable(ns, target, 'export * as re-exports the factories under a namespace');
      }
      if (st.type === 'ImportDeclaration' && st.importKind !== 'type') {
        const target = moduleOf(st.source.value);
        if (!target) continue;
        for (const s of st.specifiers ?? []) {
          if (s.type === 'ImportSpecifier' && s.importKind !== 'type') {
            const f = exportedFactory(index, target, importedName(s));
            if (f) direct.set(s.local.name, f);
          } else if (s.type === 'ImportDefaultSpecifier') {
            const f = exportedFactory(index, target, 'default') ?? exportedFactory(index, target, 'module.exports');
            if (f) direct.set(s.local.name, f);
            else if (index.exports[target]) namespaces.set(s.local.name, index.exports[target]);
          } else if (s.type === 'ImportNamespaceSpecifier' && index.exports[target]) {
            namespaces.set(s.local.name, index.exports[target]);
          }
        }
      }
      if (st.type === 'VariableDeclaration') {
        for (const d of st.declarations) {
          const init = unwrapExpression(d.init);
          if (!isRequireCall(init) || init.arguments[0]?.type !== 'StringLiteral') continue;
          followedLoads.add(init);
          const target = moduleOf(init.arguments[0].value);
          if (!target) continue;
          if (d.id.type === 'Identifier') {
            const f = exportedFactory(index, target, 'module.exports');
            if (f) direct.set(d.id.name, f);
            else if (index.exports[target]) namespaces.set(d.id.name, index.exports[target]);
          } else if (d.id.type === 'ObjectPattern') {
            for (const prop of d.id.properties) {
              const key = staticKey(prop);
              const f = key ? exportedFactory(index, target, key) : null;
              if (f && prop.value?.type === 'Identifier') direct.set(prop.value.name, f);
              else if (f || (prop.type === 'RestElement' && factoryIdsOf(target).length)) untraceable(prop, target, 'the factory is taken out of require() in a way that is not followed');
            }
          } else if (factoryIdsOf(target).length) untraceable(d.id, target, 'require() result destructured in a way that is not followed');
        }
      }
    }
    // Framework auto-imports (Nuxt server/utils, unplugin-auto-import) call a factory with no
    // import at all: such a caller is invisible to the index, so it is reported, never guessed.
    const exportedNames = new Map<string, string[]>();
    for (const exp of Object.values(index.exports)) {
      for (const [name, id] of Object.entries(exp)) if (name !== 'default' && name !== 'module.exports') exportedNames.set(name, [...(exportedNames.get(name) ?? []), id]);
    }
    for (const node of this.ast.calls) {
      const callee = node.callee;
      if (callee.type !== 'Identifier' || !exportedNames.has(callee.name)) continue;
      if (this.moduleImports().has(callee.name) || this.declaredAtModuleLevel(callee.name)) continue;
      if (!this.ast.resolvesToModuleScope(callee, callee.name)) continue;
      this.unresolvedFactoryCalls.push({ path: this.ast.pathOf(node), ids: exportedNames.get(callee.name)! });
    }
    // import() and require() anywhere else (inside a function, a conditional...) load the factory
    // module out of the index's sight.
    for (const node of this.ast.calls) {
      if (followedLoads.has(node)) continue;
      const dynamicImport = node.callee.type === 'Import';
      if (!dynamicImport && !isRequireCall(node)) continue;
      const arg = node.arguments[0];
      const target = arg?.type === 'StringLiteral' ? moduleOf(arg.value) : null;
      if (target) untraceable(node, target, dynamicImport ? 'import() of a factory module' : 'require() of a factory module outside a top-level declaration');
    }
    // A namespace (`import * as lib`, a default import or require() of the module object) may only
    // be used as `lib.name`, with factories called right there: anything else hands the factories
    // to code the index does not see.
    for (const [local, exp] of namespaces) {
      const target = Object.keys(index.exports).find((k) => index.exports[k] === exp);
      for (const ref of this.ast.identifiersNamed(local)) {
        const parent = this.ast.parentOf(ref);
        if (!parent) continue;
        if (parent.type === 'ImportNamespaceSpecifier' || parent.type === 'ImportDefaultSpecifier' || parent.type === 'ImportSpecifier') continue;
        if (parent.type === 'VariableDeclarator' && parent.id === ref) continue;
        if (parent.type === 'TSQualifiedName' || parent.type === 'TSTypeQuery' || parent.type === 'TSTypeReference') continue;
        if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === ref && !parent.computed) continue;
        if ((parent.type === 'ObjectProperty' || parent.type === 'ClassProperty') && parent.key === ref && !parent.computed && parent.value !== ref) continue;
        if (!this.ast.resolvesToModuleScope(ref, local)) continue;
        const member = (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.object === ref ? parent : null;
        if (member && !member.computed) {
          const name = member.property.name;
          if (!exp[name]) continue;
          const call = this.ast.parentOf(member);
          if ((call?.type === 'CallExpression' || call?.type === 'NewExpression' || call?.type === 'OptionalCallExpression') && call.callee === member) continue;
          if (target) untraceable(member, target, `${local}.${name} is used without calling it`);
          continue;
        }
        if (target) untraceable(ref, target, `the module object ${local} is used in a way that is not followed`);
      }
    }
    if (!direct.size && !namespaces.size) return [];
    const out: { path: Path; factory: IndexedFactory }[] = [];
    for (const node of [...this.ast.calls, ...this.ast.news]) {
      const callee = unwrapExpression(node.callee);
      let f: IndexedFactory | null = null;
      if (callee.type === 'Identifier' && direct.has(callee.name) && this.ast.resolvesToModuleScope(callee, callee.name)) f = direct.get(callee.name)!;
      if (callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' && namespaces.has(callee.object.name) && this.ast.resolvesToModuleScope(callee.object, callee.object.name)) {
        const id = namespaces.get(callee.object.name)![callee.property.name];
        f = id ? index.factories[id] ?? null : null;
      }
      if (f && (f.kind === 'class') === (node.type === 'NewExpression')) out.push({ path: this.ast.pathOf(node), factory: f });
    }
    out.sort((a, b) => a.path.node.start - b.path.node.start);
    return out;
  }



  /** Plans `runInAlovaContext` around the statement holding `exprPath` and everything after it. */
  private wrapFrom(exprPath: Path, fnPath: Path, storeKey: string, instanceVar: string | null, opts: { needsContinuation?: boolean } = {}): void {
    const fn = fnPath.node;
    if (fn.generator) throw new Blocked('generator-function', exprPath.node);
    if (this.wraps.some((w) => w.fn === fn && w.storeKey === storeKey)) throw new Blocked('multiple-factory-calls', exprPath.node);
    // Walk up to the statement that sits directly in a block of this function.
    let p: Path = exprPath;
    while (p.parentPath && p.parentPath.node !== fn) {
      const parentNode = p.parentPath.node;
      if (LOOP_TYPES.has(parentNode.type)) throw new Blocked('call-in-loop', exprPath.node);
      if (isStatementList(parentNode)) break;
      p = p.parentPath;
    }
    const isAsync = !!fn.async;
    if (p.parentPath?.node === fn) {
      // Arrow function with an expression body: `(req) => createApi(req).Get('/x')`.
      if (!isAsync) throw new Blocked('method-escapes-context', exprPath.node);
      this.wraps.push({ fn, first: p.node, last: p.node, mode: 'expr', isAsync, storeKey, returns: [], anchor: exprPath.node });
      return;
    }
    const stmtPath = p.parentPath!;
    const container = stmtPath.node;
    const list: Node[] = container.type === 'SwitchCase' ? container.consequent : container.body;
    if (!Array.isArray(list)) throw new Blocked('unsupported-statement-position', exprPath.node);
    for (let a = stmtPath; a && a.node !== fn; a = a.parentPath) {
      if (LOOP_TYPES.has(a.node.type)) throw new Blocked('call-in-loop', exprPath.node);
    }
    const first = p.node;
    if (!startsLine(this.text, first.start)) throw new Blocked('unsupported-statement-position', first);
    const rest = list.slice(list.indexOf(first));
    const last = rest[rest.length - 1];
    const isBody = container === fn.body;
    const flow = controlFlow(rest);
    if (flow.crossing || flow.yields) throw new Blocked('control-flow-crosses-wrapper', flow.crossing ?? first);
    if (opts.needsContinuation && !callsContinuation(fn, rest)) {
      throw new Blocked('instance-escapes', exprPath.node, 'stored on a request object, but next()/done() is not called after it in the same function');
    }
    this.checkHoistedDeclarations(fnPath, p, rest, first, last);
    let mode: WrapPlan['mode'] = 'stmt';
    if (flow.returns.length) {
      const endsWithExit = last.type === 'ReturnStatement' || last.type === 'ThrowStatement';
      if (!isBody && !endsWithExit) throw new Blocked('control-flow-crosses-wrapper', flow.returns[0]);
      mode = 'return';
    }
    if (!isAsync) {
      // A synchronous function cannot await: returning anything built from the instance would
      // hand an unsent Method to a caller outside the context.
      for (const r of flow.returns) {
        if (r.argument && (isInside(exprPath.node, r.argument) || (instanceVar && containsIdentifier(r.argument, instanceVar)))) {
          throw new Blocked('method-escapes-context', r);
        }
      }
    }
    // Only returns that mention the instance can hand back an unsent Method; awaiting those keeps
    // the request inside the context. Other returns stay as they are.
    const mentionsInstance = (arg: Node) => isInside(exprPath.node, arg) || (instanceVar !== null && containsIdentifier(arg, instanceVar));
    const toAwait = isAsync ? flow.returns.filter((r) => r.argument && mentionsInstance(r.argument)) : [];
    this.wraps.push({ fn, first, last, mode, isAsync, storeKey, returns: toAwait, anchor: exprPath.node });
  }

  /** True when `exprPath` is already the first thing a `runInAlovaContext(...)` callback does. */
  private isAlreadyWired(fnPath: Path, exprPath: Path): boolean {
    const fn = fnPath.node;
    if (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression') return false;
    const up = skipWrappersUp(fnPath);
    const call = up.parentPath?.node;
    if (call?.type !== 'CallExpression' || fieldName(up) !== 'arguments') return false;
    const callee = unwrapExpression(call.callee);
    if (callee.type !== 'Identifier' || callee.name !== CONTEXT_EXPORTS.run || !this.isOwnContextImport(callee.name)) return false;
    if (fn.body.type !== 'BlockStatement') return true;
    const firstStmt = fn.body.body[0];
    return !!firstStmt && isInside(exprPath.node, firstStmt);
  }

  /** Is `local` imported (or required) from this tool's context module (not a same-named helper of the app)? */
  private isOwnContextImport(local: string): boolean {
    const base = path.basename(this.options.contextModule ?? DEFAULT_CONTEXT_BASENAME);
    const ours = (spec: unknown) => typeof spec === 'string' && path.basename(spec).replace(/\.[cm]?[jt]s$/, '') === base;
    for (const st of this.program.body) {
      if (st.type === 'ImportDeclaration' && st.specifiers?.some((sp: Node) => sp.local?.name === local)) return ours(st.source.value);
      if (st.type === 'VariableDeclaration') {
        for (const d of st.declarations) {
          const init = unwrapExpression(d.init);
          if (isRequireCall(init) && patternNames(d.id).includes(local)) return ours(init.arguments[0]?.value);
        }
      }
    }
    return false;
  }

  /** Names declared in the wrapped statements must not be used outside them (they move into a callback). */
  private checkHoistedDeclarations(fnPath: Path, firstPath: Path, rest: Node[], first: Node, last: Node): void {
    const declared = new Set<string>();
    for (const st of rest) {
      if ((st.type === 'FunctionDeclaration' || st.type === 'ClassDeclaration') && st.id) declared.add(st.id.name);
      if (st.type === 'VariableDeclaration') for (const d of st.declarations) patternNames(d.id).forEach((n) => declared.add(n));
    }
    walkNoFunctions(rest, (n) => {
      if (n.type === 'VariableDeclaration' && n.kind === 'var') for (const d of n.declarations) patternNames(d.id).forEach((x) => declared.add(x));
    });
    if (!declared.size) return;
    // ast-types gives let/const the function's scope, so this is conservative: a same-named
    // binding in a sibling block also counts as a use.
    const restScope = firstPath.scope;
    const outside = collectPaths(fnPath, (n) => n.type === 'Identifier' && declared.has(n.name)).filter(
      (q) => (q.node.start < first.start || q.node.end > last.end) && isBindingReference(q.node, q.parent?.node, fieldName(q)),
    );
    for (const q of outside) {
      if (q.scope?.lookup(q.node.name) === restScope) throw new Blocked('control-flow-crosses-wrapper', q.node, q.node.name);
    }
  }

  /** `node` sits in the block or the catch clause of a `try` statement of `fn`. */
  private insideTry(node: Node, fn: Node): boolean {
    let child = node;
    for (let p = this.ast.parentOf(node); p && p !== fn; child = p, p = this.ast.parentOf(p)) {
      if (isFunction(p)) return false;
      if (p.type === 'TryStatement' && (p.block === child || p.handler === child)) return true;
    }
    return false;
  }

  private planWrapEdits(): void {
    const { eol, indent: unit } = this.style;
    const run = CONTEXT_EXPORTS.run;
    if (this.wraps.length) this.needed.add(run);
    const awaited = new Set<Node>();
    for (const w of this.wraps) {
      const depth = this.wraps.filter((o) => o !== w && o.mode !== 'expr' && o.first.start < w.first.start && w.first.start <= o.last.end).length;
      if (w.mode === 'expr') {
        const body = w.first;
        const { start, end } = exprRange(this.text, body);
        this.edits.push({ start, end, text: `${run}(async () => await ${parenthesize(this.text.slice(start, end), body)})`, order: 5 });
        this.record('wire-call-site', w.anchor);
        continue;
      }
      const ind = indentOfLineAt(this.text, w.first.start);
      const head = `${w.mode === 'return' ? 'return ' : ''}${w.isAsync ? 'await ' : ''}${run}(${w.isAsync ? 'async ' : ''}() => {`;
      this.edits.push({ start: w.first.start, end: w.first.start, text: `${head}${eol}${ind}${unit.repeat(depth + 1)}`, order: depth });
      this.edits.push({ start: w.last.end, end: w.last.end, text: `${eol}${ind}${unit.repeat(depth)}})${this.semi()}`, order: 100 - depth });
      for (const ls of lineStartsIn(this.text, w.first.start, w.last.end)) {
        if (this.inTemplate(ls)) continue;
        if (this.text[ls] === '\n' || this.text[ls] === '\r') continue; // keep blank lines blank
        this.edits.push({ start: ls, end: ls, text: unit, droppable: true, order: -1 });
      }
      // A Method is a lazy thenable: one returned unsent must still be sent inside the context.
      const methodReturns = [...this.methodReturns].filter(([r, fn]) => fn === w.fn && w.isAsync && r.start >= w.first.start && r.end <= w.last.end).map(([r]) => r);
      for (const r of new Set([...w.returns, ...methodReturns])) {
        if (awaited.has(r)) continue;
        awaited.add(r);
        // Inside `try`, `return await m` would let the catch/finally see a rejection (or wait for
        // it) where `return m` did not. The handle already sends m inside its request's store, so
        // the return is left as it is.
        if (this.insideTry(r, w.fn)) continue;
        const arg = r.argument;
        if (!arg || arg.type === 'AwaitExpression' || isStaticValue(arg)) continue;
        const { start, end } = exprRange(this.text, arg);
        if (needsParens(arg)) {
          this.edits.push({ start, end: start, text: 'await (', order: 50 });
          this.edits.push({ start: end, end, text: ')', order: 50 });
        } else {
          this.edits.push({ start, end: start, text: 'await ', order: 50 });
        }
      }
      this.record('wire-call-site', w.anchor);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Text generation helpers
  // ---------------------------------------------------------------------------------------------

  private prologueEdits(fn: Node, names: string[], movedStatements: string[], storeKey: string, baseIndent: string, framework: Node[] | null = null): TextEdit[] {
    const { eol, indent: unit } = this.style;
    const lines: string[] = [];
    const out: TextEdit[] = [];
    if (names.length && framework) {
      lines.push(...framework.map((d) => this.text.slice(d.start, d.end)));
      // `await cookies()` needs an async hook; alova awaits beforeRequest and the responded hooks.
      if (framework.some((d) => containsAwait(d)) && !fn.async) out.push({ start: fn.start, end: fn.start, text: 'async ' });
    } else if (names.length) {
      lines.push(`const { ${names.join(', ')} } = ${CONTEXT_EXPORTS.use}(${this.q(storeKey)})${this.semi()}`);
      this.needed.add(CONTEXT_EXPORTS.use);
    }
    lines.push(...movedStatements);
    const fnIndent = stripPrefix(indentOfLineAt(this.text, fn.start), baseIndent);
    const body = fn.body;
    if (body.type !== 'BlockStatement') {
      // Expression-bodied arrow: becomes a block that returns the same expression.
      const { start, end } = exprRange(this.text, body);
      const inner = fnIndent + unit;
      const text = `{${eol}${lines.map((l) => inner + l).join(eol)}${eol}${inner}return ${this.text.slice(start, end)}${this.semi()}${eol}${fnIndent}}`;
      return [...out, { start, end, text }];
    }
    const open = body.start + 1;
    const firstStmt = body.body[0] ?? null;
    const multiLine = firstStmt ? /\n/.test(this.text.slice(open, firstStmt.start)) : /\n/.test(this.text.slice(open, body.end - 1));
    const at = body.directives?.length ? body.directives[body.directives.length - 1].end : open;
    if (multiLine) {
      const inner = firstStmt ? stripPrefix(indentOfLineAt(this.text, firstStmt.start), baseIndent) : fnIndent + unit;
      return [...out, { start: at, end: at, text: lines.map((l) => eol + inner + l).join(''), order: 1 }];
    }
    return [...out, { start: at, end: at, text: ' ' + lines.join(' '), order: 1 }];
  }

  /**
   * The statement a hook runs for a moved option: from the stored value (`expr` null), or by
   * re-reading the framework's request context (`expr`). alova reads `method.baseURL` and
   * `method.config.timeout` after beforeRequest (shared/alova-facts.md). A Method whose baseURL the
   * code already set, or with its own timeout, keeps it, as it did over the instance option; and
   * `|| ''` is the fallback alova itself applies to a missing baseURL.
   */
  private movedStatement(key: 'baseURL' | 'timeout', method: string, expr: Node | null): string {
    let value = movedKey(key);
    if (expr) {
      const { start, end } = exprRange(this.text, expr);
      value = this.text.slice(start, end);
      if (needsParens(expr)) value = `(${value})`;
    }
    if (key === 'baseURL') {
      const alwaysString = !!expr && (expr.type === 'TemplateLiteral' || expr.type === 'StringLiteral');
      return `if (!${method}.baseURL) ${method}.baseURL = ${value}${alwaysString ? '' : ` || ${this.q('')}`}${this.semi()}`;
    }
    return `if (${method}.config.timeout === undefined) ${method}.config.timeout = ${value}${this.semi()}`;
  }

  /** Deletes one property with its comma, and its whole line(s) when it stands alone on them. */
  private removePropertyEdit(prop: Node): TextEdit {
    const t = this.text;
    let end = prop.end;
    let k = end;
    while (k < t.length && (t[k] === ' ' || t[k] === '\t')) k++;
    if (t[k] === ',') end = k + 1;
    let start = prop.start;
    if (startsLine(t, start)) {
      while (start > 0 && t[start - 1] !== '\n') start--;
      let e = end;
      while (e < t.length && (t[e] === ' ' || t[e] === '\t')) e++;
      if (t[e] === '\r') e++;
      if (t[e] === '\n') end = e + 1;
    } else {
      while (end < t.length && t[end] === ' ') end++;
    }
    return { start, end, text: '' };
  }

  /** Appends new properties before the object's closing brace, in the object's own layout. */
  private appendPropertiesEdit(obj: Node, entries: string[], propIndent: string): TextEdit {
    const t = this.text;
    const props = obj.properties;
    const closing = obj.end - 1;
    if (!props.length) return { start: obj.start + 1, end: closing, text: ` ${entries.join(', ')} ` };
    const last = props[props.length - 1];
    const between = t.slice(last.end, closing);
    const trailingComma = /^\s*,/.test(between);
    const multiLine = /\n/.test(t.slice(obj.start, obj.end));
    const at = trailingComma ? last.end + between.indexOf(',') + 1 : last.end;
    if (!multiLine) return { start: at, end: at, text: `${trailingComma ? '' : ','} ${entries.join(', ')}${trailingComma ? ',' : ''}` };
    const { eol } = this.style;
    // Inserted text is not touched by the dedent pass, so it uses the hoisted (top-level) indent.
    const lines = entries.map((e, i) => `${eol}${propIndent}${e}${i < entries.length - 1 || trailingComma ? ',' : ''}`);
    return { start: at, end: at, text: `${trailingComma ? '' : ','}${lines.join('')}`, order: 2 };
  }

  private dedentEdits(start: number, end: number, baseIndent: string): TextEdit[] {
    if (!baseIndent) return [];
    const out: TextEdit[] = [];
    for (const ls of lineStartsIn(this.text, start, end)) {
      if (this.inTemplate(ls)) continue;
      if (this.text.startsWith(baseIndent, ls)) out.push({ start: ls, end: ls + baseIndent.length, text: '', droppable: true });
    }
    return out;
  }



  /** Where the hoisted instance goes: above the top-level statement holding the factory, after its eager dependencies. */
  private hoistPoint(fnPath: Path, cfg: Node): number {
    let top: Path = fnPath;
    while (top.parentPath && top.parentPath.node.type !== 'Program') top = top.parentPath;
    const body: Node[] = this.program.body;
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
      const d = declarationOf(prev);
      if (d?.type !== 'TSDeclareFunction' || fnName(prev) !== implName) break;
      topNode = prev;
    }
    // Comments directly above the statement (a JSDoc) stay with it: the instance goes above them.
    const prevEnd = body.filter((st) => st.end <= topNode.start).reduce((m: number, st: Node) => Math.max(m, st.end), 0);
    const leading = (this.comments ?? []).filter((c: Node) => c.start >= prevEnd && c.end <= topNode.start);
    let at = Math.min(topNode.start, ...leading.map((c: Node) => c.start));
    const origAt = at;
    // Module-level names the options read eagerly must be initialised before the instance.
    const eagerNames = new Set<string>();
    walkEager(cfg, (n) => n.type === 'Identifier' && eagerNames.add(n.name));
    // What a module-level declaration runs or reads when the options use it (`responded:
    // jsonResponder()`, `Responder.create()`, `helpers.make()`, a getter, `Cache.Short`) counts
    // too, transitively. Conservative: every name in its body or initialiser counts, even in
    // nested closures.
    const moduleDecls = new Map<string, Node>();
    const valueNames = new Set<string>();
    for (const st of body) {
      const decl = declarationOf(st);
      if (!decl) continue;
      if (['FunctionDeclaration', 'ClassDeclaration', 'TSEnumDeclaration', 'TSModuleDeclaration'].includes(decl.type) && decl.id?.type === 'Identifier') {
        moduleDecls.set(decl.id.name, decl);
        if (decl.type !== 'FunctionDeclaration') valueNames.add(decl.id.name);
      }
      if (decl.type === 'VariableDeclaration') {
        for (const d of decl.declarations) {
          for (const n of patternNames(d.id)) valueNames.add(n);
          if (d.id.type === 'Identifier' && d.init) moduleDecls.set(d.id.name, d.init);
        }
      }
    }
    const pending = [...eagerNames].filter((n) => moduleDecls.has(n));
    const followed = new Set<string>();
    while (pending.length) {
      const name = pending.pop()!;
      if (followed.has(name)) continue;
      followed.add(name);
      walkNoFunctions(
        [moduleDecls.get(name)!],
        (n) => {
          if (n.type !== 'Identifier' || eagerNames.has(n.name)) return;
          eagerNames.add(n.name);
          if (moduleDecls.has(n.name)) pending.push(n.name);
        },
        true,
      );
    }
    for (const st of body) {
      if (st.start < at) continue;
      const decl = declarationOf(st);
      if (!decl) continue;
      const names =
        decl.type === 'VariableDeclaration'
          ? decl.declarations.flatMap((d: Node) => patternNames(d.id))
          : ['ClassDeclaration', 'TSEnumDeclaration', 'TSModuleDeclaration'].includes(decl.type) && decl.id?.type === 'Identifier'
            ? [decl.id.name]
            : [];
      if (names.some((n: string) => eagerNames.has(n))) at = nextLineStart(this.text, st.end);
    }
    // Moving the instance below module-level code that runs at load is refused: that code may reach
    // the factory (which now needs the instance) before the instance exists.
    if (at > origAt) {
      for (const st of body) {
        if (st.start < origAt || st.end > at) continue;
        let runs: string | null = null;
        walkNoFunctions([st], (n) => {
          if (runs || (n.type !== 'CallExpression' && n.type !== 'NewExpression' && n.type !== 'TaggedTemplateExpression')) return;
          let root = unwrapExpression(n.type === 'TaggedTemplateExpression' ? n.tag : n.callee);
          while (root && (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression')) root = unwrapExpression(root.object);
          if (root?.type === 'Identifier' && moduleDecls.has(root.name)) runs = root.name;
        });
        if (runs) throw new Blocked('hoist-order', st, `${runs}(...) runs when the module loads, before the shared instance could be declared`);
      }
    }
    // Module state the options read must not change after the instance is created: the factory
    // used to read it per request, after the whole module had run (`registry.set(...)` below).
    for (const st of body) {
      if (st.start < at || st.type !== 'ExpressionStatement') continue;
      let touched: string | null = null;
      walkNoFunctions([st], (n) => {
        if (!touched && n.type === 'Identifier' && valueNames.has(n.name) && eagerNames.has(n.name)) touched = n.name;
      });
      if (touched) throw new Blocked('hoist-order', st, `${touched} is changed after the point where the shared instance would read it`);
    }
    while (at > 0 && this.text[at - 1] !== '\n') at--;
    return at;
  }

  private planImport(): void {
    if (!this.needed.size) return;
    // Names already imported from our own context module (an earlier run) are reused.
    const names = Object.values(CONTEXT_EXPORTS).filter((n) => this.needed.has(n) && !this.isOwnContextImport(n));
    if (!names.length) return;
    for (const n of names) {
      if (new RegExp(`\\b${n}\\b`).test(this.text)) throw new Blocked('name-conflict', this.program, n);
    }
    const spec = this.contextSpecifier();
    const existing = this.program.body.find(
      (st: Node) => st.type === 'ImportDeclaration' && st.importKind !== 'type' && st.specifiers?.some((sp: Node) => sp.type === 'ImportSpecifier') && this.isOwnContextImport(st.specifiers[0].local.name),
    );
    if (existing) {
      const lastSpec = existing.specifiers[existing.specifiers.length - 1];
      this.edits.push({ start: lastSpec.end, end: lastSpec.end, text: names.map((n) => `, ${n}`).join(''), order: -20 });
      this.records.push(this.editRecord('add-context-import', lastSpec.end, lastSpec.end, spec));
      return;
    }
    const { eol } = this.style;
    const semi = this.semi();
    const body: Node[] = this.program.body;
    const imports = body.filter((s) => s.type === 'ImportDeclaration');
    const flavor = this.flavor();
    let text: string;
    let at: number;
    if (flavor === 'cjs') {
      const requires = body.filter((s) => s.type === 'VariableDeclaration' && s.declarations.some((d: Node) => isRequireCall(unwrapExpression(d.init))));
      text = `const { ${names.join(', ')} } = require(${this.q(spec)})${semi}`;
      const lastReq = requires[requires.length - 1];
      at = lastReq ? lastReq.end : this.programStart();
      text = lastReq ? eol + text : text + eol;
    } else {
      text = `import { ${names.join(', ')} } from ${this.q(spec)}${semi}`;
      const lastImport = imports[imports.length - 1];
      at = lastImport ? lastImport.end : this.programStart();
      text = lastImport ? eol + text : text + eol;
    }
    this.edits.push({ start: at, end: at, text, order: -20 });
    this.records.push(this.editRecord('add-context-import', at, at, spec));
  }

  private programStart(): number {
    const dirs = this.program.directives ?? [];
    if (dirs.length) return nextLineStart(this.text, dirs[dirs.length - 1].end);
    if (this.text.startsWith('#!')) return nextLineStart(this.text, 0);
    return 0;
  }

  private flavor(): ContextFlavor | null {
    if (!this.needed.size) return null;
    const ext = path.extname(this.filePath).toLowerCase();
    if (['.ts', '.tsx', '.mts', '.cts'].includes(ext)) return 'ts';
    if (ext === '.cjs') return 'cjs';
    if (ext === '.mjs') return 'mjs';
    const esm = this.program.body.some((s: Node) => s.type === 'ImportDeclaration' || s.type.startsWith('Export'));
    return esm ? 'mjs' : 'cjs';
  }

  private contextSpecifier(): string {
    const flavor = this.flavor()!;
    const abs = path.resolve(this.options.root ?? process.cwd(), this.filePath);
    const target = this.options.contextModule ?? path.join(path.dirname(abs), DEFAULT_CONTEXT_BASENAME);
    let rel = toPosix(path.relative(path.dirname(abs), target));
    if (!rel.startsWith('.')) rel = './' + rel;
    if (flavor !== 'ts') return rel + contextModuleExtension(flavor);
    // TypeScript: follow the file's own convention for relative imports (NodeNext wants `.js`).
    const relative = this.program.body.filter((s: Node) => s.type === 'ImportDeclaration' && /^\.\.?\//.test(s.source.value));
    // .mts/.cts files are always resolved the Node way: the import needs an extension (.js maps to .ts).
    if (/\.[cm]ts$/i.test(this.filePath)) return rel + '.js';
    if (!relative.length) return rel + (this.options.tsImportSuffix ?? '');
    return relative.some((s: Node) => /\.(m?js)$/.test(s.source.value)) ? rel + '.js' : rel;
  }

  private alovaMajor(cfg: Node): 2 | 3 {
    const keys = new Set(cfg.properties.map((p: Node) => staticKey(p)));
    if (keys.has('localCache') || keys.has('storageAdapter') || /from\s+['"]alova\/GlobalFetch['"]|require\(\s*['"]alova\/GlobalFetch/.test(this.text)) return 2;
    if (keys.has('cacheFor') || keys.has('l1Cache') || keys.has('l2Cache') || /['"]alova\/(fetch|client|server)['"]/.test(this.text)) return 3;
    return this.options.alovaMajor ?? 3;
  }

  private baseName(callPath: Path, fnPath: Path): string {
    const b = factoryBinding(fnPath);
    const parent = skipWrappersUp(callPath).parentPath?.node;
    let base = 'alova';
    const cls = fnPath.node.kind === 'constructor' ? findClassOf(fnPath) : null;
    if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') base = parent.id.name;
    else if (b) base = b.name.replace(/^(create|make|build|get|new|init)(?=[A-Z_])/, '');
    else if (cls?.node.id) base = cls.node.id.name;
    base = base.charAt(0).toLowerCase() + base.slice(1);
    if (!/alova/i.test(base)) base += 'Alova';
    return base;
  }

  private uniqueName(base: string): string {
    let n = base;
    for (let i = 2; new RegExp(`\\b${n}\\b`).test(this.text) || this.usedNames.has(n); i++) n = `${base}${i}`;
    this.usedNames.add(n);
    return n;
  }

  private collectTemplateRanges(): void {
    for (const t of this.ast.templates) this.templateRanges.push([t.start, t.end]);
  }

  private inTemplate(offset: number): boolean {
    return this.templateRanges.some(([s, e]) => offset > s && offset < e);
  }

  private q(s: string): string {
    return quoteString(s, this.style);
  }

  private semi(): string {
    return this.style.semi ? ';' : '';
  }

  // ---------------------------------------------------------------------------------------------
  // Records
  // ---------------------------------------------------------------------------------------------

  private record(ruleId: RuleId, node: Node, detail?: string): void {
    this.records.push(this.editRecord(ruleId, node.start, node.end, detail));
  }

  private editRecord(ruleId: RuleId, start: number, end: number, detail?: string): EditRecord {
    this.recordOffsets.push([start, end]);
    const s = positionAt(this.text, start);
    const e = positionAt(this.text, end);
    const meta = rules[ruleId];
    return {
      ruleId,
      file: this.displayPath,
      line: s.line,
      col: s.col,
      endLine: e.line,
      endCol: e.col,
      message: detail ? `${meta.description} (${detail})` : meta.description,
      docs: ruleDocsUrl(ruleId),
    };
  }

  item(ruleId: RuleId, node: Node, detail?: string): ReviewItem {
    const meta = rules[ruleId] as (typeof rules)[RuleId] & { hint?: string };
    const pos = positionAt(this.text, node?.start ?? 0);
    return {
      ruleId,
      kind: meta.kind === 'edit' || meta.kind === 'file' ? 'manual-review' : meta.kind,
      severity: meta.severity,
      file: this.displayPath,
      line: pos.line,
      col: pos.col,
      message: detail ? `${meta.description} (${detail})` : meta.description,
      excerpt: lineExcerpt(this.text, pos.line),
      hint: meta.hint ?? '',
      docs: ruleDocsUrl(ruleId),
    };
  }
}

// -------------------------------------------------------------------------------------------------
// Pure helpers
// -------------------------------------------------------------------------------------------------

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function importedName(spec: Node): string {
  return spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value;
}

function isRequireCall(n: Node): boolean {
  return !!n && n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'require';
}

function isRequireOf(n: Node, mod: string): boolean {
  return isRequireCall(n) && n.arguments.length === 1 && (n.arguments[0].type === 'StringLiteral' || n.arguments[0].type === 'Literal') && n.arguments[0].value === mod;
}


/** Inside a (non-static) class field initialiser, outside any function. */
function inClassField(callPath: Path): boolean {
  for (let p: Path | null = callPath.parentPath; p; p = p.parentPath) {
    const n = p.node;
    if (isFunction(n)) return false;
    if ((n.type === 'ClassProperty' || n.type === 'ClassPrivateProperty' || n.type === 'PropertyDefinition') && !n.static) return true;
  }
  return false;
}

/** Evaluated inside a function that is not a module-level IIFE: i.e. per call, not once. */
function isPerRequest(callPath: Path): boolean {
  const fn = enclosingFunction(callPath);
  if (!fn) return false;
  return !isModuleLevelIife(fn);
}

function isModuleLevelIife(fnPath: Path): boolean {
  const up = skipWrappersUp(fnPath);
  const parent = up.parentPath?.node;
  if (parent?.type !== 'CallExpression' || up.name !== 'callee') return false;
  return enclosingFunction(up.parentPath) === null;
}


/** Descends through wrapper nodes from `p` to the path of `target`. */
function findPathOf(p: Path, target: Node): Path {
  let q = p;
  while (q.node !== target && q.node && 'expression' in q.node) q = q.get('expression');
  return q;
}


function insideNonArrowFunction(q: Path, stop: Node): boolean {
  for (let p = q.parentPath; p && p.node !== stop; p = p.parentPath) {
    if (isFunction(p.node) && p.node.type !== 'ArrowFunctionExpression') return true;
  }
  return false;
}

/** The nearest ancestor (or self) passing `test`, not looking past the nearest function. */
function ancestorWithin(p: Path, test: (n: Node) => boolean): Path | null {
  for (let q: Path | null = p; q; q = q.parentPath) {
    if (test(q.node)) return q;
    if (isFunction(q.node)) return null;
  }
  return null;
}

/** The field a path sits in (`arguments` for an argument, not its index). */
function fieldName(p: Path): string {
  return typeof p.name === 'number' ? (p.parentPath?.name as string) : (p.name as string);
}

function stripPrefix(s: string, prefix: string): string {
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

function nextLineStart(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i + 1;
}


function containsIdentifier(node: Node, name: string): boolean {
  let found = false;
  walkNoFunctions([node], (n) => {
    if (n.type === 'Identifier' && n.name === name) found = true;
  }, true);
  return found;
}

/** Visits nodes without entering nested functions (unless `enterFunctions`). */
function walkNoFunctions(nodes: Node[], visit: (n: Node) => void, enterFunctions = false): void {
  const rec = (n: Node) => {
    if (!n || typeof n.type !== 'string') return;
    visit(n);
    if (!enterFunctions && isFunction(n)) return;
    forEachChildNode(n, rec);
  };
  nodes.forEach(rec);
}

/** The parts of the options object evaluated when createAlova runs (outside any function). */
function walkEager(cfg: Node, visit: (n: Node) => void): void {
  walkNoFunctions([cfg], (n) => {
    if (!isFunction(n)) visit(n);
  });
}

/** A node whose children include a list of statements (where a wrapper can enclose a run of them). */
function isStatementList(parent: Node): boolean {
  return parent.type === 'BlockStatement' || parent.type === 'Program' || parent.type === 'StaticBlock' || parent.type === 'SwitchCase';
}

interface Flow {
  returns: Node[];
  crossing: Node | null;
  yields: boolean;
}

/** Returns, and break/continue/labels that would jump out of the wrapped statements. */
function controlFlow(rest: Node[]): Flow {
  const flow: Flow = { returns: [], crossing: null, yields: false };
  const rec = (n: Node, loops: number, switches: number, labels: string[]) => {
    if (!n || typeof n.type !== 'string') return;
    if (isFunction(n) || n.type === 'ClassBody') return;
    switch (n.type) {
      case 'ReturnStatement':
        flow.returns.push(n);
        break;
      case 'YieldExpression':
        flow.yields = true;
        break;
      case 'BreakStatement':
        if (n.label ? !labels.includes(n.label.name) : loops + switches === 0) flow.crossing ??= n;
        break;
      case 'ContinueStatement':
        if (n.label ? !labels.includes(n.label.name) : loops === 0) flow.crossing ??= n;
        break;
    }
    const isLoop = LOOP_TYPES.has(n.type);
    const isSwitch = n.type === 'SwitchStatement';
    const nextLabels = n.type === 'LabeledStatement' ? [...labels, n.label.name] : labels;
    forEachChildNode(n, (c) => rec(c, loops + (isLoop ? 1 : 0), switches + (isSwitch ? 1 : 0), nextLabels));
  };
  for (const st of rest) rec(st, 0, 0, []);
  return flow;
}

/** The name and declaring scope of a factory function, and whether it is exported in place. */
interface FactoryBinding {
  name: string;
  /** The ast-types scope that declares the name (computed on first use: it scans that scope). */
  readonly declScope: Node;
  /** Declared at module level. */
  topLevel: boolean;
}

/** The name and declaring scope of a factory function, and whether it is exported in place. */
function factoryBinding(fnPath: Path): FactoryBinding | null {
  const fn = fnPath.node;
  const lazyScope = (p: Path, name: string) => {
    let cached: Node | undefined;
    return () => (cached ??= p.scope.lookup(name));
  };
  const isModuleLevel = (t: string | undefined) => t === 'Program' || t === 'ExportNamedDeclaration' || t === 'ExportDefaultDeclaration';
  if (fn.type === 'FunctionDeclaration' && fn.id) {
    // `.parent` is the parent node's path (array slots such as `body` are skipped).
    const parentType = fnPath.parent?.node.type;
    const scope = lazyScope(fnPath.parent, fn.id.name);
    return {
      name: fn.id.name,
      get declScope() {
        return scope();
      },
      topLevel: isModuleLevel(parentType),
    };
  }
  const up = skipWrappersUp(fnPath);
  const declarator = up.parent?.node;
  if (declarator?.type === 'VariableDeclarator' && declarator.id.type === 'Identifier' && up.name === 'init') {
    const declaration = up.parent.parent;
    if (declaration?.node.kind !== 'const') return null;
    const scope = lazyScope(up.parent, declarator.id.name);
    const outer = declaration.parent?.node.type;
    return {
      name: declarator.id.name,
      get declScope() {
        return scope();
      },
      topLevel: isModuleLevel(outer),
    };
  }
  return null;
}

function containsAwait(node: Node): boolean {
  let found = false;
  walkNoFunctions([node], (n) => {
    if (n.type === 'AwaitExpression') found = true;
  });
  return found;
}

/** `Promise.all/allSettled/race/any(...)`: sends every thenable it is given. */
function isPromiseCombinator(n: Node): boolean {
  return (
    n?.type === 'CallExpression' &&
    n.callee.type === 'MemberExpression' &&
    !n.callee.computed &&
    n.callee.object.type === 'Identifier' &&
    n.callee.object.name === 'Promise' &&
    ['all', 'allSettled', 'race', 'any'].includes(n.callee.property.name)
  );
}

/** A literal (or a template with no substitutions): its value cannot change after load. */
function isLiteralValue(n: Node): boolean {
  if (['StringLiteral', 'NumericLiteral', 'BooleanLiteral', 'NullLiteral'].includes(n.type)) return true;
  if (n.type === 'TemplateLiteral') return n.expressions.length === 0;
  return n.type === 'UnaryExpression' && n.operator === '-' && n.argument.type === 'NumericLiteral';
}

/** Reading it has no effect: no calls, `new`, await, assignments or tagged templates. */
function isPureRead(n: Node): boolean {
  let pure = true;
  walkNoFunctions([n], (x) => {
    if (['CallExpression', 'OptionalCallExpression', 'NewExpression', 'AwaitExpression', 'YieldExpression', 'AssignmentExpression', 'UpdateExpression', 'TaggedTemplateExpression'].includes(x.type)) pure = false;
  });
  return pure;
}

/** The expression holds the binding itself as a value (not merely a call of it inside a function body). */
function holdsValue(node: Node, name: string): boolean {
  let found = false;
  walkNoFunctions([node], (n) => {
    if (n.type === 'Identifier' && n.name === name) found = true;
  });
  return found;
}

/** Marks an export whose name callers cannot be matched by (`exports[k] = f`, `exports.api = { f }`). */
const UNFOLLOWABLE_EXPORT = '<unfollowable>';

/** The context key under which the factory stores a moved option's value. */
function movedKey(key: 'baseURL' | 'timeout'): string {
  return `$${key}`;
}

function isThisMember(n: Node): boolean {
  return !!n && n.type === 'MemberExpression' && n.object.type === 'ThisExpression';
}

function isModuleExports(n: Node): boolean {
  return n?.type === 'MemberExpression' && n.object.type === 'Identifier' && n.object.name === 'module' && staticKey({ key: n.property, computed: n.computed }) === 'exports';
}

/** The class a constructor belongs to. */
function findClassOf(ctorPath: Path): Path | null {
  for (let p: Path | null = ctorPath.parentPath; p; p = p.parentPath) {
    if (p.node.type === 'ClassDeclaration' || p.node.type === 'ClassExpression') return p;
  }
  return null;
}

/**
 * The wrapped statements call the function's continuation (`next()` in Express/Connect/Koa,
 * `done()` in Fastify hooks) directly, so everything downstream runs inside the context.
 */
function callsContinuation(fn: Node, rest: Node[]): boolean {
  const params: Node[] = fn.params ?? [];
  const names = new Set(params.filter((p) => p.type === 'Identifier' && (p.name === 'next' || p.name === 'done' || p.name === 'cb')).map((p) => p.name));
  const last = params[params.length - 1];
  if (params.length >= 3 && last?.type === 'Identifier') names.add(last.name);
  if (!names.size) return false;
  let found = false;
  walkNoFunctions(rest, (n) => {
    if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && names.has(n.callee.name)) found = true;
  });
  return found;
}


function isCommonJsExportTarget(left: Node): boolean {
  const l = unwrapExpression(left);
  if (l.type !== 'MemberExpression') return false;
  const o = l.object;
  if (o.type === 'Identifier' && (o.name === 'exports' || o.name === 'module')) return true;
  return o.type === 'MemberExpression' && o.object.type === 'Identifier' && o.object.name === 'module' && staticKey({ key: o.property, computed: o.computed }) === 'exports';
}

/** Source range of an expression including its own parentheses. */
function exprRange(text: string, node: Node): { start: number; end: number } {
  if (node.extra?.parenthesized && typeof node.extra.parenStart === 'number') {
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
  return { start: node.start, end: node.end };
}

/** A value that can never be a Method (no need to await it). */
function isStaticValue(n: Node): boolean {
  if (['StringLiteral', 'NumericLiteral', 'BooleanLiteral', 'NullLiteral', 'Literal', 'BigIntLiteral'].includes(n.type)) return true;
  return n.type === 'Identifier' && n.name === 'undefined';
}

/** `await x ? a : b` would bind await to x only: such arguments need parentheses. */
function needsParens(n: Node): boolean {
  if (n.extra?.parenthesized) return false;
  return !['CallExpression', 'MemberExpression', 'OptionalCallExpression', 'OptionalMemberExpression', 'Identifier', 'NewExpression', 'ThisExpression', 'TemplateLiteral', 'TaggedTemplateExpression', 'ObjectExpression', 'ArrayExpression'].includes(n.type);
}

function parenthesize(src: string, n: Node): string {
  return needsParens(n) && !src.startsWith('(') ? `(${src})` : src;
}

/** What jscodeshift passes a transform; typed here so our types do not need jscodeshift's. */
export interface TransformFileInfo {
  path: string;
  source: string;
}
export interface TransformApi {
  report(message: string): void;
}

/**
 * jscodeshift entry point: `jscodeshift -t dist/cjs/transforms/ssr-singleton.js src/`. The
 * transform parses with @babel/parser itself (see lib/parsers.ts), so it needs nothing from `api`
 * but `report`, and jscodeshift is only needed by whoever runs it this way.
 */
export default function transformer(file: TransformFileInfo, api: TransformApi, options: MigrateOptions & Record<string, unknown>): string | null {
  const result = migrateSource(file.source, file.path, options);
  for (const it of result.items) api.report(`${it.file}:${it.line}:${it.col} ${it.ruleId} ${it.message}`);
  return result.output;
}
