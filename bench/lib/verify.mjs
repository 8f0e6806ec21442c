// Compares the CLI's JSON report (src/records.ts RunReport) with the corpus' expected.json.
//
// A migration changes the factory's own module and nothing else: its callers keep calling it as
// written. So:
//   - a factory is found when an edit in its file is anchored at the line of its
//     `createAlova(` call (or, when --factory-rule is given, an edit with that rule id);
//   - a planted call site must be left as written: no edit at its line:col (with matchLine,
//     anywhere on its line), and a file that holds call sites but no factory must not change
//     at all (status, edits or review items).
// Edits whose rule id looks like a factory rule (or equals the given rule id) but sit anywhere
// else are "extra". Per-file and summary factoriesMigrated counters are compared too, so a
// report that anchors its edits somewhere unexpected still shows up as a count mismatch.
import path from 'node:path';

const FACTORY_RULE = /factor|hoist|instance|singleton|create-?alova/i;
const CALL_RULE = /call|site|rewire|usage|wire/i;

function classify(ruleId, opts) {
  if (opts.factoryRule && ruleId === opts.factoryRule) return 'factory';
  if (opts.callSiteRule && ruleId === opts.callSiteRule) return 'call';
  if (opts.factoryRule || opts.callSiteRule) return 'other';
  if (CALL_RULE.test(ruleId)) return 'call';
  if (FACTORY_RULE.test(ruleId)) return 'factory';
  return 'other';
}

/**
 * @param {any} report parsed RunReport
 * @param {any} expected parsed expected.json
 * @param {{ corpusDir: string, cwd: string, factoryRule?: string, callSiteRule?: string, matchLine?: boolean }} opts
 */
export function verifyReport(report, expected, opts) {
  const norm = (file) => path.relative(opts.corpusDir, path.resolve(opts.cwd, file)).split(path.sep).join('/');
  const expF = new Map(expected.factories.map((f) => [`${f.file}:${f.line}`, f]));
  const expPerFile = new Map();
  for (const f of expected.factories) expPerFile.set(f.file, (expPerFile.get(f.file) ?? 0) + 1);
  const callerOnlyFiles = new Set(expected.callSites.map((c) => c.file).filter((f) => !expPerFile.has(f)));
  const mentionFiles = new Set(expected.mentions.map((m) => m.file));

  const gotF = new Map();
  const editsAt = new Map();
  const ruleCounts = {};
  const itemCounts = {};
  const problems = [];
  const failed = [];
  const unexpectedFiles = [];
  const changedCallers = [];
  const statusCounts = {};
  const counterMismatch = [];
  const seenFiles = new Set();

  for (const rec of report.files ?? []) {
    const file = norm(rec.file);
    seenFiles.add(file);
    statusCounts[rec.status] = (statusCounts[rec.status] ?? 0) + 1;
    if (rec.status === 'failed') failed.push({ file, reason: rec.reason ?? '', rule: rec.reasonRuleId ?? '' });
    for (const e of rec.edits ?? []) {
      ruleCounts[e.ruleId] = (ruleCounts[e.ruleId] ?? 0) + 1;
      const ef = norm(e.file ?? rec.file);
      for (const key of [`${ef}:${e.line}:${e.col}`, `${ef}:${e.line}`]) editsAt.set(key, [...(editsAt.get(key) ?? []), e]);
      const kind = classify(e.ruleId, opts);
      const fKey = `${ef}:${e.line}`;
      if (kind === 'factory' || (kind === 'other' && !opts.factoryRule && expF.has(fKey))) gotF.set(fKey, e);
    }
    const serious = (rec.items ?? []).filter((i) => i.kind !== 'warning');
    for (const i of rec.items ?? []) itemCounts[`${i.kind}:${i.ruleId}`] = (itemCounts[`${i.kind}:${i.ruleId}`] ?? 0) + 1;
    const touched = (rec.edits ?? []).length > 0 || serious.length > 0 || rec.status === 'changed' || rec.status === 'would-change';
    if (callerOnlyFiles.has(file)) {
      if (touched) changedCallers.push({ file, status: rec.status, edits: (rec.edits ?? []).length, items: serious.map((i) => `${i.kind}:${i.ruleId}@${i.line}`) });
      continue;
    }
    const exp = expPerFile.get(file);
    if (!exp && !rec.created && ((rec.edits ?? []).length > 0 || serious.length > 0)) {
      unexpectedFiles.push({ file, mention: mentionFiles.has(file), edits: (rec.edits ?? []).length, items: serious.map((i) => `${i.kind}:${i.ruleId}@${i.line}`) });
    }
    if (exp && !rec.created && (rec.factoriesMigrated ?? 0) !== exp) {
      counterMismatch.push({ file, expected: exp, got: rec.factoriesMigrated ?? 0, items: serious.map((i) => `${i.kind}:${i.ruleId}@${i.line}: ${i.message}`) });
    }
  }

  const missingF = [...expF.keys()].filter((k) => !gotF.has(k)).map((k) => expF.get(k));
  const extraF = [...gotF.keys()].filter((k) => !expF.has(k)).map((k) => ({ key: k, ruleId: gotF.get(k).ruleId }));
  // A call site in a factory module: that module changes (the factory above it is rewritten), so
  // only an edit anchored at the call itself counts; a caller-only file must not change at all.
  const touchedCallSites = expected.callSites.filter((c) => {
    if (callerOnlyFiles.has(c.file) && changedCallers.some((x) => x.file === c.file)) return true;
    const at = editsAt.get(opts.matchLine ? `${c.file}:${c.line}` : `${c.file}:${c.line}:${c.col}`) ?? [];
    return at.some((e) => classify(e.ruleId, opts) === 'call');
  });
  const filesNotInReport = [...expPerFile.keys()].filter((f) => !seenFiles.has(f));

  const s = report.summary ?? {};
  if (s.factoriesMigrated !== expected.factories.length) problems.push(`summary.factoriesMigrated = ${s.factoriesMigrated}, expected ${expected.factories.length}`);
  if (missingF.length) problems.push(`${missingF.length} planted factories not reported at their createAlova( line`);
  if (extraF.length) problems.push(`${extraF.length} factory edits at positions that were not planted`);
  if (changedCallers.length) problems.push(`${changedCallers.length} files that only call a factory were changed or reported (callers must stay as written)`);
  if (touchedCallSites.length) problems.push(`${touchedCallSites.length} planted call sites were edited (callers must stay as written)`);
  if (counterMismatch.length) problems.push(`${counterMismatch.length} planted files with per-file counters different from expected`);
  if (unexpectedFiles.length) problems.push(`${unexpectedFiles.length} files reported (edits or review items) that hold no planted code (${unexpectedFiles.filter((u) => u.mention).length} of them mention-only files)`);
  if (failed.length) problems.push(`${failed.length} files failed`);
  if (filesNotInReport.length) problems.push(`${filesNotInReport.length} planted files missing from report.files`);

  return {
    ok: problems.length === 0,
    problems,
    expected: { factories: expected.factories.length, callSites: expected.callSites.length },
    matched: { factories: expected.factories.length - missingF.length, callSitesUntouched: expected.callSites.length - touchedCallSites.length },
    summary: { factoriesMigrated: s.factoriesMigrated ?? null, filesScanned: s.filesScanned ?? null, filesNotApplicable: s.filesNotApplicable ?? null },
    filesInReport: (report.files ?? []).length,
    statusCounts,
    ruleCounts,
    itemCounts,
    missingFactories: missingF,
    extraFactories: extraF,
    touchedCallSites,
    changedCallers,
    counterMismatch,
    unexpectedFiles,
    failed,
    filesNotInReport,
  };
}

