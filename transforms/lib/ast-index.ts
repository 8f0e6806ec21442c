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

type Link = [parent: Node, key: string, index: number | undefined];

export class AstIndex {
  readonly calls: Node[] = [];
  readonly news: Node[] = [];
  readonly assignments: Node[] = [];
  readonly templates: Node[] = [];
  readonly declarators: Node[] = [];
  private readonly identifiers = new Map<string, Node[]>();
  private readonly parent = new Map<Node, Link>();
  private readonly declaredIn = new Map<Node, Set<string>>();

  constructor(
    private readonly file: Node,
    private readonly rootPath: Path,
  ) {
    const stack: [Node, Node | null, string, number | undefined][] = [[file, null, '', undefined]];
    while (stack.length) {
      const [node, parent, key, index] = stack.pop()!;
      if (parent) this.parent.set(node, [parent, key, index]);
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
      }
      for (const k of Object.keys(node)) {
        if (SKIPPED_KEYS.has(k)) continue;
        const v = node[k];
        if (Array.isArray(v)) {
          for (let i = v.length - 1; i >= 0; i--) if (v[i] && typeof v[i].type === 'string') stack.push([v[i], node, k, i]);
        } else if (v && typeof v === 'object' && typeof v.type === 'string') stack.push([v, node, k, undefined]);
      }
    }
    // Source order (the walk is depth-first but pushes children in reverse).
    for (const list of [this.calls, this.news, this.assignments, this.templates, this.declarators]) list.sort((a, b) => a.start - b.start);
  }

  identifiersNamed(name: string): Node[] {
    return this.identifiers.get(name) ?? [];
  }

  parentOf(node: Node): Node | null {
    return this.parent.get(node)?.[0] ?? null;
  }

  /** The ast-types NodePath of `node`, built by descending from the root along its parent chain. */
  pathOf(node: Node): Path {
    const chain: Link[] = [];
    for (let n = node; n !== this.file; ) {
      const link = this.parent.get(n);
      if (!link) throw new Error('node is not in this file');
      chain.push(link);
      n = link[0];
    }
    let p = this.rootPath;
    for (let i = chain.length - 1; i >= 0; i--) {
      const [, key, index] = chain[i];
      p = index === undefined ? p.get(key) : p.get(key, index);
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
