/**
 * The CLI's flags: declared with commander, checked, and turned into what the run and the output
 * need. Nothing here prints or exits: a bad command line throws a {@link CliError} that the bin
 * prints as one line (exit 2).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type Baseline, BaselineError, readBaseline } from './baseline.js';
import { DEFAULT_EXTENSIONS } from './discover.js';
import type { Mode } from './records.js';
import type { ReporterName } from './report/format.js';
import { VERSION } from './version.js';
import { checkTarget } from './write.js';
import { REPOSITORY_URL, RULES_DOCS_URL, repositoryFileUrl } from '../transforms/lib/rules.js';

export interface Flags {
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

/** A command line the CLI refuses: `usage` adds the "Run --help" hint (how the command was typed). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly usage: boolean,
  ) {
    super(message);
  }
}

/** What the command line asks for, checked. */
export interface CliOptions {
  flags: Flags;
  paths: string[];
  mode: Mode;
  /** --format patch (or its old name --diff-only). */
  patch: boolean;
  extensions: string[];
  /** Colour on stdout: --no-color, NO_COLOR, FORCE_COLOR and the TTY decide. */
  color: boolean;
  showProgress: boolean;
  /** The --baseline file, read and checked before the run. */
  baseline: Baseline | null;
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

/** Parses `argv` (as process.argv); null when help or the version was printed (exit 0). */
export function parseCli(argv: string[]): CliOptions | null {
  const program = buildProgram();
  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return null;
      // One line: commander's did-you-mean suggestion sits on the message's second line.
      throw new CliError(err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim(), true);
    }
    throw err;
  }
  return checked(program.opts<Flags>(), program.processedArgs[0] as string[]);
}

function checked(flags: Flags, paths: string[]): CliOptions {
  const usage = (message: string) => new CliError(message, true);
  const patch = flags.format === 'patch' || !!flags.diffOnly;
  const dry = !!(flags.dry || flags.dryRun || flags.print || patch);
  if (dry && flags.check) throw usage(`${flags.print ? '--print' : patch ? '--format patch' : '--dry'} and --check cannot be combined`);
  if (flags.print && patch) throw usage('--print and --format patch cannot be combined');
  if (flags.print && flags.reporter !== 'text' && !flags.outputFile) throw usage('--print writes sources on stdout: send the report elsewhere with --output-file');
  const mode: Mode = flags.check ? 'check' : dry ? 'dry' : 'apply';
  const extensions = flags.extensions ? flags.extensions.split(',').map((e) => e.trim()).filter(Boolean) : DEFAULT_EXTENSIONS;
  if (!extensions.length) throw usage('--extensions needs at least one extension');
  const noColorEnv = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  // FORCE_COLOR as chalk reads it: "0" and "false" turn colour off, any other value turns it on.
  const force = process.env.FORCE_COLOR;
  const color = flags.color && !noColorEnv && (force === undefined ? !!process.stdout.isTTY : !['0', 'false'].includes(force.toLowerCase()));
  const showProgress = !!process.stderr.isTTY && !process.env.CI && !flags.quiet && flags.reporter === 'text';
  const baseline = flags.baseline ? loadBaseline(flags.baseline) : null;
  checkReportTargets(flags);
  return { flags, paths, mode, patch, extensions, color, showProgress, baseline };
}

function loadBaseline(file: string): Baseline {
  try {
    return readBaseline(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(err instanceof BaselineError ? `--baseline ${file}: ${err.message}` : `cannot read --baseline ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`, false);
  }
}

/** Report files are checked before the run, so that a bad path never follows written files. */
function checkReportTargets(flags: Flags): void {
  for (const [flag, file] of [
    ['--output-file', flags.outputFile],
    ['--write-baseline', flags.writeBaseline],
  ] as const) {
    const problem = file ? checkTarget(path.resolve(file), file, flag === '--output-file') : null;
    if (problem) throw new CliError(`cannot write ${flag} ${problem.message}; nothing was written`, false);
  }
}

function buildProgram(): Command {
  const program = new Command()
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
    .option('--no-color', 'never colour the output (also: NO_COLOR, or when not a TTY)');
  return addRunFlags(program)
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true)
    .configureOutput({
      writeErr: () => {
        /* errors are printed by the bin as one line */
      },
    })
    .exitOverride();
}

/** The flags that change what the run does (the others choose what is printed). */
function addRunFlags(program: Command): Command {
  return program
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
    .option('--assume-server', 'also migrate factories with no evidence either way (none that they run per request on a server, none that they do not)');
}

function parseWorkers(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number (0 = no worker threads).');
  return Number(value);
}
