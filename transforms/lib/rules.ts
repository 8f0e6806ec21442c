/**
 * Rule metadata: every record a transform emits names one of these ids. Like typescript-eslint's
 * `meta.messages`, the text lives beside the ids, never inline in the logic, and each rule has a
 * documentation page, `docs/rules/<id>.md`, whose absolute URL every record and reporter carries.
 */
export type Severity = 'error' | 'warning' | 'note';

/**
 * - `manual-review`: code the tool left unchanged on purpose;
 * - `security`: code that shares data between users today;
 * - `warning`: informational (never fails --check on its own).
 */
export type ItemKind = 'manual-review' | 'security' | 'warning';

export interface RuleMeta {
  /** `edit`: a change the tool makes; otherwise the kind of review item it produces. */
  kind: 'edit' | ItemKind | 'file';
  severity: Severity;
  /** One-line description (the message of the record). */
  description: string;
  /** What the user should do (review items only). */
  hint?: string;
}

/**
 * The repository, as package.json `repository.url` names it (a test keeps the two equal). A
 * constant rather than a read of package.json at load, because the CommonJS build of the transforms
 * runs under plain `jscodeshift -t`, where no package.json lookup relative to this module is safe.
 */
export const REPOSITORY_URL = 'https://github.com/alova-ssr-migrate/alova-ssr-migrate';

/** Absolute URL of a file of the repository's default branch, e.g. `docs/cli.md`. */
export function repositoryFileUrl(file: string): string {
  return `${REPOSITORY_URL}/blob/main/${file}`;
}

/** The absolute URL of a rule's page, `docs/rules/<id>.md`; links work from npm, JSON, SARIF and a terminal. */
export function ruleDocsUrl(ruleId: string): string {
  return repositoryFileUrl(`docs/rules/${ruleId}.md`);
}

/** The folder of every rule page (printed by --help). */
export const RULES_DOCS_URL = `${REPOSITORY_URL}/tree/main/docs/rules`;

