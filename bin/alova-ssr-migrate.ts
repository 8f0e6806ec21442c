#!/usr/bin/env node
/**
 * The thin CLI: parse flags (src/cli-options.ts), call the run, print (src/cli-output.ts), set the
 * exit code. Exit codes (computed in src/exit-code.ts, never here): 0 nothing to do / done; 1 --check
 * found work or review items, or a file failed; 2 usage or fatal error (2 wins over 1). The bin only
 * owns what belongs to the process: signals, stdout errors, and raising the code to 2 when a report
 * could not be delivered.
 */
import path from 'node:path';
import v8 from 'node:v8';
import { run } from '../src/run.js';
import { type Baseline, readBaseline, writeBaseline } from '../src/baseline.js';
import { type CliOptions, CliError, parseCli } from '../src/cli-options.js';
import { deliver } from '../src/cli-output.js';
import type { FileRecord, RunReport } from '../src/records.js';
import { progressLine } from '../src/report/index.js';
import { type Interrupt, writeFileAtomic } from '../src/write.js';

// Each parsed file becomes garbage as soon as it is transformed; letting V8 grow the heap by 20%
// per GC instead of its default keeps peak RSS down on large trees at no measured time cost
// (BENCHMARKS.md: 20,000 files, 280 MB -> about 170 MB).
v8.setFlagsFromString('--heap-growing-percent=20');

async function main(argv: string[]): Promise<void> {
  let cli: CliOptions | null;
  try {
    cli = parseCli(argv);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    const hint = err.usage ? '\nRun "alova-ssr-migrate --help" for usage.' : '';
    process.stderr.write(`alova-ssr-migrate: ${err.message.replace(/\s*[\r\n]+\s*/g, ' ')}${hint}\n`);
    process.exit(2);
  }
  if (!cli) process.exit(0); // --help or --version was printed
  const { flags } = cli;
  const outputs = new Map<string, string>();
  const outputFailures: string[] = [];
  const report = await run({
    paths: cli.paths,
    cwd: process.cwd(),
    mode: cli.mode,
    extensions: cli.extensions,
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
    onProgress: cli.showProgress ? progress() : undefined,
    baselines: (files, errors) => baselines(cli, files, errors, outputFailures),
  });
  // A signal that arrived during the commit (a synchronous loop) is handled on the next turn of the
  // event loop: take that turn, so the exit code and message below know about it.
  await new Promise((resolve) => setImmediate(resolve));
  const delivered = deliver(report, cli, outputs, argv.slice(2));
  if (delivered.preflight) {
    process.exitCode = delivered.reportFileFailed ? 2 : report.exitCode;
    return;
  }
  process.exitCode = report.exitCode;
  for (const f of outputFailures) process.stderr.write(`alova-ssr-migrate: ${f}\n`);
  if (outputFailures.length || delivered.reportFileFailed) process.exitCode = 2;
  if (interrupt.signal) {
    // Exit 128 + signal number, as a shell reports a process stopped by that signal.
    process.exitCode = interrupt.signal === 'SIGINT' ? 130 : 143;
    process.stderr.write(`alova-ssr-migrate: ${interruptedLine(report, interrupt.signal)}\n`);
  }
  finalExit = process.exitCode;
  process.stdout.write(delivered.stdout);
}

/**
 * The baselines the report leaves out: --write-baseline records the run's items first (unless the
 * plan refused its path: the run error says so), then --baseline. Report files were checked before
 * the run; a failure now (a full disk) is one line and exit 2.
 */
function baselines(cli: CliOptions, files: readonly FileRecord[], errors: RunReport['errors'], failures: string[]): Baseline[] {
  const out: Baseline[] = [];
  const target = cli.flags.writeBaseline;
  const planRefused = errors.some((e) => e.ruleId === 'output-not-writable' || e.ruleId === 'read-only-file');
  if (target && !planRefused) {
    try {
      const text = writeBaseline({ files: [...files] });
      writeFileAtomic(path.resolve(target), text, false);
      out.push(readBaseline(text));
    } catch (err) {
      failures.push(`cannot write --write-baseline ${target}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  }
  if (cli.baseline) out.push(cli.baseline);
  return out;
}

/** The progress bar on stderr (a TTY): at most every 100 ms, and only for runs of 200+ files. */
function progress(): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    if (total < 200) return;
    const now = Date.now();
    if (done !== total && now - last < 100) return;
    last = now;
    process.stderr.write(`\r${progressLine(done, total)}`);
    if (done === total) process.stderr.write('\r\x1b[K');
  };
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
