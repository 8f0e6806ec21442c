#!/usr/bin/env node
/**
 * The thin CLI: parse flags (commander), call the runner, render the report, set the exit code.
 * Exit codes (computed in src/exit-code.ts, never here): 0 nothing to do / done; 1 --check found
 * work or review items, or a file failed; 2 usage or fatal error (2 wins over 1).
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { run, VERSION } from '../src/runner.js';
import { DEFAULT_EXTENSIONS } from '../src/discover.js';
import { renderReport, renderStepSummary, progressLine, type ReporterName } from '../src/report/index.js';
import { shellWord } from '../src/report/text.js';
import { REPOSITORY_URL, RULES_DOCS_URL, repositoryFileUrl } from '../transforms/lib/rules.js';
import { applyBaseline, readBaseline, writeBaseline, BaselineError } from '../src/baseline.js';
import type { Mode, RunReport } from '../src/records.js';
import { type Interrupt, checkTarget, writeFileAtomic } from '../src/write.js';

interface Flags {
  dry?: boolean;
  dryRun?: boolean;
  check?: boolean;
  print?: boolean;
  reporter: ReporterName;
  outputFile?: string;
  format: 'report' | 'patch';
  diffOnly?: boolean;
  verbose?: boolean;
  workers?: number;
  extensions?: string;
  ignore?: string[];
  gitignore: boolean;
  quiet?: boolean;
  color: boolean;
  allowDirty?: boolean;
  cache: 'request' | 'off' | 'shared';
  contextModule?: string;
  alovaVersion?: '2' | '3';
  baseline?: string;
  writeBaseline?: string;
  changedSince?: string;
  assumeServer?: boolean;
}

const EXAMPLES = `
Examples:
  $ alova-ssr-migrate ./src                    migrate in place (refuses on a dirty git tree)
  $ alova-ssr-migrate ./src --dry              review: coloured diffs and the summary, writes nothing
  $ alova-ssr-migrate ./src --check            CI: exit 1 when anything needs migrating or review
  $ alova-ssr-migrate . --check --reporter sarif --output-file alova.sarif
  $ alova-ssr-migrate ./src --format patch > migrate.patch && git apply migrate.patch
  $ alova-ssr-migrate ./src/api.ts --print      the migrated source on stdout, writes nothing

Exit codes: 0 nothing to do / done, 1 work found by --check or a file failed, 2 usage or fatal error.
Docs:  ${REPOSITORY_URL}#readme
Flags: ${repositoryFileUrl('docs/cli.md')}
Rules: ${RULES_DOCS_URL} (one page per rule id; every finding links its page)`;

// Each parsed file becomes garbage as soon as it is transformed; letting V8 grow the heap by 20%
// per GC instead of its default keeps peak RSS down on large trees at no measured time cost
// (BENCHMARKS.md: 20,000 files, 280 MB -> about 170 MB).
v8.setFlagsFromString('--heap-growing-percent=20');

function usageError(message: string): never {
  process.stderr.write(`alova-ssr-migrate: ${message}\nRun "alova-ssr-migrate --help" for usage.\n`);
  process.exit(2);
}

/** A fatal error that is not about how the command was typed: one line, no usage hint. */
function fatal(message: string): never {
  process.stderr.write(`alova-ssr-migrate: ${message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('alova-ssr-migrate')
    .description('Turn per-request createAlova() factories into one request-isolated module-level alova instance (AsyncLocalStorage).')
    .version(VERSION, '-v, --version')
    .argument('[paths...]', 'files or folders to migrate', ['.'])
    .option('-d, --dry', 'write nothing; print a unified diff per changed file and the summary')
    .option('--dry-run', 'same as --dry')
    .option('--check', 'write nothing; exit 1 when a file would change or a manual-review item exists')
    .option('--print', 'write nothing; print the migrated source of each changed file on stdout (the outcome goes to stderr)')
    .addOption(new Option('--reporter <name>', 'output format').choices(['text', 'json', 'github', 'sarif']).default('text'))
    .option('--output-file <path>', 'write the report there; the terminal still gets the text summary')
    .addOption(
      new Option('--format <kind>', 'what a dry run prints: report (diffs + summary) or patch (only the patch, for git apply; implies --dry)')
        .choices(['report', 'patch'])
        .default('report'),
    )
    // The flag's old name, kept so existing scripts work: it always meant "patch format".
    .addOption(new Option('--diff-only', 'same as --format patch').hideHelp())
    .option('--verbose', 'also print generated files in full, per-rule counts and per-stage timings')
    .addOption(new Option('--workers <n>', 'worker threads for parsing; 0 = none (default: by cores and file count; env ALOVA_SSR_MIGRATE_WORKERS)').argParser(parseWorkers))
    .option('--extensions <list>', `comma-separated extensions (default ${DEFAULT_EXTENSIONS.join(',')})`)
    .option('--ignore <glob...>', 'skip paths matching these globs (relative to the working directory)')
    .option('--no-gitignore', 'do not apply .gitignore files')
    .option('--quiet', 'print only the final line (and errors)')
    .option('--no-color', 'never colour the output (also: NO_COLOR, or when not a TTY)')
    .option('--allow-dirty', 'write even when the git work tree has uncommitted changes')
    .addOption(
      new Option('--cache <mode>', 'cache isolation on the shared instance: request-scoped, off, or shared between users (unsafe)')
        .choices(['request', 'off', 'shared'])
        .default('request'),
    )
    .option('--context-module <path>', 'where to generate the request-context module; only valid when every migrated file is in that path\'s package (default: one per package, inside its tsconfig rootDir/include; see docs/workspaces.md)')
    .addOption(new Option('--alova-version <major>', 'alova major version when the code gives no hint (default: from package.json, else 3)').choices(['2', '3']))
    .option('--baseline <file>', 'ignore the review items recorded in this baseline file')
    .option('--write-baseline <file>', 'record the current review items in this file')
    .option('--changed-since <ref>', 'only files changed since this git ref')
    .option('--assume-server', 'also migrate factories with no evidence either way (none that they run per request on a server, none that they do not)')
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true)
    .configureOutput({
      writeErr: () => {
        /* errors are printed by usageError as one line */
      },
    })
    .exitOverride();

  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(0);
      // One line: commander's did-you-mean suggestion sits on the message's second line.
      usageError(err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim());
    }
    throw err;
  }
  const flags = program.opts<Flags>();
  const paths = program.processedArgs[0] as string[];
  const patch = flags.format === 'patch' || !!flags.diffOnly;
  const dry = !!(flags.dry || flags.dryRun || flags.print || patch);
  if (dry && flags.check) usageError(`${flags.print ? '--print' : patch ? '--format patch' : '--dry'} and --check cannot be combined`);
  if (flags.print && patch) usageError('--print and --format patch cannot be combined');
  if (flags.print && flags.reporter !== 'text' && !flags.outputFile) usageError('--print writes sources on stdout: send the report elsewhere with --output-file');
  const mode: Mode = flags.check ? 'check' : dry ? 'dry' : 'apply';
  const extensions = flags.extensions ? flags.extensions.split(',').map((e) => e.trim()).filter(Boolean) : DEFAULT_EXTENSIONS;
  if (!extensions.length) usageError('--extensions needs at least one extension');

  const stdoutTty = !!process.stdout.isTTY;
  const noColorEnv = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  // FORCE_COLOR as chalk reads it: "0" and "false" turn colour off, any other value turns it on.
  const force = process.env.FORCE_COLOR;
  const color = flags.color && !noColorEnv && (force === undefined ? stdoutTty : !['0', 'false'].includes(force.toLowerCase()));
  const showProgress = !!process.stderr.isTTY && !process.env.CI && !flags.quiet && flags.reporter === 'text';

  let baseline = null;
  if (flags.baseline) {
    try {
      baseline = readBaseline(fs.readFileSync(flags.baseline, 'utf8'));
    } catch (err) {
      fatal(err instanceof BaselineError ? `--baseline ${flags.baseline}: ${err.message}` : `cannot read --baseline ${flags.baseline}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  }

  // Report files are checked before the run, so that a bad path never follows written files.
  for (const [flag, file] of [
    ['--output-file', flags.outputFile],
    ['--write-baseline', flags.writeBaseline],
  ] as const) {
    const problem = file ? checkTarget(path.resolve(file), file, flag === '--output-file') : null;
    if (problem) fatal(`cannot write ${flag} ${problem.message}; nothing was written`);
  }

  let lastProgress = 0;
  const outputs = new Map<string, string>();
  let report: RunReport = await run({
    paths,
    cwd: process.cwd(),
    mode,
    extensions,
    ignore: flags.ignore ?? [],
    gitignore: flags.gitignore,
    allowDirty: !!flags.allowDirty,
    cache: flags.cache,
    contextModule: flags.contextModule ?? null,
    alovaMajor: flags.alovaVersion ? (Number(flags.alovaVersion) as 2 | 3) : undefined,
    changedSince: flags.changedSince,
    workers: flags.workers,
    onOutput: flags.print ? (file, output) => outputs.set(file.file, output) : undefined,
    interrupt,
    reportTargets: [flags.outputFile, flags.writeBaseline].filter((f): f is string => !!f),
    assumeServer: !!flags.assumeServer,
    onProgress: showProgress
      ? (done, total) => {
          if (total < 200) return;
          const now = Date.now();
          if (done !== total && now - lastProgress < 100) return;
          lastProgress = now;
          process.stderr.write(`\r${progressLine(done, total)}`);
          if (done === total) process.stderr.write('\r\x1b[K');
        }
      : undefined,
  });
  // A signal that arrived during the commit (a synchronous loop) is handled on the next turn of the
  // event loop: take that turn, so the exit code and message below know about it.
  await new Promise((resolve) => setImmediate(resolve));

  // Report files were checked before the run; a failure now (a full disk) is still one line and exit 2.
  const outputFailures: string[] = [];
  // When the plan refused an output path, the run error says so: no second message.
  const planRefused = report.errors.some((e) => e.ruleId === 'output-not-writable' || e.ruleId === 'read-only-file');
  if (flags.writeBaseline && !planRefused) {
    try {
      const text = writeBaseline(report);
      writeFileAtomic(path.resolve(flags.writeBaseline), text, false);
      report = applyBaseline(report, readBaseline(text));
    } catch (err) {
      outputFailures.push(`cannot write --write-baseline ${flags.writeBaseline}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  }
  if (baseline) report = applyBaseline(report, baseline);

  const cwd = process.cwd();
  const out: string[] = [];
  const verbose = !!flags.verbose;
  const fixCommand = commandToMigrate(argv.slice(2));
  // Nothing was looked at (a missing path, a dirty tree, an unknown ref): one line, no summary.
  // Machine-readable reporters still get their document, so CI tooling sees the error.
  const preflight = report.errors.length > 0 && report.files.length === 0;
  if (preflight && (flags.reporter === 'text' || flags.outputFile || flags.print || patch)) {
    if (flags.outputFile) writeReportFile(flags.outputFile, renderReport(flags.reporter, report, { color: false, cwd }));
    for (const e of report.errors) process.stderr.write(`alova-ssr-migrate: ${e.message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
    process.exitCode = reportFileFailed ? 2 : report.exitCode;
    return;
  }
  if (flags.print) {
    // jscodeshift's and @next/codemod's --print: the sources only, so stdout can be redirected.
    const changed = report.files.filter((f) => outputs.has(f.file) && !f.created).sort((a, b) => (a.file < b.file ? -1 : 1));
    for (const f of changed) out.push(outputs.get(f.file)!);
    const generated = report.files.filter((f) => f.created && outputs.has(f.file)).map((f) => f.file);
    if (flags.outputFile) writeReportFile(flags.outputFile, renderReport(flags.reporter, report, { color: false, cwd, diffs: flags.reporter !== 'json', verbose }));
    if (!flags.quiet) {
      if (generated.length) process.stderr.write(`alova-ssr-migrate: not printed: ${generated.join(', ')} (generated; see it with --dry --verbose)\n`);
      process.stderr.write(`${report.exitReason || `${report.summary.filesChanged} file(s) would change; ${changed.length} printed.`}\n`);
    }
  } else if (patch) {
    for (const f of [...report.files].sort((a, b) => (a.file < b.file ? -1 : 1))) if (f.diff) out.push(f.diff.endsWith('\n') ? f.diff : f.diff + '\n');
    if (!flags.quiet) process.stderr.write(`${report.exitReason || `${report.summary.filesChanged} file(s) in the patch.`}\n`);
  } else if (flags.outputFile) {
    if (!planRefused) writeReportFile(flags.outputFile, renderReport(flags.reporter, report, { color: false, cwd, diffs: flags.reporter === 'json' ? false : mode === 'dry', verbose, fixCommand }));
    out.push(quietText(renderReport('text', report, { color, cwd, diffs: mode === 'dry', verbose, fixCommand }), !!flags.quiet));
  } else if (flags.reporter === 'text') {
    out.push(quietText(renderReport('text', report, { color, cwd, diffs: mode === 'dry', verbose, fixCommand }), !!flags.quiet));
  } else {
    out.push(renderReport(flags.reporter, report, { color: false, cwd, stepSummaryPath: process.env.GITHUB_STEP_SUMMARY }));
  }
  if (flags.reporter === 'github' && process.env.GITHUB_STEP_SUMMARY) {
    try {
      fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, renderStepSummary(report));
    } catch {
      process.stderr.write('alova-ssr-migrate: cannot append to $GITHUB_STEP_SUMMARY\n');
    }
  }
  process.exitCode = report.exitCode;
  for (const f of outputFailures) process.stderr.write(`alova-ssr-migrate: ${f}\n`);
  if (outputFailures.length || reportFileFailed) process.exitCode = 2;
  if (interrupt.signal) {
    // Exit 128 + signal number, as a shell reports a process stopped by that signal.
    process.exitCode = interrupt.signal === 'SIGINT' ? 130 : 143;
    process.stderr.write(`alova-ssr-migrate: ${interruptedLine(report, interrupt.signal)}\n`);
  }
  finalExit = process.exitCode;
  process.stdout.write(out.join(''));
}

/**
 * The --output-file report: atomic (temp + rename), its folders created. The path was checked
 * before the run; a failure now (a full disk) is one line on stderr, and the run exits 2.
 */
let reportFileFailed = false;
function writeReportFile(file: string, text: string): void {
  try {
    writeFileAtomic(path.resolve(file), text);
  } catch (err) {
    reportFileFailed = true;
    process.stderr.write(`alova-ssr-migrate: cannot write --output-file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}\n`);
  }
}

function parseWorkers(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number (0 = no worker threads).');
  return Number(value);
}

/**
 * The command that migrates what a failed --check found: the same paths and options, without the
 * flags that only choose the output (so `--check --reporter sarif --output-file x` becomes a plain
 * apply run with the same --cache, --context-module, --ignore...).
 */
function commandToMigrate(args: string[]): string {
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

/** Which files were written and which were not, after a signal. */
function interruptedLine(report: RunReport, signal: NodeJS.Signals): string {
  const written = report.files.filter((f) => f.status === 'changed').map((f) => f.file);
  const notWritten = report.files.filter((f) => f.status === 'would-change').map((f) => f.file);
  const list = (names: string[]) => (names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', '));
  if (!written.length) return `interrupted by ${signal}: no file was written${notWritten.length ? ` (not written: ${list(notWritten)})` : ''}; temp files removed.`;
  return `interrupted by ${signal} during the commit, which was completed: ${written.length} file(s) written (${list(written)})${notWritten.length ? `; not written: ${list(notWritten)}` : ''}; temp files removed.`;
}

/**
 * Ctrl-C and SIGTERM: before the write stage nothing exists on disk, so the run stops at once.
 * While files are being written the writer finishes the current file and stops (or completes a
 * commit it has started), removes its temp files, and main() reports what was written.
 */
const interrupt: Interrupt = { signal: null, writing: false };
let finalExit: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupt.signal) return;
    interrupt.signal = signal;
    if (interrupt.writing) return;
    process.stderr.write(`alova-ssr-migrate: interrupted by ${signal} before writing: no file was written.\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

/** --quiet keeps only the final line, which always states the outcome. */
function quietText(text: string, quiet: boolean): string {
  if (!quiet) return text;
  const lines = text.trimEnd().split('\n');
  return lines[lines.length - 1] + '\n';
}

// Piping into `head` closes stdout early: that is not an error worth a stack trace.
// Any other failure (a full disk: > /dev/full) is one line on stderr and exit 2 unless the run
// already failed harder: a report that could not be delivered is never a pass.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  const code = finalExit ?? (typeof process.exitCode === 'number' ? process.exitCode : 0);
  process.stderr.write(`alova-ssr-migrate: cannot write the report to stdout (${err.code ?? err.message}); the run itself ended with exit ${code}\n`);
  process.exit(code === 0 || code === 1 ? 2 : code);
});

main(process.argv).catch((err) => {
  process.stderr.write(`alova-ssr-migrate: internal error: ${(err as Error)?.message ?? err} (please report this with the command you ran)\n`);
  if (process.env.ALOVA_SSR_MIGRATE_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
  process.exit(2);
});
