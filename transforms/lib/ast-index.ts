/**
 * One plain walk over a parsed file that collects the few node kinds the transform asks about,
 * plus a parent map. jscodeshift's `find()` builds an ast-types NodePath for every node on every
 * call, and an ast-types scope lookup scans the whole enclosing scope: on a 20,000-file run those
 * traversals were most of the time (see BENCHMARKS.md). Here NodePaths are built lazily, only for
 * the nodes the transform really inspects, and "does this name refer to the module-level binding?"
 * is answered by walking up the parent map.
 */
import type { Node, Path } from './ast.js';
import { SKIPPED_KEYS, forEachChildNode, isFunction, patternNames } from './ast.js';

/**
 * The parent of each node is kept on the node itself under a symbol (invisible to Object.keys,
 * JSON and recast), not in a Map of [parent, key, index] tuples: on the 20,000-file corpus the
 * tuples and Map entries were a large share of the walk and of the GC work. The key and index
 * under the parent are only needed by `pathOf`, which is rare, so they are looked up there.
 */
const PARENT = Symbol('alova-ssr-migrate.parent');

/** Quote and semicolon counts gathered during the walk, for `detectStyle`. */
export interface StyleCounts {
  single: number;
  double: number;
  withSemi: number;
  withoutSemi: number;
}

const STATEMENT_TYPES = new Set(['ImportDeclaration', 'VariableDeclaration', 'ExpressionStatement', 'ReturnStatement', 'ThrowStatement']);

export class AstIndex {
  readonly calls: Node[] = [];
  readonly news: Node[] = [];
  readonly assignments: Node[] = [];
  readonly templates: Node[] = [];
  readonly declarators: Node[] = [];
  /**
   * String quotes and statement-ending semicolons in the file's own code. Strings inside JSX
   * attributes are not counted: they conventionally use double quotes whatever the code style is.
   */
  readonly style: StyleCounts = { single: 0, double: 0, withSemi: 0, withoutSemi: 0 };
  private readonly identifiers = new Map<string, Node[]>();
  private readonly declaredIn = new Map<Node, Set<string>>();

  constructor(
    private readonly file: Node,
    private readonly rootPath: Path,
    text: string,
  ) {
    const style = this.style;
    // Two parallel stacks (node, inside a JSX attribute?) instead of one stack of tuples.
    const stack: Node[] = [file];
    const inJsxAttr: boolean[] = [false];
    while (stack.length) {
      const node = stack.pop()!;
      let jsx = inJsxAttr.pop()!;
      // Nothing reads `loc` (records use offsets): dropping it right after the parse makes the
      // AST about 45% smaller while the file is analysed, and the young-generation GC copies
      // the live AST at every scavenge (measured: most of the GC time of a 20,000-file run).
      node.loc = null;
      switch (node.type) {
        case 'CallExpression':
        case 'OptionalCallExpression':
          this.calls.push(node);
          break;
        case 'NewExpression':
          this.news.push(node);
          break;
        case 'AssignmentExpression':
          this.assignments.push(node);
          break;
        case 'TemplateLiteral':
          this.templates.push(node);
          break;
        case 'VariableDeclarator':
          this.declarators.push(node);
          break;
        case 'Identifier': {
          const list = this.identifiers.get(node.name);
          if (list) list.push(node);
          else this.identifiers.set(node.name, [node]);
          break;
        }
        case 'StringLiteral':
        case 'Literal':
          if (!jsx && typeof node.start === 'number') {
            const ch = text.charCodeAt(node.start);
            if (ch === 39 /* ' */) style.single++;
            else if (ch === 34 /* " */) style.double++;
          }
          break;
        case 'JSXAttribute':
          jsx = true;
          break;
      }
      if (!jsx && STATEMENT_TYPES.has(node.type) && typeof node.end === 'number') {
        if (text.charCodeAt(node.end - 1) === 59 /* ; */) style.withSemi++;
        else style.withoutSemi++;
      }
      for (const k of Object.keys(node)) {
        if (SKIPPED_KEYS.has(k)) continue;
        const v = node[k];
        if (v === null || typeof v !== 'object') continue;
        if (Array.isArray(v)) {
          for (let i = v.length - 1; i >= 0; i--) {
            const c = v[i];
            if (c && typeof c.type === 'string') {
              c[PARENT] = node;
              stack.push(c);
              inJsxAttr.push(jsx);
            }
          }
        } else if (typeof v.type === 'string') {
          v[PARENT] = node;
          stack.push(v);
          inJsxAttr.push(jsx);
        }
      }
    }
    // Source order (the walk is depth-first but pushes children in reverse).
    for (const list of [this.calls, this.news, this.assignments, this.templates, this.declarators]) list.sort((a, b) => a.start - b.start);
  }

