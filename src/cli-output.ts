/**
 * What the CLI prints after a run, chosen by its flags: the sources (--print), the patch
 * (--format patch), a report file (--output-file) plus the text summary, or one reporter on stdout.
 * Report files are written here (atomically); the exit code is the report's (src/exit-code.ts), and
 * the bin only raises it when something could not be delivered.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RunReport } from './records.js';
import { renderReport, renderStepSummary } from './report/index.js';
import { shellWord } from './report/text.js';
import type { CliOptions } from './cli-options.js';
import { writeFileAtomic } from './write.js';

export interface Delivered {
  /** Everything for stdout, written last by the bin (so a closed pipe cannot hide the exit code). */
  stdout: string;
  /** A report file (--output-file) could not be written: the run exits 2. */
  reportFileFailed: boolean;
  /** Nothing was looked at (a run error before discovery): only the error lines were printed. */
  preflight: boolean;
}

/** `outputs`: the migrated sources by file (--print); `args`: the command line after the program name. */
export function deliver(report: RunReport, cli: CliOptions, outputs: Map<string, string>, args: string[]): Delivered {
  const { flags } = cli;
  const state = { reportFileFailed: false };
  const writeReportFile = (text: string) => {
    try {
      writeFileAtomic(path.resolve(flags.outputFile!), text);
    } catch (err) {
      state.reportFileFailed = true;
      process.stderr.write(`alova-ssr-migrate: cannot write --output-file ${flags.outputFile}: ${(err as NodeJS.ErrnoException).code ?? err}\n`);
    }
  };
  const cwd = process.cwd();
  // Nothing was looked at (a missing path, a dirty tree, an unknown ref): one line, no summary.
  // Machine-readable reporters still get their document, so CI tooling sees the error.
  if (report.errors.length > 0 && report.files.length === 0 && (flags.reporter === 'text' || flags.outputFile || flags.print || cli.patch)) {
    if (flags.outputFile) writeReportFile(renderReport(flags.reporter, report, { color: false, cwd }));
    for (const e of report.errors) process.stderr.write(`alova-ssr-migrate: ${e.message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
    return { stdout: '', reportFileFailed: state.reportFileFailed, preflight: true };
  }
  let stdout: string;
  if (flags.print) stdout = printSources(report, cli, outputs, writeReportFile);
  else if (cli.patch) stdout = printPatch(report, cli);
  else stdout = printReport(report, cli, commandToMigrate(args), writeReportFile);
  if (flags.reporter === 'github' && process.env.GITHUB_STEP_SUMMARY) {
    try {
      fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, renderStepSummary(report));
    } catch {
      process.stderr.write('alova-ssr-migrate: cannot append to $GITHUB_STEP_SUMMARY\n');
    }
  }
  return { stdout, reportFileFailed: state.reportFileFailed, preflight: false };
}

/** jscodeshift's and @next/codemod's --print: the sources only, so stdout can be redirected. */
function printSources(report: RunReport, cli: CliOptions, outputs: Map<string, string>, writeReportFile: (text: string) => void): string {
  const { flags } = cli;
  const changed = report.files.filter((f) => outputs.has(f.file) && !f.created).sort((a, b) => (a.file < b.file ? -1 : 1));
  const generated = report.files.filter((f) => f.created && outputs.has(f.file)).map((f) => f.file);
  if (flags.outputFile) writeReportFile(renderReport(flags.reporter, report, { color: false, cwd: process.cwd(), diffs: flags.reporter !== 'json', verbose: !!flags.verbose }));
  if (!flags.quiet) {
    if (generated.length) process.stderr.write(`alova-ssr-migrate: not printed: ${generated.join(', ')} (generated; see it with --dry --verbose)\n`);
    process.stderr.write(`${report.exitReason || `${report.summary.filesChanged} file(s) would change; ${changed.length} printed.`}\n`);
  }
  return changed.map((f) => outputs.get(f.file)!).join('');
}

function printPatch(report: RunReport, cli: CliOptions): string {
  const out: string[] = [];
  for (const f of [...report.files].sort((a, b) => (a.file < b.file ? -1 : 1))) if (f.diff) out.push(f.diff.endsWith('\n') ? f.diff : f.diff + '\n');
  if (!cli.flags.quiet) process.stderr.write(`${report.exitReason || `${report.summary.filesChanged} file(s) in the patch.`}\n`);
  return out.join('');
}

function printReport(report: RunReport, cli: CliOptions, fixCommand: string, writeReportFile: (text: string) => void): string {
  const { flags, mode, color } = cli;
  const cwd = process.cwd();
  const verbose = !!flags.verbose;
  const text = () => quietText(renderReport('text', report, { color, cwd, diffs: mode === 'dry', verbose, fixCommand }), !!flags.quiet);
  if (flags.outputFile) {
    // When the plan refused an output path, the run error says so: no second message.
    const planRefused = report.errors.some((e) => e.ruleId === 'output-not-writable' || e.ruleId === 'read-only-file');
    if (!planRefused) writeReportFile(renderReport(flags.reporter, report, { color: false, cwd, diffs: flags.reporter === 'json' ? false : mode === 'dry', verbose, fixCommand }));
    return text();
  }
  if (flags.reporter === 'text') return text();
  return renderReport(flags.reporter, report, { color: false, cwd, stepSummaryPath: process.env.GITHUB_STEP_SUMMARY });
}

/** --quiet keeps only the final line, which always states the outcome. */
function quietText(text: string, quiet: boolean): string {
  if (!quiet) return text;
  const lines = text.trimEnd().split('\n');
  return lines[lines.length - 1] + '\n';
}

/**
 * The command that migrates what a failed --check found: the same paths and options, without the
 * flags that only choose the output (so `--check --reporter sarif --output-file x` becomes a plain
 * apply run with the same --cache, --context-module, --ignore...).
 */
export function commandToMigrate(args: string[]): string {
  const dropAlone = new Set(['--check', '--quiet', '--verbose', '--no-color']);
  const dropWithValue = new Set(['--reporter', '--output-file', '--baseline', '--write-baseline']);
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.split('=')[0];
    if (dropAlone.has(a)) continue;
    if (dropWithValue.has(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    kept.push(a);
  }
  return ['npx', 'alova-ssr-migrate', ...kept].map(shellWord).join(' ');
}
