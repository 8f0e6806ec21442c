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
 *
 * The factory is the unit. Its body still runs per call, exactly as before (same evaluation
 * order, same side effects); it records the values the hooks read and returns a request-bound
 * handle (provideAlovaContext) instead of a new instance. Every Method made from the handle is sent
 * inside that call's own store, so callers, in this file or any other, stay exactly as written and
 * the factory's signature and return API do not change. See shared/alova-facts.md for why
 * isolation is not optional.
 *
 * Default export follows the jscodeshift contract `(file, api, options)`, so
 * `jscodeshift -t dist/transforms/ssr-singleton.js` runs it too; `migrateSource` is the same logic
 * returning records, used by the CLI.
 *
 * Conservative by design: whenever a factory cannot be moved faithfully, that factory is left
 * unchanged and a manual-review record says why, for every reason found, at the place it stands.
 * The other factories of the file still migrate. Wrong output is worse than no output.
 */
import path from 'node:path';
import { NodePath } from 'ast-types';
import {
  type Node,
  type Path,
  collectPaths,
  ancestorWithin,
  containsAwait,
  declarationOf,
  exprRange,
  fieldName,
  findClassOf,
  findPathOf,
  importedName,
  insideNonArrowFunction,
  isLiteralValue,
  isPureRead,
  isRequireCall,
  isRequireOf,
  needsParens,
  walkEager,
  walkNoFunctions,
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
import { type RuleId, itemKindOf, rules, ruleMessage } from './lib/rules.js';
import { type EditFinding, type Finding, type ItemFinding, type LeftAloneFinding, shiftFindings } from './lib/findings.js';
import { factoryId, idPathOf, toPosix } from './lib/factory-id.js';
import { positionAt } from './lib/positions.js';
import { type CodeStyle, detectStyle, quoteString } from './lib/style.js';
import { type TextEdit, EditConflictError, applyEdits, applyEditsDetailed, indentOfLineAt, lineStartsIn, mapOffset, startsLine } from './lib/text-edits.js';
import { parseFile } from './lib/parsers.js';
import type { ContextTarget } from './lib/context-target.js';
import { type ProjectFacts, type Verdict, NO_PROJECT_FACTS, classifyFactory, fileLeftAlone, fileSignalsOf } from './lib/classify.js';
import { AstIndex } from './lib/ast-index.js';

export { rules, patternNames };
export const name = 'ssr-singleton';
export const ruleIds = Object.keys(rules) as RuleId[];

export type CacheMode = 'request' | 'off' | 'shared';

export interface MigrateOptions {
  /** Isolation of alova's cache on the shared instance (default `request`). */
  cache?: CacheMode;
  /** Absolute path of the context module WITHOUT extension (default: `<file dir>/alova-request-context`). */
  contextModule?: string;
  /**
   * Per file (absolute path): the module its package imports, decided by the CLI for the whole
   * project (src/context-placement.ts), or why the file cannot import one. Wins over `contextModule`.
   */
  contextModules?: Record<string, ContextTarget>;
  /** Project root: ids and record paths are relative to it (default: cwd). */
  root?: string;
  /** Path written into records (default: `file` relative to `root`, POSIX). */
  displayPath?: string;
  /** alova major version when the code gives no hint (default 3). */
  alovaMajor?: 2 | 3;
  /** Suffix for the context-module import in a TS file with no relative import to copy (`.js` under NodeNext). */
  tsImportSuffix?: '' | '.js';
  /** The installed alova version, when known (3.0.0 - 3.0.2 read baseURL before beforeRequest). */
  alovaVersion?: string;
  /** Project facts for the classifier (package.json, server callers found by the index); missing keys default to none. */
  project?: Partial<ProjectFacts>;
}

export interface MigrateResult {
  /** The migrated text, or null when the file is left unchanged. */
  output: string | null;
  /** Edits, review items and left-alone factories, with offsets into the input (src/findings.ts makes records of them). */
  findings: Finding[];
  factoriesMigrated: number;
  /** The context module flavour this file imports (the CLI generates it), or null. */
  contextFlavor: ContextFlavor | null;
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

/** A reason a factory (or, for the import and overlapping edits, the file) stays unchanged. */
class Blocked extends Error {
  constructor(
    readonly ruleId: RuleId,
    readonly node: Node,
    readonly detail?: string,
  ) {
    super(ruleId);
  }
}

/** Thrown to abandon one factory after every reason against it has been collected. */
class FactoryBlocked extends Error {}

/**
 * The options a preset's caller may pass per call (`createServerAlova(options)` spreading
 * `...options`): alova reads them per request through the Method API and the hooks, so the shared
 * instance dispatches them from the handle's data. Every other key is an instance setting that one
 * shared instance cannot vary per call, and the migrated factory throws when a caller passes one:
 * requestAdapter and statesHook (the instance's transport and UI binding), id (the cache and share
 * namespace), l1Cache/l2Cache/storageAdapter and cacheFor/localCache (the request-scoped cache the
 * migration installs, and caching that would cross users), shareRequest (must stay off, see
 * shared/alova-facts.md), snapshots, cacheLogger, and any key alova adds later.
 */
const PRESET_PER_CALL_KEYS = ['baseURL', 'timeout', 'beforeRequest', 'responded'];
/** The handle's data key that holds a preset's per-call options (like `$baseURL`, not a JS name a factory would use). */
const PRESET_OPTIONS_KEY = '$options';

const MATCHER_APIS = /\b(invalidateCache|setCache|queryCache|hitCacheBySource|useFetcher|matchSnapshot|hitSource)\b|\.snapshots\.match\b/;

function unchangedResult(findings: Finding[] = []): MigrateResult {
  return { output: null, findings, factoriesMigrated: 0, contextFlavor: null };
}

export function migrate(source: string, filePath: string, options: MigrateOptions = {}): MigrateResult {
  // The transform only acts on createAlova calls: a file that does not mention it is never parsed
  // (this is what makes plain `jscodeshift -t` runs cheap too).
  if (!source.includes('createAlova')) return unchangedResult();
  const hasBom = source.charCodeAt(0) === 0xfeff;
  const text = hasBom ? source.slice(1) : source;
  const m = new FileMigration(text, filePath, options);
  const result = m.run();
  if (hasBom) {
    // The transform saw the text without its BOM: offsets and output are of the file as it is.
    if (result.output !== null) result.output = '\uFEFF' + result.output;
    shiftFindings(result.findings, 1);
  }
  return result;
}

interface Capture {
  name: string;
  refs: Path[];
}

/** alova's request methods and the position of their config argument (alova 2 and 3). */
const METHOD_CONFIG_ARGUMENT: Record<string, number> = { Request: 0, Get: 1, Head: 1, Options: 1, Post: 2, Put: 2, Patch: 2, Delete: 2 };

/** A Method's own `shareRequest` that is not a literal `false` overrides the instance's `false`. */
function asksToShare(value: Node): boolean {
  return !(value.type === 'BooleanLiteral' && value.value === false);
}

/**
 * A Method's own alova 2 `localCache` that may cache: alova 2 keeps it in one table keyed by the
 * instance id. `null`/`0` cache nothing, and a function is a cache the user controls (alova calls
 * it instead of reading the table), so neither is reported.
 */
function cachesByInstanceId(value: Node): boolean {
  if (value.type === 'NullLiteral' || (value.type === 'NumericLiteral' && value.value === 0)) return false;
  return value.type !== 'ArrowFunctionExpression' && value.type !== 'FunctionExpression';
}

class FileMigration {
  private program!: Node;
  private style!: CodeStyle;
  private edits: TextEdit[] = [];
  private records: EditFinding[] = [];
  private items: ItemFinding[] = [];
  /** Reasons against the factory being migrated (collected, so that one run lists them all). */
  private blockers: Blocked[] = [];
  /** The factory's `this`, recorded for arrow hooks that read it (the name the hooks use). */
  private selfCapture: { name: string; refs: Node[] } | null = null;
  private hoisted: { at: number; text: string; callStart: number; callEnd: number }[] = [];
  private usedNames = new Set<string>();
  private needed = new Set<string>();
  private templateRanges: [number, number][] = [];
  private factoriesMigrated = 0;
  private ast!: AstIndex;
  private comments: Node[] = [];
  private createAlovaCache: Path[] | null = null;
  /** Path relative to the project root: the stable part of every generated instance id. */
  private readonly idPath: string;
  private readonly cache: CacheMode;

  constructor(
    private readonly text: string,
    private readonly filePath: string,
    private readonly options: MigrateOptions,
  ) {
    this.idPath = idPathOf(options.root ?? process.cwd(), filePath);
    this.cache = options.cache ?? 'request';
  }

  run(): MigrateResult {
    this.parse();
    const calls = this.findCreateAlovaCalls();
    // --- classification hook (transforms/lib/classify.ts) ---------------------------------------
    // Only per-request server code is migrated. What is left alone gets no change and no blocking
    // item, only a left-alone record (counted in the summary) and, for universal code, advice.
    const classified = this.classifyFactories(calls.filter((p) => isPerRequest(p) || inClassField(p)));
    if (classified.wholeFile) return unchangedResult([...classified.items, ...classified.leftAlone]);
    const perRequest = calls.filter((p) => isPerRequest(p) && classified.migrate.has(p.node));
    // A class field initialiser runs once per object (`new C()` per request): not module level.
    const classFields = calls.filter((p) => !isPerRequest(p) && inClassField(p) && classified.migrate.has(p.node));
    const unsafe = calls.filter((p) => !isPerRequest(p) && !inClassField(p)).map((p) => ({ path: p, problems: this.singletonProblems(p) })).filter((u) => u.problems.length);
    // Reported whatever else happens to the file (the code is left as it is): see the rule.
    const shareItems = this.methodConfigItems();
    if (perRequest.length === 0 && unsafe.length === 0 && classFields.length === 0) return unchangedResult([...classified.items, ...shareItems, ...classified.leftAlone]);

    this.style = detectStyle(this.text, this.ast.style);
    this.collectTemplateRanges();
    // Not migrated: the options of a field initialiser may read `this` of an object that does not
    // exist yet at module level, and the field is not a function the handle could be returned from.
    for (const f of classFields) this.items.push(this.item('instance-escapes', f.node, 'created in a class field, once per object'));
    for (const u of unsafe) this.fixSingleton(u.path, u.problems);
    // Each factory is its own unit: one that cannot be migrated stays as it is and the others
    // still migrate. Its callers never change, so nothing elsewhere depends on the decision.
    for (const call of perRequest) this.migrateFactory(call);
    let edited: ReturnType<typeof applyEditsDetailed>;
    try {
      this.planImport();
      for (const h of this.hoisted) this.edits.push({ start: h.at, end: h.at, text: h.text, order: -10 });
      edited = applyEditsDetailed(this.text, this.edits);
    } catch (err) {
      // Two planned changes overlap, typically a factory called inside another factory's options
      // (a hook that awaits another request): left for review rather than failed.
      if (err instanceof EditConflictError) {
        const at = Number(/offset (\d+)/.exec(err.message)?.[1] ?? 0);
        err = new Blocked('unsupported-config', { type: 'Offset', start: at, end: at }, 'two changes would overlap here: a factory called inside the options of another factory?');
      }
      if (err instanceof Blocked) {
        // Every factory needs the import, so the file stays unchanged. Findings that are true of
        // the code as it is (security, persistent warnings) and the factories' own blockers stay.
        const keep = this.items.filter((i) => itemKindOf(i.ruleId) === 'security' || (itemKindOf(i.ruleId) === 'manual-review' && rules[i.ruleId].severity === 'error'));
        return unchangedResult([...keep, this.item(err.ruleId, err.node, err.detail), ...classified.items, ...shareItems, ...classified.leftAlone]);
      }
      throw err;
    }
    const { text: output, applied } = edited;
    // Each change record also says where its range is in the migrated file.
    this.records.forEach((r) => {
      const { start, end } = r;
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
      r.after = { start: from, end: Math.max(from, to) };
    });
    const changed = output !== this.text;
    return {
      output: changed ? output : null,
      findings: [...(changed ? this.records : []), ...this.items, ...classified.items, ...shareItems, ...classified.leftAlone],
      factoriesMigrated: changed ? this.factoriesMigrated : 0,
      contextFlavor: changed ? this.flavor() : null,
    };
  }

  /**
   * Migrates one factory, or leaves it exactly as it is with one item per reason found. Planned
   * changes, records, names and imports of a refused factory are rolled back; its security
   * findings stay (they are true of the code as it is).
   */
  private migrateFactory(call: Path): void {
    const mark = {
      edits: this.edits.length,
      records: this.records.length,
      items: this.items.length,
      hoisted: this.hoisted.length,
      needed: new Set(this.needed),
      usedNames: new Set(this.usedNames),
      migrated: this.factoriesMigrated,
    };
    this.blockers = [];
    this.selfCapture = null;
    try {
      this.migrateCall(call);
      if (this.blockers.length) throw new FactoryBlocked();
    } catch (err) {
      let reasons = this.blockers;
      if (err instanceof Blocked) reasons = [...reasons, err];
      else if (!(err instanceof FactoryBlocked)) {
        // ast-types' scope analysis asserts node shapes it does not know (a `catch { }` without a
        // binding): the factory cannot be analysed for certain, so it is left for review, not failed.
        if (!/does not match type/.test(String((err as Error)?.message))) throw err;
        reasons = [new Blocked('unsupported-syntax', call.node, String((err as Error).message).split('\n')[0])];
      }
      const security = this.items.slice(mark.items).filter((i) => itemKindOf(i.ruleId) === 'security');
      this.edits.length = mark.edits;
      this.records.length = mark.records;
      this.items.length = mark.items;
      this.hoisted.length = mark.hoisted;
      this.needed = mark.needed;
      this.usedNames = mark.usedNames;
      this.factoriesMigrated = mark.migrated;
      this.items.push(...security, ...uniqueReasons(reasons).map((b) => this.item(b.ruleId, b.node, b.detail)));
    } finally {
      this.blockers = [];
    }
  }

  /** Records a reason against the current factory and carries on looking for more. */
  private block(ruleId: RuleId, node: Node, detail?: string): void {
    this.blockers.push(new Blocked(ruleId, node, detail));
  }

  /**
   * Method configs that alova applies over the shared instance's isolation, each reported where it
   * stands: `x.Get(url, { shareRequest: true })` (anything but a literal `false`) and
   * `new Method(type, x, url, { ... })`, see the two predicates below. The receiver is not resolved:
   * the option names are alova's own.
   */
  private methodConfigItems(): ItemFinding[] {
    const out: ItemFinding[] = [];
    const configs = [
      ...this.ast.calls.map((call) => {
        const callee = unwrapExpression(call.callee);
        if ((callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') || callee.computed || callee.property.type !== 'Identifier') return undefined;
        const at = METHOD_CONFIG_ARGUMENT[callee.property.name];
        return at === undefined ? undefined : call.arguments[at];
      }),
      ...this.ast.news.map((n) => (unwrapExpression(n.callee).type === 'Identifier' && unwrapExpression(n.callee).name === 'Method' ? n.arguments[3] : undefined)),
    ];
    for (const arg of configs) {
      const cfg = unwrapExpression(arg);
      if (cfg?.type !== 'ObjectExpression') continue;
      for (const p of cfg.properties) {
        if (p.type !== 'ObjectProperty') continue;
        const key = staticKey(p);
        const value = unwrapExpression(p.value);
        if (key === 'shareRequest' && asksToShare(value)) out.push(this.item('method-share-request', p));
        // alova 3 ignores `localCache` (its option is cacheFor): reported only where alova 2 may run.
        if (key === 'localCache' && cachesByInstanceId(value) && !this.isAlova3()) out.push(this.item('method-local-cache', p));
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
    const storeKey = factoryId(this.idPath, instanceName);
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
    // A preset that forwards its caller's options: the per-call keys stay in the factory, the rest
    // is hoisted (see PRESET_PER_CALL_KEYS).
    const preset = this.forwardedOptionsSpread(cfg, cfgPath, fnPath);
    const perCall: Node[] = [];
    props.forEach((prop, i) => {
      const propPath = cfgPath.get('properties', i);
      if (prop === preset) return;
      if (prop.type === 'SpreadElement' && preset) {
        // Another spread beside the forwarded options (`...defaults, ...options`): its keys are only
        // known at run time, so which of them the instance keeps and which a call overrides cannot
        // be split at build time.
        return this.block('unknown-spread', prop, 'another spread beside the forwarded options');
      }
      if (prop.type === 'SpreadElement') {
        lastSpreadIndex = i;
        if (this.capturedIn(propPath, cfg).length) {
          // A preset that forwards its caller's options (`createServerAlova(options)` spreading
          // `...options`): which keys a caller passes is only known at run time, and most of them
          // (requestAdapter, cacheFor, statesHook...) cannot differ per call on one instance.
          const arg = unwrapExpression(prop.argument);
          const forwarded = arg.type === 'Identifier' && fnPath.node.params.some((p: Node) => patternNames(p).includes(arg.name));
          this.block('unknown-spread', prop, forwarded ? `...${arg.name} forwards the caller's options` : undefined);
        }
        this.checkEager(propPath, cfg);
        return;
      }
      // alova copies the options when the instance is created, which runs a getter at module load.
      if (prop.type === 'ObjectMethod' && (prop.kind === 'get' || prop.kind === 'set')) return this.block('unsupported-config', prop, 'a getter or setter in the options');
      const key = staticKey(prop);
      // Evaluated per call in the factory, in its place beside the caller's options.
      if (preset && key && !prop.computed && PRESET_PER_CALL_KEYS.includes(key)) return void perCall.push(prop);
      if (key) keys.set(key, prop);
      if (prop.computed) {
        if (this.capturedIn(propPath.get('key'), cfg).length) this.block('request-dependent-option', prop);
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
            if (this.capturedIn(subPath, cfg).length) this.block('request-dependent-option', sub);
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
      this.block('request-dependent-option', prop, key ?? undefined);
    });

    for (const c of captured.values()) this.checkCapture(c, call);
    this.checkOptionsAccess(callPath, fnPath);
    this.checkLocalTypes(cfg, fnPath);
    // Values computed only from the framework's own request context (Next's next/headers, Nitro's
    // useEvent) are re-evaluated in the hooks at request time: no store and no wrapper needed.
    const framework = captured.size && !this.selfCapture && !preset ? this.frameworkDerived(captured) : null;
    if (this.selfCapture) this.checkSelfAvailable(callPath, fnPath);
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
      this.block('request-dependent-option', early.prop, `alova ${this.options.alovaVersion} reads baseURL before beforeRequest`);
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

    // Every reason against this factory is reported at once, so the last checks run even when an
    // earlier one refused it; nothing is generated for a refused factory.
    const before = keys.get('beforeRequest');
    const hookFn = before && (before.type === 'ObjectMethod' ? before : unwrapExpression(before.value));
    if (moved.some((mv) => !mv.dynamic) && before && (!isFunction(hookFn) || hookFn.params[0]?.type !== 'Identifier')) this.block('unsupported-hook-shape', before);
    let hoistAt = 0;
    try {
      hoistAt = this.hoistPoint(fnPath, cfg);
    } catch (err) {
      if (!(err instanceof Blocked)) throw err;
      this.blockers.push(err);
    }
    if (this.blockers.length) throw new FactoryBlocked();

    // --- prologues in hooks, moved options --------------------------------------------------
    const propIndent = props.length ? stripPrefix(indentOfLineAt(this.text, props[0].start), baseIndent) : this.style.indent;
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
    for (const t of this.selfCapture?.refs ?? []) cfgEdits.push({ start: t.start, end: t.end, text: this.selfCapture!.name });
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
    let presetHelper = '';
    let presetTyped = '';
    if (preset) {
      append.unshift(...this.presetDispatchers(storeKey, propIndent));
      this.needed.add(CONTEXT_EXPORTS.use);
      // In the place of the spread: removing the last property and appending after it would overlap.
      const sep = /\n/.test(this.text.slice(cfg.start, cfg.end)) ? `,${this.style.eol}${propIndent}` : ', ';
      cfgEdits.push({ start: preset.start, end: preset.end, text: append.join(sep) });
      for (const p of perCall) cfgEdits.push(this.removePropertyEdit(p));
      this.record('forward-preset-options', preset);
    } else if (append.length) cfgEdits.push(this.appendPropertiesEdit(cfg, append, propIndent));
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
    let decl = `const ${instanceName} = ${calleeText}${cfgText}${afterText}${this.semi()}${this.style.eol}${this.style.eol}`;
    if (preset) {
      presetHelper = this.uniqueName(`${instanceName}Options`);
      const after = props.slice(props.indexOf(preset) + 1).map((p) => staticKey(p)).filter((k): k is string => !!k);
      decl += this.presetCheck(presetHelper, [...new Set([...PRESET_PER_CALL_KEYS, ...after])], fnPath);
      if (this.flavor() === 'ts') {
        // Inside the handle's data the hooks would lose alova's parameter types (implicit any):
        // an identity typed as the instance's own options gives them back.
        presetTyped = this.uniqueName(`${instanceName}CallOptions`);
        decl += [
          `// ${instanceName}'s options for one call, typed as the instance's own.`,
          `function ${presetTyped}(options: Partial<typeof ${instanceName}.options>) {`,
          `${this.style.indent}return options${this.semi()}`,
          '}',
          '',
          '',
        ].join(this.style.eol);
      }
    }
    this.hoisted.push({ at: hoistAt, text: decl, callStart: call.start, callEnd: call.end });
    this.record('hoist-instance', call);
    this.factoriesMigrated++;

    // --- replace the call and wire the request context -------------------------------------
    if (((captured.size === 0 && !this.selfCapture) || framework) && !preset) {
      // Nothing request-dependent (or only the framework's own request context, re-read by the
      // hooks): no data to record and no wrapper needed. The call still returns a handle, as the
      // per-request instance it replaces: its own cache and snapshots, and per-method
      // `shareRequest` turned off (provideAlovaContext works outside any context).
      this.edits.push({ start: call.start, end: call.end, text: `${CONTEXT_EXPORTS.provide}(${instanceName}, ${this.q(storeKey)}, {})` });
      this.needed.add(CONTEXT_EXPORTS.provide);
      this.record('provide-request-context', call);
      // The framework reads moved into the hooks would be left unused in the factory.
      if (framework) for (const d of this.unusedAfterMove(framework, fnPath, cfg)) this.edits.push(this.removeStatementEdit(d));
      return;
    }
    // A request-dependent baseURL/timeout is computed here, once per factory call as before, and
    // the hook applies it: evaluating it per request would repeat its effects.
    for (const mv of moved) if (captured.has(movedKey(mv.key))) throw new Blocked('name-conflict', mv.prop, movedKey(mv.key));
    if (preset && captured.has(PRESET_OPTIONS_KEY)) throw new Blocked('name-conflict', preset, PRESET_OPTIONS_KEY);
    const values = [
      ...(preset ? [`${PRESET_OPTIONS_KEY}: ${presetTyped ? `${presetTyped}(` : ''}${this.perCallOptionsText(cfg, preset, perCall, presetHelper)}${presetTyped ? ')' : ''}`] : []),
      ...captured.keys(),
      ...(this.selfCapture ? [`${this.selfCapture.name}: this`] : []),
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

  /**
   * The factory's declarations that the hooks now re-evaluate, when nothing else in the factory
   * reads them any more: left in place they would be unused locals (tsc --noUnusedLocals). They
   * are framework reads without effects (frameworkDerived checks that), so removing them changes
   * nothing but an unused value. A name read anywhere else in the factory keeps its declaration,
   * and then the declarations it reads too.
   */
  private unusedAfterMove(decls: Node[], fnPath: Path, cfg: Node): Node[] {
    const removable = new Set(decls.filter((d) => d.type === 'VariableDeclaration' && d.kind === 'const'));
    const namesOf = (d: Node) => d.declarations.flatMap((x: Node) => patternNames(x.id));
    for (let changed = true; changed; ) {
      changed = false;
      for (const d of [...removable]) {
        const readElsewhere = namesOf(d).some((name: string) =>
          this.ast.identifiersNamed(name).some((id) => {
            if (!isInside(id, fnPath.node) || isInside(id, cfg) || isInside(id, d)) return false;
            if ([...removable].some((r) => r !== d && isInside(id, r))) return false;
            const q = this.ast.pathOf(id);
            return isBindingReference(id, q.parent?.node, fieldName(q)) || q.parent?.node.type === 'ObjectProperty';
          }),
        );
        if (readElsewhere) {
          removable.delete(d);
          changed = true;
        }
      }
    }
    return [...removable];
  }

  /** Deletes one statement with its whole line(s) when it stands alone on them. */
  private removeStatementEdit(st: Node): TextEdit {
    return wholeLines(this.text, st.start, st.end) ?? { start: st.start, end: st.end, text: '' };
  }

  /**
   * `{ self: this }` runs where createAlova ran. In a derived class's constructor `this` exists
   * only after `super()`, which must then come first (the arrow hook only read it later).
   */
  private checkSelfAvailable(callPath: Path, fnPath: Path): void {
    const fn = fnPath.node;
    if (fn.type === 'ArrowFunctionExpression') return;
    if (fn.kind !== 'constructor' || !findClassOf(fnPath)?.node.superClass) return;
    const superFirst = fn.body.body.some(
      (st: Node) => st.end <= callPath.node.start && st.type === 'ExpressionStatement' && st.expression.type === 'CallExpression' && st.expression.callee.type === 'Super',
    );
    if (!superFirst) this.block('uses-this', callPath.node, 'this is read before super() is called');
  }

  /** A function-valued option: which request bindings it reads (they get a prologue). */
  private lazyFunction(fp: Path, cfg: Node, addCapture: (p: Path) => void) {
    const fn = fp.node;
    const names = new Set<string>();
    for (const p of this.capturedIn(fp, cfg)) {
      names.add(p.node.name);
      addCapture(p);
    }
    // `this` of an arrow hook is the factory's `this` (a class constructor's object): the factory
    // records that object and the hook reads its fields when it runs, as it did. `super` and
    // `arguments` cannot be recorded that way.
    if (fn.type === 'ArrowFunctionExpression' && this.lexicalThisIn(fp)) {
      const refs = this.lexicalThisRefs(fp);
      if (!refs) this.block('uses-this', fn);
      else {
        this.selfCapture ??= { name: this.uniqueName('self'), refs: [] };
        this.selfCapture.refs.push(...refs);
        names.add(this.selfCapture.name);
      }
    }
    return { fn, fnPath: fp, names, moved: [] as string[] };
  }

  /** Eagerly evaluated option parts may not await/yield, nor read `this`/`arguments`, nor hide request reads in functions. */
  private checkEager(p: Path, cfg: Node): void {
    const node = p.node;
    const visit = (q: Path, inFn: boolean) => {
      const n = q.value;
      if (!n || typeof n.type !== 'string') return;
      if (!inFn && (n.type === 'AwaitExpression' || n.type === 'YieldExpression')) this.block('request-dependent-await', n);
      if (!inFn && (n.type === 'ThisExpression' || n.type === 'Super')) this.block('uses-this', n);
      if (isFunction(n)) {
        if (this.capturedIn(q, cfg).length) this.block('request-dependent-option', n);
        return;
      }
      forEachChildPath(q, (c) => visit(c, inFn));
    };
    visit(p, false);
    if (this.referencesArguments(p)) this.block('uses-this', node);
  }

  /** The `this` nodes an arrow hook reads from its factory, or null when it also uses `super` or `arguments`. */
  private lexicalThisRefs(fp: Path): Node[] | null {
    const refs: Node[] = [];
    let other = false;
    const visit = (q: Path) => {
      const n = q.value;
      if (!n || typeof n.type !== 'string') return;
      if (n.type === 'ThisExpression') refs.push(n);
      if (n.type === 'Super' || (n.type === 'Identifier' && n.name === 'arguments' && !q.scope?.lookup('arguments'))) other = true;
      if (isFunction(n) && n.type !== 'ArrowFunctionExpression' && q !== fp) return;
      forEachChildPath(q, visit);
    };
    visit(fp);
    return other ? null : refs;
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
        if (!this.ast.resolvesToModuleScope(q.node, q.node.name)) this.block('unsupported-config', q.node, `cannot tell which declaration "${q.node.name}" refers to`);
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
      if (root?.type === 'Identifier' && local.has(root.name)) this.block('unsupported-config', n, `uses the type ${root.name} declared in the factory`);
      forEachChildNode(n, (c) => stack.push(c));
    }
  }

  /**
   * `.options` of the instance: on the shared instance it is every request's options object, so a
   * write (`api.options.beforeRequest = ...`, `Object.assign(api.options, ...)`) would change them
   * for all users, and a read no longer sees the options moved into beforeRequest. Found through
   * scope analysis in this file: the createAlova call itself, a const holding it, a call of the
   * factory (function or class), and a const holding that. Callers in other files are not seen.
   */
  private checkOptionsAccess(callPath: Path, fnPath: Path): void {
    const producers: Path[] = [callPath];
    const returned = (p: Path) => {
      const up = skipWrappersUp(p);
      const parent = up.parentPath?.node;
      return (parent?.type === 'ReturnStatement' && enclosingFunction(up) === fnPath) || (parent === fnPath.node && fnPath.node.type === 'ArrowFunctionExpression');
    };
    const binding = returned(callPath) ? factoryBinding(fnPath) : null;
    if (binding) {
      for (const id of this.ast.identifiersNamed(binding.name)) {
        const parent = this.ast.parentOf(id);
        if (parent?.type !== 'CallExpression' || parent.callee !== id) continue;
        const p = this.ast.pathOf(parent);
        if (resolvesTo(p, binding.name, () => binding.declScope)) producers.push(p);
      }
    }
    const accesses: Node[] = [];
    const optionsOf = (up: Path): Node | null => {
      const parent = up.parentPath?.node;
      const isOptions = (parent?.type === 'MemberExpression' || parent?.type === 'OptionalMemberExpression') && up.name === 'object' && staticKey({ key: parent.property, computed: parent.computed }) === 'options';
      return isOptions ? parent : null;
    };
    for (const p of producers) {
      const up = skipWrappersUp(p);
      const direct = optionsOf(up);
      if (direct) accesses.push(direct);
      const parent = up.parentPath?.node;
      if (parent?.type !== 'VariableDeclarator' || up.name !== 'init' || parent.id.type !== 'Identifier') continue;
      const name = parent.id.name;
      // Only `x.options` uses are resolved (scope lookups are costly, and rare this way).
      for (const id of this.ast.identifiersNamed(name)) {
        if (id === parent.id) continue;
        const q = this.ast.pathOf(id);
        const member = optionsOf(skipWrappersUp(q));
        if (member && resolvesTo(q, name, () => up.parentPath.scope?.lookup(name))) accesses.push(member);
      }
    }
    for (const a of accesses) this.block('instance-options-access', a);
  }

  /** A captured binding must hold its final value when the factory is called. */
  private checkCapture(c: Capture, call: Node): void {
    const ref = c.refs[0];
    const scope = ref.scope.lookup(c.name);
    const bindings: Path[] = scope.getBindings()[c.name] ?? [];
    const decl = bindings[0];
    if (!decl) return this.block('mutated-binding', ref.node, c.name);
    const declarator = ancestorWithin(decl, (n) => n.type === 'VariableDeclarator');
    if (declarator) {
      if (isInside(call, declarator.node) || declarator.node.start > call.start) this.block('mutated-binding', ref.node, c.name);
    } else {
      const cls = ancestorWithin(decl, (n) => n.type === 'ClassDeclaration');
      if (cls && cls.node.start > call.start) this.block('mutated-binding', ref.node, c.name);
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
      if (s === scope) this.block('mutated-binding', w.node, c.name);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring: every request must be sent inside its own context
  // ---------------------------------------------------------------------------------------------



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
   * The spread of a preset that forwards its caller's options (`createServerAlova(options)`
   * spreading `...options`): a parameter of the factory, spread as it is, once. Null otherwise.
   */
  private forwardedOptionsSpread(cfg: Node, cfgPath: Path, fnPath: Path): Node | null {
    const found = cfg.properties.filter((prop: Node, i: number) => {
      if (prop.type !== 'SpreadElement') return false;
      const arg = unwrapExpression(prop.argument);
      if (arg.type !== 'Identifier' || !fnPath.node.params.some((p: Node) => patternNames(p).includes(arg.name))) return false;
      const caps = this.capturedIn(cfgPath.get('properties', i), cfg);
      return caps.length === 1 && caps[0].node === prop.argument;
    });
    return found.length === 1 ? found[0] : null;
  }

  /**
   * The shared instance's hooks of a preset: each request applies its own call's baseURL and
   * timeout the way a moved option is applied (a Method's own value wins), then runs that call's
   * beforeRequest and responded hooks; without them it behaves as alova's defaults (the response as
   * it is, a rejection rethrown).
   */
  private presetDispatchers(storeKey: string, indent: string): string[] {
    const { eol, indent: step } = this.style;
    const i1 = indent + step;
    const i2 = i1 + step;
    const use = `${CONTEXT_EXPORTS.use}(${this.q(storeKey)})`;
    const o = PRESET_OPTIONS_KEY;
    const semi = this.semi();
    const lines = (head: string, body: string[], tail: string) => [head, ...body, tail].join(eol);
    const before = lines(
      'beforeRequest(method) {',
      [
        `${i1}const { ${o} } = ${use}${semi}`,
        `${i1}if (!method.baseURL) method.baseURL = ${o}.baseURL || ${this.q('')}${semi}`,
        `${i1}if (method.config.timeout === undefined) method.config.timeout = ${o}.timeout${semi}`,
        `${i1}return ${o}.beforeRequest?.(method)${semi}`,
      ],
      `${indent}}`,
    );
    const responded = lines(
      'responded: {',
      [
        `${i1}onSuccess(response, method) {`,
        `${i2}const { responded } = ${use}.${o}${semi}`,
        `${i2}const onSuccess = typeof responded === ${this.q('function')} ? responded : responded?.onSuccess${semi}`,
        `${i2}return onSuccess ? onSuccess(response, method) : response${semi}`,
        `${i1}},`,
        `${i1}onError(error, method) {`,
        `${i2}const onError = ${use}.${o}.responded?.onError${semi}`,
        `${i2}if (onError) return onError(error, method)${semi}`,
        `${i2}throw error${semi}`,
        `${i1}},`,
        `${i1}onComplete(method) {`,
        `${i2}return ${use}.${o}.responded?.onComplete?.(method)${semi}`,
        `${i1}},`,
      ],
      `${indent}}`,
    );
    return [before, responded];
  }

  /**
   * A module-level check the migrated factory runs on its caller's options: a key the shared
   * instance cannot take per call throws at once, instead of being silently ignored.
   */
  private presetCheck(helper: string, allowed: string[], fnPath: Path): string {
    const { eol, indent: i1 } = this.style;
    const ts = this.flavor() === 'ts';
    const semi = this.semi();
    const label = factoryLabel(fnPath) ?? helper;
    const message = `${this.q(`${label}: the option `)} + key + ${this.q(' cannot be passed per call, every call shares one alova instance (see alova-ssr-migrate docs/migration.md, presets)')}`;
    return [
      `// Options a caller of ${label} may pass per call; the shared instance keeps every other one.`,
      `function ${helper}${ts ? '<T>' : ''}(options${ts ? ': T' : ''})${ts ? ': T' : ''} {`,
      `${i1}for (const key of Object.keys(options ?? {})) {`,
      `${i1}${i1}if (![${allowed.map((k) => this.q(k)).join(', ')}].includes(key)) throw new Error(${message})${semi}`,
      `${i1}}`,
      `${i1}return options${semi}`,
      '}',
      '',
      '',
    ].join(eol);
  }

  /** The preset's per-call options as the factory evaluates them: its own per-call keys and the caller's, in their order. */
  private perCallOptionsText(cfg: Node, preset: Node, perCall: Node[], helper: string): string {
    const edits: TextEdit[] = [];
    for (const p of cfg.properties) if (p !== preset && !perCall.includes(p)) edits.push(this.removePropertyEdit(p));
    const arg = preset.argument;
    edits.push({ start: arg.start, end: arg.end, text: `${helper}(${this.text.slice(arg.start, arg.end)})` });
    return applyEdits(
      this.text.slice(cfg.start, cfg.end),
      edits.map((e) => ({ ...e, start: e.start - cfg.start, end: e.end - cfg.start })),
    );
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
    const lines = wholeLines(t, prop.start, end);
    if (lines) return lines;
    while (end < t.length && t[end] === ' ') end++;
    return { start: prop.start, end, text: '' };
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
      if (this.nameInUse(n)) throw new Blocked('name-conflict', this.ast.identifiersNamed(n)[0], n);
    }
    const target = this.options.contextModules?.[path.resolve(this.options.root ?? process.cwd(), this.filePath)];
    // Reported where the file creates its instance (a caller-only file: at its top).
    if (target && 'blocked' in target) throw new Blocked(target.blocked, this.findCreateAlovaCalls()[0]?.node ?? this.program, target.detail);
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
    const abs = path.resolve(this.options.root ?? process.cwd(), this.filePath);
    const placed = this.options.contextModules?.[abs];
    // The module's flavour is the package's (an ESM file may import a .cjs module); the import
    // statement's form (import or require) stays the file's own.
    const flavor = placed && 'base' in placed ? placed.flavor : this.flavor()!;
    const target = placed && 'base' in placed ? placed.base : (this.options.contextModule ?? path.join(path.dirname(abs), DEFAULT_CONTEXT_BASENAME));
    let rel = toPosix(path.relative(path.dirname(abs), target));
    if (!rel.startsWith('.')) rel = './' + rel;
    if (flavor !== 'ts' || (placed && 'base' in placed && placed.ownExtension)) return rel + contextModuleExtension(flavor);
    // TypeScript: follow the file's own convention for relative imports (NodeNext wants `.js`).
    const relative = this.program.body.filter((s: Node) => s.type === 'ImportDeclaration' && /^\.\.?\//.test(s.source.value));
    // .mts/.cts files are always resolved the Node way: the import needs an extension (.js maps to .ts).
    if (/\.[cm]ts$/i.test(this.filePath)) return rel + '.js';
    if (!relative.length) return rel + (placed && 'base' in placed ? placed.tsImportSuffix : (this.options.tsImportSuffix ?? ''));
    return relative.some((s: Node) => /\.(m?js)$/.test(s.source.value)) ? rel + '.js' : rel;
  }

  /** The file or the project says alova 3 (without a createAlova call to read the options of). */
  private isAlova3(): boolean {
    return this.options.alovaMajor === 3 || /['"]alova\/(fetch|client|server)['"]/.test(this.text);
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
    const exported = commonJsExportName(fnPath, this.filePath);
    if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') base = parent.id.name;
    else if (b) base = b.name.replace(/^(create|make|build|get|new|init)(?=[A-Z_])/, '');
    else if (cls?.node.id) base = cls.node.id.name;
    else if (exported) base = exported.replace(/^(create|make|build|get|new|init)(?=[A-Z_])/, '');
    base = base.charAt(0).toLowerCase() + base.slice(1);
    if (!/alova/i.test(base)) base += 'Alova';
    return base;
  }

  private uniqueName(base: string): string {
    let n = base;
    for (let i = 2; this.nameInUse(n) || this.usedNames.has(n); i++) n = `${base}${i}`;
    this.usedNames.add(n);
    return n;
  }

  /**
   * Does the file already use `name` for a binding or a reference anywhere (any scope: the new
   * declaration is module-level, so any inner use could be shadowed or shadow it)? Answered from the
   * parsed identifiers, never from the text: `$alova` is a name, not a pattern, and a word in a
   * comment or a string is no conflict. A member name (`x.name`) or an object key is not a binding.
   */
  private nameInUse(name: string): boolean {
    return this.ast.identifiersNamed(name).some((id) => {
      const parent = this.ast.parentOf(id);
      if (!parent) return true;
      if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === id && !parent.computed) return false;
      if ((parent.type === 'ObjectProperty' || parent.type === 'ObjectMethod' || parent.type === 'ClassMethod' || parent.type === 'ClassProperty') && parent.key === id && !parent.computed && !parent.shorthand) return false;
      if (parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement') return false;
      return true;
    });
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

  private editRecord(ruleId: RuleId, start: number, end: number, detail?: string): EditFinding {
    return { kind: 'edit', ruleId, start, end, detail };
  }

  /**
   * Classification hook: which per-request createAlova calls are server request code. A file that
   * is surely not (test, 'use client', universal, CLI, a leave directive) is left alone whole.
   */
  private classifyFactories(calls: Path[]): { migrate: Set<Node>; leftAlone: LeftAloneFinding[]; items: ItemFinding[]; wholeFile: boolean } {
    const out = { migrate: new Set<Node>(), leftAlone: [] as LeftAloneFinding[], items: [] as ItemFinding[], wholeFile: false };
    const project: ProjectFacts = { ...NO_PROJECT_FACTS, ...this.options.project };
    const file = fileSignalsOf(this.idPath, this.text, this.program);
    const record = (call: Path, v: Verdict, factory: string | null) => {
      out.leftAlone.push({ kind: 'leftAlone', start: call.node.start, factory, reason: v.reason!, why: v.why });
      if (v.reason === 'universal-code') out.items.push(this.item('universal-code', call.node, v.why));
    };
    const whole = fileLeftAlone(file, project);
    for (const call of calls) {
      const fnPath = enclosingFunction(call);
      const cls = fnPath?.node.kind === 'constructor' ? findClassOf(fnPath) : inClassField(call) ? findClassOf(call) : null;
      const binding = fnPath && !cls ? factoryBinding(fnPath) : null;
      const name = binding?.name ?? cls?.node.id?.name ?? null;
      if (whole) {
        record(call, whole, name);
        continue;
      }
      const functions: Node[] = [];
      for (let p = fnPath; p; p = enclosingFunction(p)) functions.push(p.node);
      const v = classifyFactory(file, { id: name ? factoryId(this.idPath, name) : null, functions, calledOnlyAtModuleLoad: !!binding?.topLevel && this.calledOnlyAtModuleLoad(binding.name, fnPath!.node) }, project);
      if (v.migrate) out.migrate.add(call.node);
      else record(call, v, name);
    }
    out.wholeFile = !!whole;
    return out;
  }

  /**
   * Every reference to the factory in this file is a call at module top level (and none exports
   * it or passes it on): the instance is made once per process, not per request.
   */
  private calledOnlyAtModuleLoad(name: string, fn: Node): boolean {
    let calls = 0;
    for (const id of this.ast.identifiersNamed(name)) {
      const parent = this.ast.parentOf(id);
      if (!parent || id === fn.id || (parent.type === 'VariableDeclarator' && parent.id === id && unwrapExpression(parent.init) === fn)) continue;
      if (parent.type === 'ExportNamedDeclaration' || parent.type === 'ExportDefaultDeclaration') return false;
      const isCall = (parent.type === 'CallExpression' || parent.type === 'NewExpression') && parent.callee === id;
      if (!isCall) return false;
      for (let p = this.ast.parentOf(parent); p; p = this.ast.parentOf(p)) if (isFunction(p)) return false;
      calls++;
    }
    const exported = this.ast.parentOf(fn)?.type?.startsWith('Export') || this.ast.parentOf(this.ast.parentOf(this.ast.parentOf(fn)) ?? fn)?.type?.startsWith('Export');
    return calls > 0 && !exported;
  }

  item(ruleId: RuleId, node: Node, detail?: string): ItemFinding {
    return { kind: 'item', ruleId, start: node?.start ?? 0, detail };
  }
}

// -------------------------------------------------------------------------------------------------
// Pure helpers
// -------------------------------------------------------------------------------------------------






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







function stripPrefix(s: string, prefix: string): string {
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

function nextLineStart(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i + 1;
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




/** The context key under which the factory stores a moved option's value. */
/** The name a factory is called by, for messages: its declaration's, or the variable it is assigned to. */
function factoryLabel(fnPath: Path): string | null {
  const fn = fnPath.node;
  if (fn.id?.type === 'Identifier') return fn.id.name;
  if (fn.key?.type === 'Identifier' && !fn.computed) return fn.key.name;
  const parent = fnPath.parentPath?.node;
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  return null;
}

function movedKey(key: 'baseURL' | 'timeout'): string {
  return `$${key}`;
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
  // `jscodeshift --assumeServer`: per-file runs have no project facts, so no caller can vouch for a factory.
  const assumeServer = options.assumeServer === true || options.assumeServer === 'true';
  const result = migrate(file.source, file.path, assumeServer ? { ...options, project: { ...options.project, assumeServer } } : options);
  const shown = options.displayPath ?? idPathOf(options.root ?? process.cwd(), file.path);
  const text = file.source.charCodeAt(0) === 0xfeff ? file.source.slice(1) : file.source;
  for (const f of result.findings) {
    if (f.kind !== 'item') continue;
    // Findings index the source as given; the BOM is not a column.
    const at = positionAt(text, Math.max(0, f.start - (text === file.source ? 0 : 1)));
    api.report(`${shown}:${at.line}:${at.col} ${f.ruleId} ${ruleMessage(f.ruleId, f.detail)}`);
  }
  return result.output;
}

/** Deletes [start, end) with its line(s), when the range starts its line; null when it does not. */
function wholeLines(t: string, start: number, end: number): TextEdit | null {
  if (!startsLine(t, start)) return null;
  while (start > 0 && t[start - 1] !== '\n') start--;
  let e = end;
  while (e < t.length && (t[e] === ' ' || t[e] === '\t')) e++;
  if (t[e] === '\r') e++;
  if (t[e] === '\n') end = e + 1;
  return { start, end, text: '' };
}

/**
 * Does `name` at `p` resolve to the binding `scope()` returns? When the scope analysis cannot
 * tell (ast-types asserts on a `catch { }` without a binding), the answer is yes: a check that
 * reports a possible hazard must not miss one.
 */
function resolvesTo(p: Path, name: string, scope: () => Node): boolean {
  try {
    return p.scope?.lookup(name) === scope();
  } catch {
    return true;
  }
}

/** One item per distinct reason (the same rule at the same place is reported once), in source order. */
function uniqueReasons(reasons: Blocked[]): Blocked[] {
  const seen = new Set<string>();
  const inOrder = [...reasons].sort((a, b) => (a.node?.start ?? 0) - (b.node?.start ?? 0));
  return inOrder.filter((b) => {
    const key = `${b.ruleId}@${b.node?.start ?? 0}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