  identifiersNamed(name: string): Node[] {
    return this.identifiers.get(name) ?? [];
  }

  parentOf(node: Node): Node | null {
    return node === this.file ? null : (node[PARENT] ?? null);
  }

  /** The ast-types NodePath of `node`, built by descending from the root along its parent chain. */
  pathOf(node: Node): Path {
    const chain: Node[] = [];
    for (let n = node; n !== this.file; ) {
      const parent: Node | undefined = n[PARENT];
      if (!parent) throw new Error('node is not in this file');
      chain.push(n);
      n = parent;
    }
    let p = this.rootPath;
    for (let i = chain.length - 1; i >= 0; i--) {
      const child = chain[i];
      const parent: Node = child[PARENT];
      let step: Path | null = null;
      for (const k of Object.keys(parent)) {
        if (SKIPPED_KEYS.has(k)) continue;
        const v = parent[k];
        if (v === child) {
          step = p.get(k);
          break;
        }
        if (Array.isArray(v)) {
          const idx = v.indexOf(child);
          if (idx >= 0) {
            step = p.get(k, idx);
            break;
          }
        }
      }
      if (!step) throw new Error('node is not in this file');
      p = step;
    }
    return p;
  }

  /**
   * True when `name`, used at `node`, is not shadowed by any enclosing function, block, catch
   * clause or loop, i.e. it refers to the module-level binding (or a global).
   */
  resolvesToModuleScope(node: Node, name: string): boolean {
    let child = node;
    for (let p = this.parentOf(node); p; child = p, p = this.parentOf(p)) {
      if (p.type === 'Program' || p.type === 'File') return true;
      if (this.declares(p, child, name)) return false;
    }
    return true;
  }

  private declares(scopeNode: Node, child: Node, name: string): boolean {
    if (isFunction(scopeNode)) {
      // A function expression's own name is visible inside it.
      if (scopeNode.type === 'FunctionExpression' && scopeNode.id?.name === name) return true;
      if (scopeNode.params.some((p: Node) => patternNames(p).includes(name))) return true;
      if (scopeNode.body?.type === 'BlockStatement') return this.declaredInFunctionBody(scopeNode.body).has(name);
      return false;
    }
    if (scopeNode.type === 'CatchClause') return patternNames(scopeNode.param).includes(name);
    if ((scopeNode.type === 'ForStatement' && scopeNode.init?.type === 'VariableDeclaration') || ((scopeNode.type === 'ForInStatement' || scopeNode.type === 'ForOfStatement') && scopeNode.left.type === 'VariableDeclaration')) {
      return patternNames(scopeNode.type === 'ForStatement' ? scopeNode.init : scopeNode.left).includes(name);
    }
    if (scopeNode.type === 'ClassExpression' && scopeNode.id?.name === name) return true;
    if ((scopeNode.type === 'BlockStatement' || scopeNode.type === 'StaticBlock') && child !== scopeNode) return this.lexicalIn(scopeNode.body).has(name);
    if (scopeNode.type === 'SwitchStatement') return this.lexicalIn(scopeNode.cases.flatMap((c: Node) => c.consequent)).has(name);
    return false;
  }

  /** let/const/class/function declared directly in a statement list. */
  private lexicalIn(list: Node[]): Set<string> {
    const out = new Set<string>();
    for (const st of list) {
      if (st.type === 'VariableDeclaration') for (const d of st.declarations) patternNames(d.id).forEach((n) => out.add(n));
      if ((st.type === 'FunctionDeclaration' || st.type === 'ClassDeclaration') && st.id) out.add(st.id.name);
    }
    return out;
  }

  /** Every name a function body declares: its lexical names plus `var`s anywhere outside nested functions. */
  private declaredInFunctionBody(body: Node): Set<string> {
    let set = this.declaredIn.get(body);
    if (set) return set;
    set = this.lexicalIn(body.body);
    const stack: Node[] = [...body.body];
    while (stack.length) {
      const n = stack.pop()!;
      if (isFunction(n)) continue;
      if (n.type === 'VariableDeclaration' && n.kind === 'var') for (const d of n.declarations) patternNames(d.id).forEach((x) => set!.add(x));
      forEachChildNode(n, (c) => stack.push(c));
    }
    this.declaredIn.set(body, set);
    return set;
  }
}
