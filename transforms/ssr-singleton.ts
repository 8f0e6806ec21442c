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
 * `jscodeshift -t dist/transforms/ssr-singleton.js` runs it too; `migrate` is the same logic
 * returning findings (rule id + offsets), which the CLI turns into records (src/findings.ts).
 *
 * This file is the entry only. The phases live in ./ssr-singleton/, one file each: find.ts (which
 * createAlova calls), options.ts (an options object sorted into a plan), checks.ts (reasons against
 * a factory, collected, never thrown), hoist.ts (where the instance goes), emit.ts (plan -> text
 * edits), chained by migrate.ts; rule ids and messages are in lib/rules.ts.
 *
 * Conservative by design: whenever a factory cannot be moved faithfully, that factory is left
 * unchanged and a manual-review record says why, for every reason found, at the place it stands.
 * The other factories of the file still migrate. Wrong output is worse than no output.
 */
import { patternNames } from './lib/ast.js';
import { positionAt } from './lib/positions.js';
import { type RuleId, ruleMessage, rules } from './lib/rules.js';
import { idPathOf } from './lib/factory-id.js';
import { shiftFindings } from './lib/findings.js';
import { type MigrateOptions, type MigrateResult, unchangedResult } from './ssr-singleton/api.js';
import { migrateFile } from './ssr-singleton/migrate.js';

export { rules, patternNames };
export { type CacheMode, type MigrateOptions, type MigrateResult, TransformParseError } from './ssr-singleton/api.js';
export const name = 'ssr-singleton';
export const ruleIds = Object.keys(rules) as RuleId[];

/** Migrates one file's text: the output (null when unchanged) and findings with offsets into `source`. */
export function migrate(source: string, filePath: string, options: MigrateOptions = {}): MigrateResult {
  // The transform only acts on createAlova calls: a file that does not mention it is never parsed
  // (this is what makes plain `jscodeshift -t` runs cheap too).
  if (!source.includes('createAlova')) return unchangedResult();
  const hasBom = source.charCodeAt(0) === 0xfeff;
  const result = migrateFile(hasBom ? source.slice(1) : source, filePath, options);
  if (hasBom) {
    // The transform saw the text without its BOM: offsets and output are of the file as it is.
    if (result.output !== null) result.output = '\uFEFF' + result.output;
    shiftFindings(result.findings, 1);
  }
  return result;
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
  const bom = file.source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const text = bom ? file.source.slice(1) : file.source;
  for (const f of result.findings) {
    if (f.kind !== 'item') continue;
    // Findings index the source as given; the BOM is not a column.
    const at = positionAt(text, Math.max(0, f.start - bom));
    api.report(`${shown}:${at.line}:${at.col} ${f.ruleId} ${ruleMessage(f.ruleId, f.detail)}`);
  }
  return result.output;
}
