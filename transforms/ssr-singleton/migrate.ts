/**
 * The thin chain of phases for one file: find -> (per factory) options -> checks -> hoist -> emit,
 * then the context import and the text edits. Each factory is its own unit: one that cannot be
 * migrated stays exactly as it is, with one item per reason found, and the others still migrate.
 */
import { type Path, enclosingFunction, findPathOf, unwrapExpression } from '../lib/ast.js';
import { factoryId } from '../lib/factory-id.js';
import type { Finding, ItemFinding } from '../lib/findings.js';
import { itemKindOf, rules } from '../lib/rules.js';
import { EditConflictError, applyEditsDetailed, indentOfLineAt, mapOffset } from '../lib/text-edits.js';
import { type MigrateOptions, type MigrateResult, unchangedResult } from './api.js';
import { checkCapture, checkHookShape, checkLocalTypes, checkOptionsAccess, checkSelfAvailable, securityFindings } from './checks.js';
import { stripPrefix } from './edit-text.js';
import { type Emission, hoistedDeclaration, hookEdits, isolationEntries, placeEntries, wireCallSite, wireMovedOptions } from './emit.js';
import { type Blocker, type Factory, FileContext, itemAt } from './file-context.js';
import { classifyFactories, findCreateAlovaCalls, inClassField, isPerRequest } from './find.js';
import { frameworkDerived } from './framework.js';
import { hoistPoint } from './hoist.js';
import { planImport } from './imports.js';
import { instanceBaseName } from './names.js';
import { placeMovedOptions, sortOptions } from './options.js';
import type { OptionsPlan } from './plan.js';
import { fixSingleton, methodConfigItems, singletonProblems } from './singletons.js';

/** Migrates one file's text (without a BOM). */
export function migrateFile(text: string, filePath: string, options: MigrateOptions): MigrateResult {
  const ctx = new FileContext(text, filePath, options);
  const calls = findCreateAlovaCalls(ctx);
  // Only per-request server code is migrated. What is left alone gets no change and no blocking
  // item, only a left-alone record (counted in the summary) and, for universal code, advice.
  const classified = classifyFactories(ctx, calls.filter((p) => isPerRequest(p) || inClassField(p)));
  if (classified.wholeFile) return unchangedResult([...classified.items, ...classified.leftAlone]);
  const perRequest = calls.filter((p) => isPerRequest(p) && classified.migrate.has(p.node));
  // A class field initialiser runs once per object (`new C()` per request): not module level.
  const classFields = calls.filter((p) => !isPerRequest(p) && inClassField(p) && classified.migrate.has(p.node));
  const unsafe = calls.filter((p) => !isPerRequest(p) && !inClassField(p)).map((p) => ({ path: p, problems: singletonProblems(ctx, p) })).filter((u) => u.problems.length);
  // Reported whatever else happens to the file (the code is left as it is): see the rule.
  const shareItems = methodConfigItems(ctx);
  const untouched: Finding[] = [...classified.items, ...shareItems, ...classified.leftAlone];
  if (perRequest.length === 0 && unsafe.length === 0 && classFields.length === 0) return unchangedResult(untouched);

  ctx.prepareToEdit();
  // Not migrated: the options of a field initialiser may read `this` of an object that does not
  // exist yet at module level, and the field is not a function the handle could be returned from.
  for (const f of classFields) ctx.items.push(itemAt('instance-escapes', f.node, 'created in a class field, once per object'));
  for (const u of unsafe) fixSingleton(ctx, u.path, u.problems);
  // Its callers never change, so nothing elsewhere depends on the decision about one factory.
  for (const call of perRequest) migrateFactory(ctx, call);
  return finish(ctx, calls.map((p) => p.node), untouched);
}

/** Adds the import and applies every edit; each edit finding also gets its range in the output. */
function finish(ctx: FileContext, calls: Path['node'][], untouched: Finding[]): MigrateResult {
  // Every factory needs the import, so when it cannot be added the file stays unchanged.
  let refused = planImport(ctx, calls);
  let edited: ReturnType<typeof applyEditsDetailed> | null = null;
  if (!refused) {
    for (const h of ctx.hoisted) ctx.edits.push({ start: h.at, end: h.at, text: h.text, order: -10 });
    try {
      edited = applyEditsDetailed(ctx.text, ctx.edits);
    } catch (err) {
      if (!(err instanceof EditConflictError)) throw err;
      // Two planned changes overlap, typically a factory called inside another factory's options
      // (a hook that awaits another request): left for review rather than failed.
      const at = Number(/offset (\d+)/.exec(err.message)?.[1] ?? 0);
      refused = { ruleId: 'unsupported-config', node: { type: 'Offset', start: at, end: at }, detail: 'two changes would overlap here: a factory called inside the options of another factory?' };
    }
  }
  if (!edited) {
    // Findings true of the code as it is (security, persistent warnings) and the factories' own blockers stay.
    const keep = ctx.items.filter((i) => itemKindOf(i.ruleId) === 'security' || (itemKindOf(i.ruleId) === 'manual-review' && rules[i.ruleId].severity === 'error'));
    return unchangedResult([...keep, itemAt(refused!.ruleId, refused!.node, refused!.detail), ...untouched]);
  }
  const { text: output, applied } = edited;
  for (const r of ctx.records) {
    const { start, end } = r;
    let from = mapOffset(applied, start, 'start');
    let to = mapOffset(applied, end, 'end');
    // A pure insertion (the import): the inserted text.
    if (start === end) [from, to] = [mapOffset(applied, start, 'end'), mapOffset(applied, start, 'start')];
    // Options that moved into a hoisted instance: the new module-level declaration.
    const moved = r.ruleId !== 'provide-request-context' && ctx.hoisted.find((h) => start >= h.callStart && end <= h.callEnd);
    if (moved) {
      const at = output.indexOf(moved.text, Math.max(0, mapOffset(applied, moved.at, 'end') - 1));
      if (at >= 0) [from, to] = [at, at + moved.text.trimEnd().length];
    }
    r.after = { start: from, end: Math.max(from, to) };
  }
  const changed = output !== ctx.text;
  return {
    output: changed ? output : null,
    findings: [...(changed ? ctx.records : []), ...ctx.items, ...untouched],
    factoriesMigrated: changed ? ctx.factoriesMigrated : 0,
    contextFlavor: changed ? ctx.flavor() : null,
  };
}

