/**
 * Presets that forward their caller's options (`createServerAlova(options)` spreading
 * `...options`): the shared instance's dispatching hooks, the module-level check of a caller's
 * keys, and the per-call options the factory records in the handle's data.
 */
import { type Node, type Path, staticKey } from '../lib/ast.js';
import { CONTEXT_EXPORTS } from '../lib/context-module.js';
import type { TextEdit } from '../lib/text-edits.js';
import { applyEditsWithin, removePropertyEdit } from './edit-text.js';
import type { FileContext } from './file-context.js';
import { factoryLabel } from './names.js';
import { PRESET_PER_CALL_KEYS } from './options.js';

/** The handle's data key that holds a preset's per-call options (like `$baseURL`, not a JS name a factory would use). */
export const PRESET_OPTIONS_KEY = '$options';

/**
 * The shared instance's hooks of a preset: each request applies its own call's baseURL and
 * timeout the way a moved option is applied (a Method's own value wins), then runs that call's
 * beforeRequest and responded hooks; without them it behaves as alova's defaults (the response as
 * it is, a rejection rethrown).
 */
export function presetDispatchers(ctx: FileContext, storeKey: string, indent: string): string[] {
  const { eol, indent: step } = ctx.style;
  const i1 = indent + step;
  const i2 = i1 + step;
  const use = `${CONTEXT_EXPORTS.use}(${ctx.q(storeKey)})`;
  const o = PRESET_OPTIONS_KEY;
  const semi = ctx.semi();
  const lines = (head: string, body: string[]) => [head, ...body, `${indent}}`].join(eol);
  const before = lines('beforeRequest(method) {', [
    `${i1}const { ${o} } = ${use}${semi}`,
    `${i1}if (!method.baseURL) method.baseURL = ${o}.baseURL || ${ctx.q('')}${semi}`,
    `${i1}if (method.config.timeout === undefined) method.config.timeout = ${o}.timeout${semi}`,
    `${i1}return ${o}.beforeRequest?.(method)${semi}`,
  ]);
  const responded = lines('responded: {', [
    `${i1}onSuccess(response, method) {`,
    `${i2}const { responded } = ${use}.${o}${semi}`,
    `${i2}const onSuccess = typeof responded === ${ctx.q('function')} ? responded : responded?.onSuccess${semi}`,
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
  ]);
  return [before, responded];
}

/**
 * A module-level check the migrated factory runs on its caller's options: a key the shared
 * instance cannot take per call throws at once, instead of being silently ignored.
 */
function presetCheck(ctx: FileContext, helper: string, allowed: string[], fnPath: Path): string {
  const { eol, indent: i1 } = ctx.style;
  const ts = ctx.flavor() === 'ts';
  const semi = ctx.semi();
  const label = factoryLabel(fnPath) ?? helper;
  const message = `${ctx.q(`${label}: the option `)} + key + ${ctx.q(' cannot be passed per call, every call shares one alova instance (see alova-ssr-migrate docs/migration.md, presets)')}`;
  return [
    `// Options a caller of ${label} may pass per call; the shared instance keeps every other one.`,
    `function ${helper}${ts ? '<T>' : ''}(options${ts ? ': T' : ''})${ts ? ': T' : ''} {`,
    `${i1}for (const key of Object.keys(options ?? {})) {`,
    `${i1}${i1}if (![${allowed.map((k) => ctx.q(k)).join(', ')}].includes(key)) throw new Error(${message})${semi}`,
    `${i1}}`,
    `${i1}return options${semi}`,
    '}',
    '',
    '',
  ].join(eol);
}

/** The names of a preset's module-level helpers: the key check, and (TypeScript) the typed identity. */
export interface PresetHelpers {
  check: string;
  typed: string;
}

/** The module-level helpers of a preset's instance, as text to follow its declaration; allocates their names. */
export function presetHelpers(ctx: FileContext, instanceName: string, props: Node[], preset: Node, fnPath: Path): { text: string; helpers: PresetHelpers } {
  const check = ctx.uniqueName(`${instanceName}Options`);
  const after = props.slice(props.indexOf(preset) + 1).map((p) => staticKey(p)).filter((k): k is string => !!k);
  let text = presetCheck(ctx, check, [...new Set([...PRESET_PER_CALL_KEYS, ...after])], fnPath);
  let typed = '';
  if (ctx.flavor() === 'ts') {
    // Inside the handle's data the hooks would lose alova's parameter types (implicit any):
    // an identity typed as the instance's own options gives them back.
    typed = ctx.uniqueName(`${instanceName}CallOptions`);
    text += [
      `// ${instanceName}'s options for one call, typed as the instance's own.`,
      `function ${typed}(options: Partial<typeof ${instanceName}.options>) {`,
      `${ctx.style.indent}return options${ctx.semi()}`,
      '}',
      '',
      '',
    ].join(ctx.style.eol);
  }
  return { text, helpers: { check, typed } };
}

/** The preset's per-call options as the factory evaluates them: its own per-call keys and the caller's, in their order. */
export function perCallOptionsText(ctx: FileContext, cfg: Node, preset: Node, perCall: Node[], helpers: PresetHelpers): string {
  const edits: TextEdit[] = [];
  for (const p of cfg.properties) if (p !== preset && !perCall.includes(p)) edits.push(removePropertyEdit(ctx.text, p));
  const arg = preset.argument;
  edits.push({ start: arg.start, end: arg.end, text: `${helpers.check}(${ctx.text.slice(arg.start, arg.end)})` });
  const options = applyEditsWithin(ctx.text, cfg.start, cfg.end, edits);
  return `${PRESET_OPTIONS_KEY}: ${helpers.typed ? `${helpers.typed}(${options})` : options}`;
}