/** Human-readable diff of a verification result (bounded length). */
export function formatVerification(v, max = 15) {
  const out = [];
  const head = (list, fmt) => {
    for (const x of list.slice(0, max)) out.push(fmt(x));
    if (list.length > max) out.push(`  ... and ${list.length - max} more`);
  };
  out.push(`factories: ${v.matched.factories}/${v.expected.factories} matched; call sites left as written: ${v.matched.callSitesUntouched}/${v.expected.callSites}; ` +
    `report: ${v.filesInReport} file records, summary.factoriesMigrated=${v.summary.factoriesMigrated}`);
  if (v.ok) {
    out.push('verification: OK (report lists exactly the planted factories; every caller left as written)');
    return out.join('\n');
  }
  out.push('verification: MISMATCH');
  for (const p of v.problems) out.push(`  * ${p}`);
  head(v.missingFactories, (f) => `  - factory   ${f.file}:${f.line}:${f.col} ${f.name} (planted, not reported)`);
  head(v.extraFactories, (f) => `  + factory   ${f.key} [${f.ruleId}] (reported, not planted)`);
  head(v.touchedCallSites, (c) => `  ~ call site ${c.file}:${c.line}:${c.col} ${c.callee}(...) in ${c.function} (edited; must stay as written)`);
  head(v.changedCallers, (c) => `  ~ caller    ${c.file}: ${c.status}, ${c.edits} edits${c.items.length ? `, items ${c.items.slice(0, 3).join(', ')}` : ''} (must stay as written)`);
  head(v.counterMismatch, (m) => `  ~ counters  ${m.file}: expected ${m.expected} factories, got ${m.got}${m.items.length ? `; items: ${m.items.slice(0, 3).join(' | ')}` : ''}`);
  head(v.unexpectedFiles, (u) => `  + file      ${u.file}${u.mention ? ' (mention-only!)' : ''}: ${u.edits} edits${u.items.length ? `, items ${u.items.slice(0, 3).join(', ')}` : ''}`);
  head(v.failed, (f) => `  ! failed    ${f.file}: ${f.rule} ${f.reason}`);
  head(v.filesNotInReport, (f) => `  ? absent    ${f} (planted file has no record in report.files)`);
  out.push(`  rule ids seen: ${JSON.stringify(v.ruleCounts)}; items: ${JSON.stringify(v.itemCounts)}`);
  return out.join('\n');
}
