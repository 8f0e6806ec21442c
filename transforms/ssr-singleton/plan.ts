/**
 * The plan the options phase makes of one createAlova options object, which the checks read and
 * the emit phase turns into text edits.
 */
import { type Node, type Path, unwrapExpression } from '../lib/ast.js';

/** A factory binding a hook reads (request data), and where it reads it. */
export interface Capture {
  name: string;
  refs: Path[];
}

/** A function-valued option (a hook): the request bindings it reads, and the statements moved into it. */
export interface LazyHook {
  fn: Node;
  fnPath: Path;
  names: Set<string>;
  moved: string[];
}

/** baseURL or timeout, moved from the options into beforeRequest (alova reads both after the hook). */
export interface MovedOption {
  key: 'baseURL' | 'timeout';
  prop: Node;
  expr: Node;
  /** The request bindings its value reads. */
  names: Set<string>;
  /** A module-level value that may change after load (read when the factory used to, not once at load). */
  dynamic: boolean;
  /** Computed by the factory and passed in the handle's data (rather than re-read in the hook). */
  viaStore: boolean;
}

export interface OptionsPlan {
  props: Node[];
  /** Each static key's property (the last one, as alova sees it). */
  keys: Map<string, Node>;
  lastSpreadIndex: number;
  lazy: LazyHook[];
  moved: MovedOption[];
  captured: Map<string, Capture>;
  /** The spread of a preset that forwards its caller's options, or null. */
  preset: Node | null;
  /** A preset's own per-call keys, evaluated per call in the factory. */
  perCall: Node[];
  /** Framework context reads the hooks re-evaluate instead of recorded data (framework.ts), or null. */
  framework: Node[] | null;
}

/** The context key under which the factory stores a moved option's value. */
export function movedKey(key: 'baseURL' | 'timeout'): string {
  return `$${key}`;
}

/** The hook function of a `beforeRequest` property (method or function value). */
export function hookFunction(prop: Node | undefined): Node | undefined {
  return prop && (prop.type === 'ObjectMethod' ? prop : unwrapExpression(prop.value));
}
