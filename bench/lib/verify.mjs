// Compares the CLI's JSON report (src/records.ts RunReport) with the corpus' expected.json.
//
// Matching is by position, because it is what expected.json knows for sure:
//   - a factory is found when an edit in its file is anchored at the line of its
//     `createAlova(` call (or, when --factory-rule is given, an edit with that rule id);
//   - a call site is found when an edit in its file is anchored at the exact line AND
//     column of the factory call.
// (With matchLine, a call-site edit on the planted line at another column also counts.)
// Edits whose rule id looks like a factory/call-site rule (or equals the given rule ids)
// but sit anywhere else are "extra". Per-file and summary counters
// (factoriesMigrated / callSitesRewired) are compared too, so a report that anchors its
// edits somewhere unexpected still shows up as a count mismatch rather than passing.
import path from 'node:path';

const FACTORY_RULE = /factor|hoist|instance|singleton|create-?alova/i;
const CALL_RULE = /call|site|rewire|usage/i;

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
  const expC = new Map(expected.callSites.map((c) => [`${c.file}:${c.line}:${c.col}`, c]));
  const expPerFile = new Map();
  const bump = (file, key) => {
    const e = expPerFile.get(file) ?? { factories: 0, callSites: 0 };
    e[key]++;
    expPerFile.set(file, e);
  };
  expected.factories.forEach((f) => bump(f.file, 'factories'));
  expected.callSites.forEach((c) => bump(c.file, 'callSites'));
  const mentionFiles = new Set(expected.mentions.map((m) => m.file));

  const gotF = new Map();
  const gotC = new Map();
  const ruleCounts = {};
  const itemCounts = {};
  const problems = [];
  const failed = [];
  const unexpectedFiles = [];
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
      const kind = classify(e.ruleId, opts);
      const fKey = `${ef}:${e.line}`;
      const cKey = `${ef}:${e.line}:${e.col}`;
      if (kind === 'factory' || (kind === 'other' && !opts.factoryRule && expF.has(fKey))) gotF.set(fKey, e);
      else if (kind === 'call' || (kind === 'other' && !opts.callSiteRule && expC.has(cKey))) gotC.set(cKey, e);
    }
    const serious = (rec.items ?? []).filter((i) => i.kind !== 'warning');
    for (const i of rec.items ?? []) itemCounts[`${i.kind}:${i.ruleId}`] = (itemCounts[`${i.kind}:${i.ruleId}`] ?? 0) + 1;
    const exp = expPerFile.get(file);
    if (!exp && !rec.created && ((rec.edits ?? []).length > 0 || serious.length > 0)) {
      unexpectedFiles.push({ file, mention: mentionFiles.has(file), edits: (rec.edits ?? []).length, items: serious.map((i) => `${i.kind}:${i.ruleId}@${i.line}`) });
    }
    if (exp && !rec.created) {
      if ((rec.factoriesMigrated ?? 0) !== exp.factories || (rec.callSitesRewired ?? 0) !== exp.callSites) {
        counterMismatch.push({ file, expected: exp, got: { factories: rec.factoriesMigrated ?? 0, callSites: rec.callSitesRewired ?? 0 }, items: serious.map((i) => `${i.kind}:${i.ruleId}@${i.line}: ${i.message}`) });
      }
    }
  }

  const missingF = [...expF.keys()].filter((k) => !gotF.has(k)).map((k) => expF.get(k));
  const extraF = [...gotF.keys()].filter((k) => !expF.has(k)).map((k) => ({ key: k, ruleId: gotF.get(k).ruleId }));
  let missingC = [...expC.keys()].filter((k) => !gotC.has(k)).map((k) => expC.get(k));
  let extraC = [...gotC.keys()].filter((k) => !expC.has(k)).map((k) => ({ key: k, ruleId: gotC.get(k).ruleId, edit: gotC.get(k) }));
  // A call-site edit on the planted line but at another column (e.g. anchored at the start of
  // the statement instead of the factory call) is its own category, not a miss plus an extra.
  const colMismatch = [];
  for (const c of [...missingC]) {
    const other = extraC.find((x) => x.key.startsWith(`${c.file}:${c.line}:`));
    if (!other) continue;
    colMismatch.push({ file: c.file, line: c.line, plantedCol: c.col, reportedCol: other.edit.col, ruleId: other.ruleId, callee: c.callee });
    missingC = missingC.filter((x) => x !== c);
    extraC = extraC.filter((x) => x !== other);
  }
  extraC = extraC.map(({ key, ruleId }) => ({ key, ruleId }));
  const filesNotInReport = [...expPerFile.keys()].filter((f) => !seenFiles.has(f));

  const s = report.summary ?? {};
  if (s.factoriesMigrated !== expected.factories.length) problems.push(`summary.factoriesMigrated = ${s.factoriesMigrated}, expected ${expected.factories.length}`);
  if (s.callSitesRewired !== expected.callSites.length) problems.push(`summary.callSitesRewired = ${s.callSitesRewired}, expected ${expected.callSites.length}`);
  if (missingF.length) problems.push(`${missingF.length} planted factories not reported at their createAlova( line`);
  if (extraF.length) problems.push(`${extraF.length} factory edits at positions that were not planted`);
  if (missingC.length) problems.push(`${missingC.length} planted call sites not reported at their line:col`);
  if (extraC.length) problems.push(`${extraC.length} call-site edits at positions that were not planted`);
  if (colMismatch.length && !opts.matchLine) {
    const cols = [...new Set(colMismatch.map((m) => `${m.reportedCol} vs ${m.plantedCol}`))].slice(0, 3).join(', ');
    problems.push(`${colMismatch.length} call sites reported on the planted line but at another column (reported vs planted col: ${cols}...; --match-line accepts these)`);
  }
  if (counterMismatch.length) problems.push(`${counterMismatch.length} planted files with per-file counters different from expected`);
  if (unexpectedFiles.length) problems.push(`${unexpectedFiles.length} files reported (edits or review items) that hold no planted code (${unexpectedFiles.filter((u) => u.mention).length} of them mention-only files)`);
  if (failed.length) problems.push(`${failed.length} files failed`);
  if (filesNotInReport.length) problems.push(`${filesNotInReport.length} planted files missing from report.files`);

  return {
    ok: problems.length === 0,
    problems,
    expected: { factories: expected.factories.length, callSites: expected.callSites.length },
    matched: { factories: expected.factories.length - missingF.length, callSites: expected.callSites.length - missingC.length - (opts.matchLine ? 0 : colMismatch.length) },
    colMismatch,
    summary: { factoriesMigrated: s.factoriesMigrated ?? null, callSitesRewired: s.callSitesRewired ?? null, filesScanned: s.filesScanned ?? null, filesNotApplicable: s.filesNotApplicable ?? null },
    filesInReport: (report.files ?? []).length,
    statusCounts,
    ruleCounts,
    itemCounts,
    missingFactories: missingF,
    extraFactories: extraF,
    missingCallSites: missingC,
    extraCallSites: extraC,
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
  out.push(`factories: ${v.matched.factories}/${v.expected.factories} matched; call sites: ${v.matched.callSites}/${v.expected.callSites} matched; ` +
    `report: ${v.filesInReport} file records, summary.factoriesMigrated=${v.summary.factoriesMigrated}, summary.callSitesRewired=${v.summary.callSitesRewired}`);
  if (v.ok) {
    out.push('verification: OK (report lists exactly the planted factories and call sites)');
    return out.join('\n');
  }
  out.push('verification: MISMATCH');
  for (const p of v.problems) out.push(`  * ${p}`);
  head(v.missingFactories, (f) => `  - factory   ${f.file}:${f.line}:${f.col} ${f.name} (planted, not reported)`);
  head(v.extraFactories, (f) => `  + factory   ${f.key} [${f.ruleId}] (reported, not planted)`);
  head(v.missingCallSites, (c) => `  - call site ${c.file}:${c.line}:${c.col} ${c.callee}(...) in ${c.function} (planted, not reported)`);
  head(v.extraCallSites, (c) => `  + call site ${c.key} [${c.ruleId}] (reported, not planted)`);
  head(v.colMismatch ?? [], (m) => `  ~ column    ${m.file}:${m.line} ${m.callee}(...) planted col ${m.plantedCol}, [${m.ruleId}] reported col ${m.reportedCol}`);
  head(v.counterMismatch, (m) => `  ~ counters  ${m.file}: expected ${m.expected.factories} factories/${m.expected.callSites} call sites, got ${m.got.factories}/${m.got.callSites}${m.items.length ? `; items: ${m.items.slice(0, 3).join(' | ')}` : ''}`);
  head(v.unexpectedFiles, (u) => `  + file      ${u.file}${u.mention ? ' (mention-only!)' : ''}: ${u.edits} edits${u.items.length ? `, items ${u.items.slice(0, 3).join(', ')}` : ''}`);
  head(v.failed, (f) => `  ! failed    ${f.file}: ${f.rule} ${f.reason}`);
  head(v.filesNotInReport, (f) => `  ? absent    ${f} (planted file has no record in report.files)`);
  out.push(`  rule ids seen: ${JSON.stringify(v.ruleCounts)}; items: ${JSON.stringify(v.itemCounts)}`);
  return out.join('\n');
}
