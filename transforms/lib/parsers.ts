/**
 * One parser per file, chosen from its extension, never one parser for all: TSX syntax is invalid
 * TS (`<T>x` casts), and Flow-flavoured Babel misreads some plain JS, so
 *   .tsx               -> @babel/parser with jscodeshift's `tsx` plugin set (typescript + jsx)
 *   .ts .mts .cts      -> @babel/parser with jscodeshift's `ts` plugin set (typescript)
 *   .js .jsx .mjs .cjs -> @babel/parser with JSX (no Flow), sourceType inferred per file.
 *
 * We call @babel/parser directly and hand the AST to jscodeshift (`j(ast)`) instead of letting
 * jscodeshift parse through recast: recast rewrites `start`/`end` from tab-expanded columns, so
 * offsets drift in tab-indented files, and our edits are offset-based. It is also much faster
 * (no token copying or reprint bookkeeping, which we never use).
 */
import path from 'node:path';
import { parse as babelParse } from '@babel/parser';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AST = any;

const COMMON = {
  allowImportExportEverywhere: true,
  allowReturnOutsideFunction: true,
  startLine: 1,
  tokens: false,
  errorRecovery: false,
  // Comments stay in `file.comments`; attaching them to nodes costs parse time we do not need.
  attachComment: false,
};

/** Syntax both plugin sets enable (jscodeshift's lists share these). */
const COMMON_PLUGINS: unknown[] = [
  'dynamicImport',
  'exportDefaultFrom',
  'importAttributes',
  'importMeta',
  'nullishCoalescingOperator',
  'numericSeparator',
  'objectRestSpread',
  'optionalCatchBinding',
  'optionalChaining',
  'topLevelAwait',
];

/** The plugins of jscodeshift's parser/tsOptions.js (minus the Flow-only ones), plus typescript. */
const TS_PLUGINS: unknown[] = [
  'asyncGenerators',
  'decoratorAutoAccessors',
  'bigInt',
  'classPrivateMethods',
  'classPrivateProperties',
  'classProperties',
  'decorators-legacy',
  ...COMMON_PLUGINS,
  'typescript',
];

const JS_PLUGINS: unknown[] = ['jsx', 'classProperties', 'classPrivateProperties', 'classPrivateMethods', ['decorators', { decoratorsBeforeExport: false }], ...COMMON_PLUGINS];

export type ParserKind = 'ts' | 'tsx' | 'js';

export function parserKind(file: string): ParserKind {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.tsx') return 'tsx';
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') return 'ts';
  return 'js';
}

/** Parses `code` as the file at `file` would be parsed. Throws Babel's SyntaxError (with `loc`). */
export function parseFile(code: string, file: string): AST {
  const kind = parserKind(file);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const parse = babelParse as (code: string, opts: any) => AST;
  if (kind === 'js') return parse(code, { ...COMMON, sourceType: 'unambiguous', plugins: JS_PLUGINS });
  return parse(code, { ...COMMON, sourceType: 'module', plugins: kind === 'tsx' ? ['jsx', ...TS_PLUGINS] : TS_PLUGINS });
}