export const rules = {
  // --- edits -----------------------------------------------------------------------------
  'hoist-instance': {
    kind: 'edit',
    severity: 'note',
    description: 'per-request createAlova() hoisted into one module-level instance',
  },
  'isolate-instance': {
    kind: 'edit',
    severity: 'note',
    description: 'request isolation added: shareRequest off, fixed id, cache scoped to the request',
  },
  'read-request-context': {
    kind: 'edit',
    severity: 'note',
    description: 'hook reads its request data from the request context',
  },
  'framework-request-context': {
    kind: 'edit',
    severity: 'note',
    description: "hook re-reads the framework's own request context (Next's next/headers, Nitro's useEvent) at request time: no request data to record",
  },
  'move-option-to-hook': {
    kind: 'edit',
    severity: 'note',
    description: 'request-dependent option moved into beforeRequest through the Method API',
  },
  'forward-preset-options': {
    kind: 'edit',
    severity: 'note',
    description: "the caller's options (...options) travel in the handle's data: the instance's hooks apply that call's baseURL, timeout, beforeRequest and responded, and the factory throws on any other key",
  },
  'provide-request-context': {
    kind: 'edit',
    severity: 'note',
    description: 'the former createAlova() call now records the request data and returns a request-bound handle on the shared instance (same API; callers stay as written)',
  },
  'add-context-import': {
    kind: 'edit',
    severity: 'note',
    description: 'imports the request-context helpers',
  },
  'create-context-module': {
    kind: 'edit',
    severity: 'note',
    description: 'generated the request-context module (one AsyncLocalStorage for the package)',
  },
  // --- manual review: left unchanged on purpose ---------------------------------------------
  'unsupported-config': {
    kind: 'manual-review',
    severity: 'error',
    description: 'the options of createAlova() cannot be hoisted to module level safely (not one inline object literal, or a getter, a type or a name only the factory knows)',
    hint: 'Pass the options as a plain object literal that uses only module-level names and types, or hoist the instance by hand.',
  },
  'request-dependent-option': {
    kind: 'manual-review',
    severity: 'error',
    description: 'an option other than baseURL/timeout/a hook depends on request data and cannot be moved to request time',
    hint: 'Compute it inside beforeRequest (Method API) or make it request-independent, then re-run.',
  },
  'request-dependent-await': {
    kind: 'manual-review',
    severity: 'error',
    description: 'an option is computed with await/yield (I/O) when the instance is created',
    hint: 'Move the I/O into beforeRequest (which alova awaits) and re-run.',
  },
  'uses-this': {
    kind: 'manual-review',
    severity: 'error',
    description: 'the options read `this` or `arguments` of the enclosing function, which a module-level instance cannot see',
    hint: 'Copy the value into a const before createAlova() and reference the const instead.',
  },
  'mutated-binding': {
    kind: 'manual-review',
    severity: 'error',
    description: 'a request value the options read is reassigned or declared after createAlova(), so a snapshot would differ',
    hint: 'Make the value a const that is final before createAlova() is called.',
  },
  'unknown-spread': {
    kind: 'manual-review',
    severity: 'error',
    description: 'the options spread a request-dependent object of unknown shape',
    hint: 'List the options explicitly so each can be checked, then re-run; a preset may forward its caller\'s options (...options) when that is the only spread.',
  },
  'instance-escapes': {
    kind: 'manual-review',
    severity: 'error',
    description: 'the instance is created in a class field initialiser, once per object, not in a function the tool can turn into a factory',
    hint: 'Create the instance in the constructor (or a method) and re-run, or hoist it by hand.',
  },
  'instance-options-access': {
    kind: 'manual-review',
    severity: 'error',
    description: "code reads or writes `.options` of the factory's instance: after the migration that is the one shared instance's options object, so a write would change it for every user and a read no longer sees the options moved into beforeRequest",
    hint: 'Pass what you need into the factory and read it there (or set it per request in beforeRequest), then re-run.',
  },
  'hoist-order': {
    kind: 'manual-review',
    severity: 'error',
    description: 'the shared instance cannot be placed at module level safely: module code that runs at load would come before it, or module state its options read changes after it',
    hint: 'Move the module-level code (or the changes to that state) above the factory, or migrate this factory by hand.',
  },
  'unsupported-syntax': {
    kind: 'manual-review',
    severity: 'error',
    description: 'the factory uses syntax the scope analysis cannot read for certain (for example `catch { }` without a binding), so it is left unchanged',
    hint: 'Give the catch clause a binding (`catch (e) { }`) and re-run, or migrate this file by hand.',
  },
  'unsupported-hook-shape': {
    kind: 'manual-review',
    severity: 'error',
    description: 'beforeRequest is not an inline function with a named first parameter, so request-time options cannot be added to it',
    hint: 'Write beforeRequest as `beforeRequest(method) { ... }` and re-run.',
  },
  'name-conflict': {
    kind: 'manual-review',
    severity: 'error',
    description: 'the file already defines a name the migration needs',
    hint: 'Rename the existing binding and re-run.',
  },
  'context-module-flavour': {
    kind: 'manual-review',
    severity: 'error',
    description: "the file cannot import its package's request-context module: a JavaScript file in a package whose TypeScript a tsconfig builds without it (no allowJs), so the built code would not hold the module",
    hint: "Convert the file to TypeScript, or let the tsconfig that builds the package compile it (allowJs and include), then re-run; a package gets one context module.",
  },
  'context-module-placement': {
    kind: 'manual-review',
    severity: 'error',
    description: "no folder of the file's package can hold the request-context module: every candidate is outside the rootDir/include of a tsconfig that compiles the package's migrated files",
    hint: 'Widen the tsconfig rootDir/include to a folder of the package, or pass --context-module with a path the tsconfig compiles, then re-run.',
  },
  'user-cache-adapter': {
    kind: 'manual-review',
    severity: 'warning',
    description: 'a cache adapter passed by the user is kept; on the shared instance it is shared by all requests',
    hint: 'Make the adapter request-scoped (see requestScopedCache in the context module) or turn caching off.',
  },
  // --- security: shares data between users today ----------------------------------------------
  'fixed-id-shares-requests': {
    kind: 'security',
    severity: 'error',
    description: 'a per-request instance with a fixed `id` shares in-flight requests (and their responses) between users today',
    hint: 'Migrate (the migrated instance turns shareRequest off) or remove the fixed id.',
  },
  'unsafe-singleton': {
    kind: 'security',
    severity: 'error',
    description: 'a module-level instance reads per-request data in a hook but keeps alova\'s shared cache/shareRequest defaults',
    hint: 'Set shareRequest: false and a request-scoped (or no) cache.',
  },
  // --- warnings ---------------------------------------------------------------------------
  'evaluated-at-load': {
    kind: 'warning',
    severity: 'warning',
    description: 'a baseURL/timeout that reads changeable module state (process.env, a call) is now evaluated once when the module loads',
    hint: 'Make sure the value is final when the module loads (load dotenv first), or move it into beforeRequest by hand.',
  },
  'method-share-request': {
    kind: 'warning',
    severity: 'warning',
    description:
      'a Method sets its own shareRequest (not false), which overrides the instance: migrated instances turn it off at run time (identical requests are no longer merged), but an instance the tool does not guard (an existing module-level singleton) would merge requests of different users',
    hint: 'Set it to false, or remove it: sharing in-flight requests is not safe on a shared instance.',
  },
  'method-local-cache': {
    kind: 'warning',
    severity: 'warning',
    description:
      'a Method sets its own alova 2 localCache, which alova 2 keys by the instance id: on the shared instance one user would get another user\'s cached response, so migrated instances send it uncached at run time (a Method built with `new Method(...)` is not covered)',
    hint: 'Remove it (or set it to null): a per-user response cannot be cached on a shared alova 2 instance. Upgrade to alova 3 for a request-scoped cache.',
  },
  'universal-code': {
    kind: 'warning',
    severity: 'warning',
    description:
      'universal code (a Nuxt plugin or composable, an isomorphic helper) creates an instance per call: left alone, because it is bundled for the browser too (node:async_hooks breaks that bundle) and Nuxt context calls throw at module load',
    hint: 'Move the per-request server part into server-only code (a Nuxt `.server.ts` plugin, `server/utils`) and re-run; keep one module-level instance for the browser.',
  },
  'shared-cache': {
    kind: 'warning',
    severity: 'warning',
    description: '--cache shared keeps alova\'s global cache on the shared instance: cached responses are shared between users',
    hint: 'Use --cache request (default) unless every cached response is the same for every user.',
  },
  // --- file-level (skipped / failed) ---------------------------------------------------------
  'syntax-error': { kind: 'file', severity: 'error', description: 'the file does not parse' },
  'too-deeply-nested': {
    kind: 'file',
    severity: 'error',
    description: 'the file is too deeply nested to parse (the parser ran out of stack); it was left unchanged',
  },
  'unsupported-encoding': {
    kind: 'manual-review',
    severity: 'error',
    description: 'the file mentions createAlova but is not UTF-8 text, so it was left byte for byte unchanged',
    hint: 'Convert the file to UTF-8 (for example iconv -f latin1 -t utf-8) and re-run, or migrate it by hand.',
  },
  'file-too-large': { kind: 'file', severity: 'warning', description: 'the file is larger than 1 MiB and was not read' },
  'binary-file': { kind: 'file', severity: 'warning', description: 'the file looks binary and was not parsed' },
  'unreadable-file': { kind: 'file', severity: 'error', description: 'the file could not be read' },
  'output-does-not-parse': { kind: 'file', severity: 'error', description: 'internal: the migrated output did not re-parse; the file was left unchanged' },
  'not-idempotent': { kind: 'file', severity: 'error', description: 'internal: a second run would change the output again; the file was left unchanged' },
  'internal-error': { kind: 'file', severity: 'error', description: 'internal error while transforming; the file was left unchanged' },
} as const satisfies Record<string, RuleMeta>;

export type RuleId = keyof typeof rules;

/**
 * Findings about code the migration leaves as it is: they are reported on every run, migrated code
 * included, so the idempotency check (a second run reports nothing) ignores them.
 */
export const PERSISTENT_RULES: ReadonlySet<string> = new Set(['method-share-request', 'method-local-cache', 'universal-code']);

/** A record's message: the rule's description, with the finding's detail in parentheses. */
export function ruleMessage(ruleId: RuleId, detail?: string): string {
  const { description } = rules[ruleId];
  return detail ? `${description} (${detail})` : description;
}

/** The item kind a rule's findings get (edit and file rules, reported as items, are manual-review). */
export function itemKindOf(ruleId: RuleId): ItemKind {
  const { kind } = rules[ruleId];
  return kind === 'edit' || kind === 'file' ? 'manual-review' : kind;
}