/**
 * Migrates one factory, or leaves it exactly as it is with one item per reason found. Planned
 * changes, records, names and imports of a refused factory are rolled back; its security
 * findings stay (they are true of the code as it is).
 */
function migrateFactory(ctx: FileContext, call: Path): void {
  const mark = { edits: ctx.edits.length, records: ctx.records.length, items: ctx.items.length, hoisted: ctx.hoisted.length, needed: new Set(ctx.needed), usedNames: new Set(ctx.usedNames), migrated: ctx.factoriesMigrated };
  let reasons: Blocker[];
  try {
    reasons = migrateCall(ctx, call);
  } catch (err) {
    // ast-types' scope analysis asserts node shapes it does not know (a `catch { }` without a
    // binding): the factory cannot be analysed for certain, so it is left for review, not failed.
    if (!/does not match type/.test(String((err as Error)?.message))) throw err;
    reasons = [{ ruleId: 'unsupported-syntax', node: call.node, detail: String((err as Error).message).split('\n')[0] }];
  }
  if (!reasons.length) return;
  const security = ctx.items.slice(mark.items).filter((i) => itemKindOf(i.ruleId) === 'security');
  ctx.edits.length = mark.edits;
  ctx.records.length = mark.records;
  ctx.items.length = mark.items;
  ctx.hoisted.length = mark.hoisted;
  ctx.needed = mark.needed;
  ctx.usedNames = mark.usedNames;
  ctx.factoriesMigrated = mark.migrated;
  ctx.items.push(...security, ...uniqueReasons(reasons));
}

/** One per-request createAlova call through the phases; returns the reasons against it (none: migrated). */
function migrateCall(ctx: FileContext, callPath: Path): Blocker[] {
  const call = callPath.node;
  const fnPath = enclosingFunction(callPath)!;
  // Only an inline object literal can be checked option by option.
  if (call.arguments.length !== 1 || unwrapExpression(call.arguments[0]).type !== 'ObjectExpression') return [{ ruleId: 'unsupported-config', node: call }];
  const cfg = unwrapExpression(call.arguments[0]);
  const f: Factory = { call, callPath, fnPath, cfg, cfgPath: findPathOf(callPath.get('arguments', 0), cfg), blockers: [], selfCapture: null };
  const major = ctx.alovaMajor(cfg);
  const instanceName = ctx.uniqueName(instanceBaseName(callPath, fnPath, ctx.filePath));
  const plan = sortOptions(ctx, f);
  for (const c of plan.captured.values()) checkCapture(f, c);
  checkOptionsAccess(ctx, f);
  checkLocalTypes(f);
  // Values computed only from the framework's own request context (Next's next/headers, Nitro's
  // useEvent) are re-evaluated in the hooks at request time: no store and no wrapper needed.
  plan.framework = plan.captured.size && !f.selfCapture && !plan.preset ? frameworkDerived(ctx, plan.captured) : null;
  if (f.selfCapture) checkSelfAvailable(f);
  placeMovedOptions(ctx, f, plan);
  securityFindings(ctx, f, plan);
  // Every reason against this factory is reported at once, so the last checks run even when an
  // earlier one refused it; nothing is generated for a refused factory.
  checkHookShape(f, plan);
  const hoistAt = hoistPoint(ctx, f);
  if (f.blockers.length || hoistAt === null) return f.blockers;
  const baseIndent = indentOfLineAt(ctx.text, call.start);
  const propIndent = plan.props.length ? stripPrefix(indentOfLineAt(ctx.text, plan.props[0].start), baseIndent) : ctx.style.indent;
  emitFactory(ctx, f, plan, { instanceName, storeKey: factoryId(ctx.idPath, instanceName), major, baseIndent, propIndent }, hoistAt);
  return f.blockers;
}

/** Phase 5 for one factory: the plan becomes edits, a hoisted declaration and a wired call site. */
function emitFactory(ctx: FileContext, f: Factory, plan: OptionsPlan, e: Emission, hoistAt: number): void {
  if (!wireMovedOptions(ctx, f, plan)) return;
  const edits = hookEdits(ctx, f, plan, e);
  const append = isolationEntries(ctx, plan, e, edits);
  placeEntries(ctx, f, plan, e, append, edits);
  ctx.record('isolate-instance', f.call);
  const decl = hoistedDeclaration(ctx, f, plan, e, append, edits);
  ctx.hoisted.push({ at: hoistAt, text: decl.text, callStart: f.call.start, callEnd: f.call.end });
  ctx.record('hoist-instance', f.call);
  ctx.factoriesMigrated++;
  wireCallSite(ctx, f, plan, e, decl.helpers);
}

/** One item per distinct reason (the same rule at the same place is reported once), in source order. */
function uniqueReasons(reasons: Blocker[]): ItemFinding[] {
  const seen = new Set<string>();
  const inOrder = [...reasons].sort((a, b) => (a.node?.start ?? 0) - (b.node?.start ?? 0));
  return inOrder
    .filter((b) => {
      const key = `${b.ruleId}@${b.node?.start ?? 0}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((b) => itemAt(b.ruleId, b.node, b.detail));
}
