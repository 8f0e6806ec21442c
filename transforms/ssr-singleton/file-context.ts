/**
 * The state one file's migration shares between its phases: the text and its parse, the code
 * style, and the collector every phase adds to (text edits, edit and item findings, hoisted
 * declarations, the context helpers the file needs, the names it has taken).
 */
import path from 'node:path';
import { NodePath } from 'ast-types';
import { type Node, type Path, staticKey } from '../lib/ast.js';
import { AstIndex } from '../lib/ast-index.js';
import type { ContextFlavor } from '../lib/context-module.js';
import { idPathOf } from '../lib/factory-id.js';
import type { EditFinding, ItemFinding } from '../lib/findings.js';
import { parseFile } from '../lib/parsers.js';
import type { RuleId } from '../lib/rules.js';
import { type CodeStyle, detectStyle, quoteString } from '../lib/style.js';
import type { TextEdit } from '../lib/text-edits.js';
import { type CacheMode, type MigrateOptions, TransformParseError } from './api.js';

/** A reason a factory (or, for the import, the file) stays unchanged: reported as an item at `node`. */
export interface Blocker {
  ruleId: RuleId;
  node: Node;
  detail?: string;
}

/** A module-level declaration to insert at `at`, made from the createAlova call at [callStart, callEnd). */
export interface Hoisted {
  at: number;
  text: string;
  callStart: number;
  callEnd: number;
}

/** An item finding at a node (offset 0 when there is none: the file's top). */
export function itemAt(ruleId: RuleId, node: Node, detail?: string): ItemFinding {
  return { kind: 'item', ruleId, start: node?.start ?? 0, detail };
}

export class FileContext {
  readonly program: Node;
  readonly ast: AstIndex;
  readonly comments: Node[];
  /** Path relative to the project root: the stable part of every generated instance id. */
  readonly idPath: string;
  readonly cache: CacheMode;
  style!: CodeStyle;
  edits: TextEdit[] = [];
  records: EditFinding[] = [];
  items: ItemFinding[] = [];
  hoisted: Hoisted[] = [];
  usedNames = new Set<string>();
  /** The context module's exports the file's new code uses. */
  needed = new Set<string>();
  factoriesMigrated = 0;
  private templateRanges: [number, number][] = [];

  constructor(
    readonly text: string,
    readonly filePath: string,
    readonly options: MigrateOptions,
  ) {
    this.idPath = idPathOf(options.root ?? process.cwd(), filePath);
    this.cache = options.cache ?? 'request';
    try {
      const file = parseFile(text, filePath);
      this.comments = file.comments ?? [];
      // The root NodePath jscodeshift's `j(file)` would build (same class: ast-types is what
      // jscodeshift and recast use), without loading jscodeshift: its scopes are all we ask for.
      this.ast = new AstIndex(file, new NodePath(file), text);
      this.program = file.program;
    } catch (err) {
      const e = err as { message?: string; loc?: { line: number; column: number } };
      throw new TransformParseError(String(e.message ?? err).split('\n')[0], e.loc?.line ?? 1, (e.loc?.column ?? 0) + 1);
    }
  }

  /** Style and template ranges: only needed once the file has something to change. */
  prepareToEdit(): void {
    this.style = detectStyle(this.text, this.ast.style);
    for (const t of this.ast.templates) this.templateRanges.push([t.start, t.end]);
  }

  inTemplate(offset: number): boolean {
    return this.templateRanges.some(([s, e]) => offset > s && offset < e);
  }

  q(s: string): string {
    return quoteString(s, this.style);
  }

  semi(): string {
    return this.style.semi ? ';' : '';
  }

  record(ruleId: RuleId, node: Node, detail?: string): void {
    this.records.push({ kind: 'edit', ruleId, start: node.start, end: node.end, detail });
  }

  uniqueName(base: string): string {
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
  nameInUse(name: string): boolean {
    return this.ast.identifiersNamed(name).some((id) => {
      const parent = this.ast.parentOf(id);
      if (!parent) return true;
      if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === id && !parent.computed) return false;
      if ((parent.type === 'ObjectProperty' || parent.type === 'ObjectMethod' || parent.type === 'ClassMethod' || parent.type === 'ClassProperty') && parent.key === id && !parent.computed && !parent.shorthand) return false;
      if (parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement') return false;
      return true;
    });
  }

  /** The context module flavour the file's import needs, or null when it needs none. */
  flavor(): ContextFlavor | null {
    if (!this.needed.size) return null;
    const ext = path.extname(this.filePath).toLowerCase();
    if (['.ts', '.tsx', '.mts', '.cts'].includes(ext)) return 'ts';
    if (ext === '.cjs') return 'cjs';
    if (ext === '.mjs') return 'mjs';
    const esm = this.program.body.some((s: Node) => s.type === 'ImportDeclaration' || s.type.startsWith('Export'));
    return esm ? 'mjs' : 'cjs';
  }

  /** The file or the project says alova 3 (without a createAlova call to read the options of). */
  isAlova3(): boolean {
    return this.options.alovaMajor === 3 || /['"]alova\/(fetch|client|server)['"]/.test(this.text);
  }

  /** alova's major version, from the options' keys, then the file's imports, then the project. */
  alovaMajor(cfg: Node): 2 | 3 {
    const keys = new Set(cfg.properties.map((p: Node) => staticKey(p)));
    if (keys.has('localCache') || keys.has('storageAdapter') || /from\s+['"]alova\/GlobalFetch['"]|require\(\s*['"]alova\/GlobalFetch/.test(this.text)) return 2;
    if (keys.has('cacheFor') || keys.has('l1Cache') || keys.has('l2Cache') || /['"]alova\/(fetch|client|server)['"]/.test(this.text)) return 3;
    return this.options.alovaMajor ?? 3;
  }
}

/** One per-request createAlova call being migrated, and the reasons against it found so far. */
export interface Factory {
  call: Node;
  callPath: Path;
  /** The function the call runs in (the factory). */
  fnPath: Path;
  /** The options object literal, and its path. */
  cfg: Node;
  cfgPath: Path;
  /** Every reason against migrating it (collected, so that one run lists them all). */
  blockers: Blocker[];
  /** The factory's `this`, recorded for arrow hooks that read it (the name the hooks use). */
  selfCapture: { name: string; refs: Node[] } | null;
}

/** Records a reason against the factory and carries on looking for more. */
export function block(f: Factory, ruleId: RuleId, node: Node, detail?: string): void {
  f.blockers.push({ ruleId, node, detail });
}
