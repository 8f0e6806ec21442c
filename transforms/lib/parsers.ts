/**
 * One parser per file, chosen from its extension, never one parser for all: TSX syntax is invalid
 * TS (`<T>x` casts), and Flow-flavoured Babel misreads some plain JS, so
 *   .tsx            -> jscodeshift's `tsx` parser
 *   .ts .mts .cts   -> jscodeshift's `ts` parser
 *   .js .jsx .mjs .cjs -> @babel/parser with JSX (no Flow), sourceType inferred per file.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

interface Parser {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  parse(code: string): any;
}

let babelJsx: Parser | null = null;

function jsParser(): Parser {
  if (babelJsx) return babelJsx;
  const babel = require('@babel/parser') as { parse(code: string, opts: object): unknown };
  const options = {
    sourceType: 'unambiguous',
    allowImportExportEverywhere: true,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    errorRecovery: false,
    startLine: 1,
    tokens: true,
    plugins: [
      'jsx',
      'classProperties',
      'classPrivateProperties',
      'classPrivateMethods',
      ['decorators', { decoratorsBeforeExport: false }],
      'dynamicImport',
      'exportDefaultFrom',
      'importMeta',
      'importAttributes',
      'nullishCoalescingOperator',
      'numericSeparator',
      'objectRestSpread',
      'optionalCatchBinding',
      'optionalChaining',
      'topLevelAwait',
    ],
  };
  babelJsx = { parse: (code: string) => babel.parse(code, options) };
  return babelJsx;
}

export type ParserChoice = 'ts' | 'tsx' | Parser;

export function parserFor(file: string): ParserChoice {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.tsx') return 'tsx';
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') return 'ts';
  return jsParser();
}
