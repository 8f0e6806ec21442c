// Deterministic generator of a realistic TypeScript/TSX code base for benchmarking
// alova-ssr-migrate. Same seed + same size => byte-identical tree (no clocks, no
// Math.random, no iteration over unordered host data).
//
// The corpus plants three kinds of alova code and records the first two in expected.json:
//   - factory modules: a function taking the request and returning createAlova({...})
//   - call sites: async functions that call such a factory with the request
//   - mentions: files that only mention createAlova (a comment, a string, or a correct
//     module-level singleton); the tool must not report them.
// Everything else is filler: utilities, types, classes, React-ish components, handlers.

import fs from 'node:fs';
import path from 'node:path';
import { Rng, seedFrom } from './prng.mjs';
import {
  NOUNS, QUALIFIERS, COMPONENT_SUFFIXES, VERBS, FIELD_TYPES, SENTENCE_WORDS, HTTP_PATHS, HOSTS,
} from './words.mjs';

export const GENERATOR_VERSION = 3;
/** Marker file written at the corpus root; lets tools refuse to delete anything else. */
export const MARKER_FILE = '.alova-bench-corpus';

export const RATIOS = { factories: 0.01, callSiteFiles: 0.02, mentions: 0.003 };

// ---------------------------------------------------------------- name helpers

const cap = (w) => w.charAt(0).toUpperCase() + w.slice(1);
const pascal = (words) => words.map(cap).join('');
const camel = (words) => words[0] + pascal(words.slice(1));
const kebab = (words) => words.join('-');
const upper = (words) => words.map((w) => w.toUpperCase()).join('_');
const plural = (w) => (w.endsWith('y') ? w.slice(0, -1) + 'ies' : w.endsWith('s') ? w : w + 's');

/** Per-scope registry of identifiers; returns a unique variant of the wanted name. */
class Names {
  constructor() {
    this.taken = new Set();
  }
  has(name) {
    return this.taken.has(name);
  }
  add(name) {
    this.taken.add(name);
  }
  unique(base) {
    let name = base;
    for (let k = 2; this.taken.has(name); k++) name = base + k;
    this.taken.add(name);
    return name;
  }
}

// ---------------------------------------------------------------- planning

const FEATURE_SUBS = ['components', 'hooks', 'api', 'utils', 'types', 'services', 'pages', 'server', 'store'];

/** Kinds of filler file a folder flavour produces, with weights. */
const KINDS_BY_FLAVOUR = {
  components: [['component', 8], ['types', 1], ['util', 1]],
  ui: [['component', 8], ['hook', 1], ['util', 1]],
  pages: [['page', 8], ['component', 2]],
  hooks: [['hook', 7], ['util', 1], ['types', 1]],
  api: [['service', 4], ['types', 3], ['util', 2], ['handler', 1]],
  http: [['service', 4], ['types', 2], ['util', 2]],
  utils: [['util', 8], ['types', 1]],
  format: [['util', 9], ['types', 1]],
  types: [['types', 9], ['util', 1]],
  services: [['service', 7], ['types', 2], ['util', 1]],
  store: [['service', 6], ['types', 2], ['hook', 2]],
  server: [['handler', 6], ['service', 2], ['types', 1]],
  routes: [['handler', 8], ['types', 1]],
  loaders: [['handler', 8], ['util', 1]],
  middleware: [['handler', 6], ['util', 3]],
  generic: [['util', 3], ['types', 2], ['service', 2], ['component', 2], ['handler', 1], ['hook', 1]],
};

/** How a factory types its request parameter; its call sites use the same type. */
const REQUEST_TYPES = ['inline', 'alias', 'express', 'node'];

const FACTORY_FLAVOURS = new Set(['api', 'http', 'services', 'server']);
const CALLSITE_FLAVOURS = new Set(['server', 'routes', 'loaders', 'pages', 'services', 'middleware']);

function buildFolders(rng, count) {
  const target = Math.max(4, Math.ceil(count / 12));
  const folders = [];
  const seen = new Set();
  const features = new Names();
  const add = (dir, flavour) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    folders.push({ dir, flavour });
  };
  while (folders.length < target) {
    const area = rng.weighted([['features', 6], ['shared', 1], ['lib', 1], ['server', 2]]);
    if (area === 'features') {
      const name = features.unique(rng.chance(0.6) ? rng.pick(NOUNS) : kebab([rng.pick(QUALIFIERS), rng.pick(NOUNS)]));
      for (const sub of rng.sample(FEATURE_SUBS, rng.int(3, 6))) {
        add(`src/features/${name}/${sub}`, sub);
        if ((sub === 'components' || sub === 'server') && rng.chance(0.35)) {
          add(`src/features/${name}/${sub}/${rng.pick(NOUNS)}`, sub);
        }
      }
    } else if (area === 'shared') {
      const sub = rng.pick(['ui', 'utils', 'types', 'hooks', 'http', 'format']);
      add(`src/shared/${sub}/${rng.pick(NOUNS)}`, sub);
    } else if (area === 'lib') {
      add(`src/lib/${rng.pick(NOUNS)}`, 'generic');
    } else {
      const sub = rng.pick(['routes', 'services', 'loaders', 'middleware']);
      add(`src/server/${plural(rng.pick(NOUNS))}/${sub}`, sub);
    }
  }
  return folders;
}

function fileBaseName(rng, kind) {
  const n = rng.pick(NOUNS);
  switch (kind) {
    case 'component':
      return pascal([rng.chance(0.3) ? rng.pick(QUALIFIERS) : n, n, rng.pick(COMPONENT_SUFFIXES)].filter((w, i, a) => i === 0 || w !== a[i - 1]));
    case 'page':
      return pascal([n, rng.pick(['Page', 'Screen', 'Route', 'View'])]);
    case 'hook':
      return kebab(['use', n, rng.pick(['state', 'query', 'filter', 'selection', 'pagination', 'form'])]);
    case 'util':
      return kebab([rng.pick(VERBS), n]);
    case 'types':
      return rng.chance(0.5) ? `${n}.types` : kebab([n, 'types']);
    case 'service':
      return kebab([n, rng.pick(['service', 'store', 'repository', 'cache', 'model'])]);
    case 'handler':
      return rng.chance(0.5) ? `${n}.${rng.pick(['route', 'loader', 'handler'])}` : kebab([n, rng.pick(['route', 'loader', 'middleware'])]);
    case 'factory':
      return kebab([n, rng.pick(['api', 'client', 'http', 'alova'])]);
    default:
      return kebab([n, 'module']);
  }
}

/**
 * Decides every file's folder, name, kind and role before any text is written.
 * Roles: 'factory' (factory module, sometimes with a call site in the same file),
 * 'callsite', 'mention', or null (filler only).
 */
export function planCorpus(seed, count) {
  const rng = new Rng(seedFrom(seed, 'plan', count));
  const folders = buildFolders(rng, count);
  const files = [];
  const namesPerDir = new Map();
  for (let i = 0; i < count; i++) {
    const folder = rng.next() < 0.15 ? folders[i % folders.length] : rng.pick(folders);
    const kind = rng.weighted(KINDS_BY_FLAVOUR[folder.flavour] ?? KINDS_BY_FLAVOUR.generic);
    files.push({ index: i, folder, kind, role: null, path: '', ext: '' });
  }

  const nFactory = Math.max(1, Math.round(count * RATIOS.factories));
  const nCallSite = Math.max(1, Math.round(count * RATIOS.callSiteFiles));
  const nMention = Math.max(3, Math.round(count * RATIOS.mentions));
  const order = rng.shuffle(files.map((f) => f.index));
  const taken = new Set();
  const takeRole = (n, preferred) => {
    const out = [];
    for (const pass of [true, false]) {
      for (const i of order) {
        if (out.length >= n) break;
        if (taken.has(i)) continue;
        if (pass && preferred && !preferred.has(files[i].folder.flavour)) continue;
        taken.add(i);
        out.push(i);
      }
    }
    return out.sort((a, b) => a - b);
  };
  const factoryIdx = takeRole(nFactory, FACTORY_FLAVOURS);
  const callIdx = takeRole(nCallSite, CALLSITE_FLAVOURS);
  const mentionIdx = takeRole(nMention, null);

  // Factory functions: globally unique names so a call site may import several.
  const factoryNames = new Names();
  const factories = [];
  for (const i of factoryIdx) {
    const f = files[i];
    f.role = 'factory';
    f.kind = 'factory';
    const howMany = rng.chance(0.1) ? 2 : 1;
    f.factories = [];
    f.reqStyle = rng.pick(REQUEST_TYPES);
    for (let k = 0; k < howMany; k++) {
      const noun = rng.pick(NOUNS);
      const style = rng.weighted([['create', 5], ['make', 2], ['build', 1.5], ['for', 1.5]]);
      const base = style === 'create' ? camel(['create', noun, 'api'])
        : style === 'make' ? camel(['make', noun, 'client'])
          : style === 'build' ? camel(['build', noun, 'http'])
            : camel([noun, 'api', 'for']);
      const fac = { name: factoryNames.unique(base), noun, fileIndex: i, reqStyle: f.reqStyle };
      f.factories.push(fac);
      factories.push(fac);
    }
    f.colocated = rng.chance(0.2);
    // Half of the same-file factories are module-private: only that file calls them.
    if (f.colocated && rng.chance(0.5)) f.factories[0].local = true;
  }
  for (const i of callIdx) {
    const f = files[i];
    f.role = 'callsite';
    if (f.kind === 'component' || f.kind === 'page') f.kind = 'page';
    else f.kind = 'handler';
    f.uses = [];
  }
  // Every exported factory is used by at least one call-site file; then 0-1 extra
  // factories per file. Module-private factories are only called in their own file.
  let exported = factories.filter((fac) => !fac.local);
  if (exported.length === 0) {
    factories[0].local = false;
    exported = [factories[0]];
  }
  const callFiles = callIdx.map((i) => files[i]);
  exported.forEach((fac, k) => {
    callFiles[k % callFiles.length].uses.push(fac);
  });
  for (const f of callFiles) {
    if (f.uses.length === 0 || rng.chance(0.25)) {
      const fac = rng.pick(exported);
      if (!f.uses.includes(fac)) f.uses.push(fac);
    }
  }
  const mentionKinds = ['comment', 'singleton', 'string'];
  mentionIdx.forEach((i, k) => {
    files[i].role = 'mention';
    files[i].mention = mentionKinds[k % mentionKinds.length];
    if (files[i].mention === 'singleton') files[i].kind = 'singleton';
  });

  // Names and paths (after kinds are final).
  for (const f of files) {
    f.ext = f.kind === 'component' || f.kind === 'page' || (f.kind === 'hook' && rng.chance(0.3)) ? '.tsx' : '.ts';
    let dirNames = namesPerDir.get(f.folder.dir);
    if (!dirNames) namesPerDir.set(f.folder.dir, (dirNames = new Names()));
    const base = f.kind === 'singleton' ? kebab([rng.pick(NOUNS), 'http'])
      : f.kind === 'factory' ? kebab([f.factories[0].noun, rng.pick(['api', 'client', 'http', 'alova'])])
        : fileBaseName(rng, f.kind);
    const unique = dirNames.unique(base);
    f.path = `${f.folder.dir}/${unique}${f.ext}`;
  }
  return { seed, count, folders, files, factories };
}

// ---------------------------------------------------------------- rendering

function relImport(fromFile, toFile) {
  let rel = path.posix.relative(path.posix.dirname(fromFile), toFile).replace(/\.tsx?$/, '');
  if (!rel.startsWith('.')) rel = './' + rel;
  return rel;
}

function sentence(rng, min, max) {
  const n = rng.int(min, max);
  const words = [];
  for (let i = 0; i < n; i++) words.push(rng.pick(SENTENCE_WORDS));
  const s = words.join(' ');
  return cap(s) + '.';
}

/** Context shared by the block builders of one file. */
class FileGen {
  constructor(rng, file) {
    this.rng = rng;
    this.file = file;
    this.names = new Names();
    this.react = new Set();
    this.exports = [];
    this.tsx = file.ext === '.tsx';
  }
  noun() {
    return this.rng.pick(NOUNS);
  }
  name(base) {
    return this.names.unique(base);
  }
}

// Each block builder returns { lines, marks? }. Marks carry a 0-based line index in the block.

function blockStringUtil(g) {
  const r = g.rng;
  const n = g.noun();
  const name = g.name(camel([r.pick(VERBS), n, r.pick(['label', 'title', 'key', 'slug', 'name'])]));
  g.exports.push({ name, sig: 'str' });
  const sep = r.pick([' ', '-', '_', '']);
  return { lines: [
    '/**',
    ` * ${cap(r.pick(VERBS))}s a ${n} ${r.pick(['label', 'title', 'value'])} for display.`,
    ' * @param value - raw input from the form or the URL',
    ' */',
    `export function ${name}(value: string): string {`,
    '  const trimmed = value.trim();',
    '  if (!trimmed) {',
    `    return '${r.pick(['', 'unknown', 'n/a', '-'])}';`,
    '  }',
    '  return trimmed',
    '    .split(/[\\s_-]+/)',
    '    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())',
    `    .join('${sep}');`,
    '}',
  ] };
}

function blockNumberUtil(g) {
  const r = g.rng;
  const name = g.name(camel([r.pick(['clamp', 'round', 'normalize', 'score']), g.noun(), r.pick(['count', 'total', 'ratio', 'amount'])]));
  g.exports.push({ name, sig: 'num' });
  const p = r.pick([1, 10, 100, 1000]);
  const lines = [
    `export function ${name}(value: number, min = ${r.int(0, 5)}, max = ${r.int(50, 5000)}): number {`,
    '  if (Number.isNaN(value)) {',
    '    return min;',
    '  }',
    '  const bounded = Math.min(Math.max(value, min), max);',
  ];
  if (r.chance(0.5)) {
    lines.push(
      `  switch (Math.sign(bounded - ${r.int(1, 40)})) {`,
      '    case -1:',
      `      return Math.floor(bounded * ${p}) / ${p};`,
      '    case 1:',
      `      return Math.ceil(bounded * ${p}) / ${p};`,
      '    default:',
      '      return bounded;',
      '  }',
    );
  } else {
    lines.push(`  return Math.round(bounded * ${p}) / ${p};`);
  }
  lines.push('}');
  return { lines };
}

function blockPredicate(g) {
  const r = g.rng;
  const n = g.noun();
  const re = g.name(upper([n, r.pick(['pattern', 're', 'format'])]));
  const name = g.name(camel(['is', r.pick(QUALIFIERS), n, 'id']));
  g.exports.push({ name, sig: 'pred' });
  return { lines: [
    `const ${re} = /^[a-z0-9][a-z0-9-]{${r.int(1, 4)},${r.int(20, 64)}}$/i;`,
    '',
    `export function ${name}(value: unknown): value is string {`,
    `  return typeof value === 'string' && ${re}.test(value);`,
    '}',
  ] };
}

function blockGroupBy(g) {
  const r = g.rng;
  const name = g.name(camel([r.pick(['group', 'index', 'bucket', 'partition']), plural(g.noun()), 'by']));
  return { lines: [
    `export function ${name}<T, K extends string>(items: readonly T[], keyOf: (item: T) => K): Record<K, T[]> {`,
    '  const result = {} as Record<K, T[]>;',
    '  for (const item of items) {',
    '    const key = keyOf(item);',
    '    (result[key] ??= []).push(item);',
    '  }',
    '  return result;',
    '}',
  ] };
}

function blockInterface(g) {
  const r = g.rng;
  const n = g.noun();
  const name = g.name(pascal([r.chance(0.4) ? r.pick(QUALIFIERS) : n, n, r.pick(['', 'Dto', 'Record', 'Summary', 'Options'])].filter(Boolean).filter((w, i, a) => i === 0 || w !== a[i - 1])));
  g.exports.push({ name, sig: 'type' });
  const lines = [];
  if (r.chance(0.4)) lines.push(`/** ${sentence(r, 4, 10)} */`);
  lines.push(`export interface ${name} {`);
  const fields = new Names();
  const k = r.int(3, 10);
  for (let i = 0; i < k; i++) {
    const f = fields.unique(i === 0 ? 'id' : camel([r.pick(i % 2 ? QUALIFIERS : NOUNS), r.pick(['at', 'id', 'name', 'count', 'state', 'value', 'items'])]));
    const ro = r.chance(0.2) ? 'readonly ' : '';
    const opt = i > 0 && r.chance(0.3) ? '?' : '';
    lines.push(`  ${ro}${f}${opt}: ${i === 0 ? 'string' : r.pick(FIELD_TYPES)};`);
  }
  lines.push('}');
  return { lines };
}

function blockUnion(g) {
  const r = g.rng;
  const n = g.noun();
  const type = g.name(pascal([n, 'event']));
  const fn = g.name(camel(['describe', n, 'event']));
  const [a, b, c] = r.sample(['created', 'updated', 'deleted', 'archived', 'restored', 'shared', 'moved'], 3);
  g.exports.push({ name: type, sig: 'type' });
  return { lines: [
    `export type ${type} =`,
    `  | { kind: '${a}'; id: string; at: number }`,
    `  | { kind: '${b}'; id: string; reason: string }`,
    `  | { kind: '${c}'; ids: string[] };`,
    '',
    `export function ${fn}(event: ${type}): string {`,
    '  switch (event.kind) {',
    `    case '${a}':`,
    `      return '${a} ' + event.id + ' at ' + new Date(event.at).toISOString();`,
    `    case '${b}':`,
    `      return \`${b} \${event.id}: \${event.reason}\`;`,
    '    default:',
    `      return '${c} ' + event.ids.length;`,
    '  }',
    '}',
  ] };
}

function blockEnum(g) {
  const r = g.rng;
  const name = g.name(pascal([g.noun(), r.pick(['status', 'kind', 'level', 'mode'])]));
  const members = r.sample(['Active', 'Inactive', 'Pending', 'Archived', 'Draft', 'Failed', 'Done', 'Queued', 'Hidden'], r.int(3, 6));
  g.exports.push({ name, sig: 'enum', member: members[0] });
  return { lines: [
    `export enum ${name} {`,
    ...members.map((m) => `  ${m} = '${m.toLowerCase()}',`),
    '}',
  ] };
}

function blockConstMap(g) {
  const r = g.rng;
  const n = g.noun();
  const name = g.name(upper([n, 'labels']));
  const keyType = g.name(pascal([n, 'label', 'key']));
  const keys = r.sample(NOUNS, r.int(3, 7));
  return { lines: [
    `export const ${name} = {`,
    ...keys.map((k) => `  ${k}: '${cap(k)} ${r.pick(['list', 'details', 'overview', 'settings'])}',`),
    '} as const;',
    '',
    `export type ${keyType} = keyof typeof ${name};`,
  ] };
}

function blockClass(g) {
  const r = g.rng;
  const n = g.noun();
  const name = g.name(pascal([n, r.pick(['service', 'store', 'repository', 'registry', 'cache'])]));
  g.exports.push({ name, sig: 'class' });
  const lines = [
    `export class ${name} {`,
    '  private readonly entries = new Map<string, { id: string; label: string }>();',
    '  private hits = 0;',
    '',
    `  constructor(private readonly prefix = '${n}') {}`,
    '',
    '  get size(): number {',
    '    return this.entries.size;',
    '  }',
    '',
    '  describe(): string {',
    '    return `${this.prefix}:${this.entries.size}:${this.hits}`;',
    '  }',
    '',
    '  async load(id: string): Promise<{ id: string; label: string } | undefined> {',
    '    const cached = this.entries.get(id);',
    '    if (cached) {',
    '      this.hits += 1;',
    '      return cached;',
    '    }',
    `    await new Promise((resolve) => setTimeout(resolve, ${r.int(0, 50)}));`,
    '    const value = { id, label: `${this.prefix}-${id}` };',
    '    this.entries.set(id, value);',
    '    return value;',
    '  }',
  ];
  if (r.chance(0.5)) {
    lines.push(
      '',
      `  static from(ids: string[]): ${name} {`,
      `    const store = new ${name}();`,
      '    for (const id of ids) {',
      "      store.entries.set(id, { id, label: id.toUpperCase() });",
      '    }',
      '    return store;',
      '  }',
    );
  }
  lines.push('', '  clear(): void {', '    this.entries.clear();', '    this.hits = 0;', '  }', '}');
  return { lines };
}

function blockAsyncBatch(g) {
  const r = g.rng;
  const name = g.name(camel([r.pick(['load', 'fetch', 'resolve', 'warm']), plural(g.noun()), 'in', 'batches']));
  return { lines: [
    `export async function ${name}(ids: string[], concurrency = ${r.int(2, 16)}): Promise<Map<string, number>> {`,
    '  const results = new Map<string, number>();',
    '  for (let i = 0; i < ids.length; i += concurrency) {',
    '    const batch = ids.slice(i, i + concurrency);',
    '    const values = await Promise.all(',
    '      batch.map(async (id, index) => {',
    '        await Promise.resolve();',
    '        return id.length * (index + 1);',
    '      }),',
    '    );',
    '    batch.forEach((id, index) => results.set(id, values[index] ?? 0));',
    '  }',
    '  return results;',
    '}',
  ] };
}

function blockReduce(g) {
  const r = g.rng;
  const name = g.name(camel(['summarize', plural(g.noun())]));
  const f1 = r.pick(['amount', 'count', 'score', 'weight']);
  const f2 = r.pick(['label', 'name', 'title', 'code']);
  return { lines: [
    `export function ${name}(rows: Array<{ ${f1}: number; ${f2}: string }>): { total: number; labels: string[] } {`,
    '  return rows',
    `    .filter((row) => row.${f1} > ${r.int(0, 10)})`,
    '    .reduce(',
    '      (acc, row) => {',
    `        acc.total += row.${f1};`,
    `        acc.labels.push(row.${f2});`,
    '        return acc;',
    '      },',
    '      { total: 0, labels: [] as string[] },',
    '    );',
    '}',
  ] };
}

function blockConstants(g) {
  const r = g.rng;
  const lines = [];
  const k = r.int(2, 5);
  for (let i = 0; i < k; i++) {
    const name = g.name(upper([r.pick(['max', 'min', 'default', 'page']), g.noun(), r.pick(['size', 'limit', 'ttl', 'retries'])]));
    g.exports.push({ name, sig: 'const' });
    lines.push(`export const ${name} = ${r.int(1, 500)};`);
  }
  return { lines };
}

function blockComment(g) {
  const r = g.rng;
  const k = r.int(2, 5);
  const lines = [];
  for (let i = 0; i < k; i++) lines.push('// ' + sentence(r, 5, 12));
  return { lines };
}

function blockComponent(g) {
  const r = g.rng;
  const n = g.noun();
  const name = g.name(pascal([n, r.pick(COMPONENT_SUFFIXES)]));
  const props = g.name(name + 'Props');
  g.exports.push({ name, sig: 'component' }, { name: props, sig: 'type' });
  g.react.add('useState').add('useMemo').add('useEffect');
  const cls = kebab([n, r.pick(['list', 'panel', 'card', 'view'])]);
  return { lines: [
    `export interface ${props} {`,
    '  title?: string;',
    '  items?: string[];',
    '  onSelect?: (id: string) => void;',
    '}',
    '',
    `export function ${name}({ title = '${cap(plural(n))}', items = [], onSelect }: ${props}) {`,
    '  const [selected, setSelected] = useState<string | null>(null);',
    "  const [query, setQuery] = useState('');",
    '  const visible = useMemo(',
    '    () => items.filter((item) => item.toLowerCase().includes(query.toLowerCase())),',
    '    [items, query],',
    '  );',
    '',
    '  useEffect(() => {',
    '    if (selected && onSelect) {',
    '      onSelect(selected);',
    '    }',
    '  }, [selected, onSelect]);',
    '',
    '  return (',
    `    <div className="${cls}">`,
    '      <h2>{title}</h2>',
    `      <input value={query} onChange={(event) => setQuery(event.target.value)} placeholder="Search ${plural(n)}" />`,
    '      {visible.length === 0 ? (',
    `        <p className="${cls}__empty">No ${plural(n)} yet</p>`,
    '      ) : (',
    '        <ul>',
    '          {visible.map((item) => (',
    "            <li key={item} className={item === selected ? 'is-active' : undefined} onClick={() => setSelected(item)}>",
    '              {item}',
    '            </li>',
    '          ))}',
    '        </ul>',
    '      )}',
    '    </div>',
    '  );',
    '}',
  ] };
}

function blockSmallComponent(g) {
  const r = g.rng;
  const n = g.noun();
  const name = g.name(pascal([r.pick(QUALIFIERS), n, r.pick(['Badge', 'Label', 'Count', 'Chip'])]));
  g.exports.push({ name, sig: 'component' });
  return { lines: [
    `export const ${name} = ({ label, count = 0 }: { label?: string; count?: number }) => (`,
    `  <span className="${kebab([n, 'chip'])}" data-count={count}>`,
    `    {label ?? '${cap(n)}'}: <strong>{count}</strong>`,
    '    {count > 99 && <em>99+</em>}',
    '  </span>',
    ');',
  ] };
}

function blockHook(g) {
  const r = g.rng;
  const name = g.name(camel(['use', r.pick(QUALIFIERS), g.noun(), r.pick(['counter', 'state', 'selection'])]));
  g.exports.push({ name, sig: 'hook' });
  g.react.add('useState').add('useCallback');
  return { lines: [
    `export function ${name}(initial = ${r.int(0, 10)}) {`,
    '  const [value, setValue] = useState(initial);',
    `  const increment = useCallback(() => setValue((current) => current + ${r.int(1, 5)}), []);`,
    '  const reset = useCallback(() => setValue(initial), [initial]);',
    '  return { value, increment, reset };',
    '}',
  ] };
}

function blockHandler(g) {
  const r = g.rng;
  const name = g.name(camel(['handle', r.pick(QUALIFIERS), g.noun(), r.pick(['request', 'webhook', 'update'])]));
  const method = r.pick(['GET', 'POST', 'PUT', 'DELETE']);
  return { lines: [
    `export async function ${name}(request: { method: string; url: string; body?: unknown }): Promise<{ status: number; body: string }> {`,
    `  if (request.method !== '${method}') {`,
    "    return { status: 405, body: 'Method Not Allowed' };",
    '  }',
    '  try {',
    "    const payload = typeof request.body === 'string' ? JSON.parse(request.body) : request.body;",
    '    return { status: 200, body: JSON.stringify({ ok: true, path: request.url, payload }) };',
    '  } catch (error) {',
    '    const message = error instanceof Error ? error.message : String(error);',
    '    return { status: 400, body: message };',
    '  }',
    '}',
  ] };
}

const FILLERS = {
  component: [[blockComponent, 3], [blockSmallComponent, 2], [blockInterface, 1], [blockStringUtil, 1], [blockComment, 1], [blockConstants, 0.5], [blockHook, 0.5]],
  page: [[blockComponent, 2], [blockSmallComponent, 1], [blockAsyncBatch, 1], [blockInterface, 1], [blockComment, 1]],
  hook: [[blockHook, 3], [blockStringUtil, 1], [blockInterface, 1], [blockComment, 1]],
  util: [[blockStringUtil, 3], [blockNumberUtil, 2], [blockPredicate, 2], [blockGroupBy, 1], [blockReduce, 2], [blockAsyncBatch, 1], [blockComment, 1], [blockConstants, 1]],
  types: [[blockInterface, 4], [blockUnion, 2], [blockEnum, 2], [blockConstMap, 1], [blockComment, 1]],
  service: [[blockClass, 3], [blockInterface, 1], [blockAsyncBatch, 1], [blockComment, 1], [blockConstants, 1], [blockGroupBy, 1]],
  handler: [[blockHandler, 3], [blockAsyncBatch, 1], [blockInterface, 1], [blockComment, 1], [blockReduce, 1]],
  factory: [[blockInterface, 3], [blockStringUtil, 1], [blockComment, 1], [blockConstants, 1], [blockClass, 1]],
  singleton: [[blockInterface, 2], [blockComment, 1], [blockConstants, 1], [blockStringUtil, 1]],
};

// ---------------------------------------------------------------- alova blocks

function requestType(g, style) {
  switch (style) {
    case 'alias':
      if (!g.requestAlias) {
        g.requestAlias = g.name('RequestLike');
        g.preamble.push(`type ${g.requestAlias} = { headers: Record<string, string | undefined> };`);
      }
      return g.requestAlias;
    case 'express':
      g.names.add('Request');
      g.typeImports.set('express', 'Request');
      return 'Request';
    case 'node':
      g.names.add('IncomingMessage');
      g.typeImports.set('node:http', 'IncomingMessage');
      return 'IncomingMessage';
    default:
      return '{ headers: Record<string, string | undefined> }';
  }
}

function blockFactory(g, fac, reqStyle) {
  const r = g.rng;
  g.names.add(fac.name);
  if (!fac.local) g.exports.push({ name: fac.name, sig: 'factory' });
  g.alovaImports = true;
  const p = r.pick(['req', 'request', 'incoming']);
  const T = requestType(g, reqStyle);
  const [access, header, tok] = r.pick([
    ['.authorization', '.Authorization', 'token'],
    ['.cookie', '.Cookie', 'cookie'],
    ["['x-tenant-id']", "['X-Tenant-Id']", 'tenant'],
    ["['accept-language']", "['Accept-Language']", 'locale'],
  ]);
  const base = r.chance(0.3) ? `process.env.${upper([fac.noun, 'api', 'url'])} ?? '${r.pick(HOSTS)}'` : `'${r.pick(HOSTS)}'`;
  const lines = [];
  if (r.chance(0.4)) lines.push(`/** Builds the ${fac.noun} client for one incoming request. */`);
  lines.push(
    `${fac.local ? '' : 'export '}function ${fac.name}(${p}: ${T}) {`,
    `  const ${tok} = ${p}.headers${access};`,
  );
  const mark = lines.length;
  lines.push('  return createAlova({', `    baseURL: ${base},`, '    requestAdapter: adapterFetch(),');
  if (r.chance(0.4)) lines.push(`    timeout: ${r.pick([3000, 5000, 10000, 15000])},`);
  if (r.chance(0.5)) {
    lines.push('    beforeRequest(method) {', `      method.config.headers${header} = ${tok};`, '    },');
  } else {
    lines.push('    beforeRequest: (method) => {', `      method.config.headers${header} = ${tok};`, '    },');
  }
  if (r.chance(0.5)) lines.push('    responded: (response) => response.json(),');
  lines.push('  });', '}');
  const col = lines[mark].indexOf('createAlova(') + 1;
  return { lines, marks: [{ type: 'factory', lineIdx: mark, col, name: fac.name, declLineIdx: lines[0].startsWith('/**') ? 1 : 0, exported: !fac.local }] };
}

function blockCallSite(g, callee, factory, reqStyle) {
  const r = g.rng;
  const n = factory.noun;
  const T = requestType(g, reqStyle);
  const api = r.pick(['api', 'client', 'http', camel([n, 'api'])]);
  const res = r.pick(['data', 'result', 'payload', n]);
  const variant = g.tsx && !g.names.has('getServerSideProps') && r.chance(0.6) ? 'ssr' : r.pick(['basic', 'basic', 'params', 'post', 'parallel']);
  const pathA = r.pick(HTTP_PATHS);
  const lines = [];
  let fn;
  let p = r.pick(['req', 'request']);
  if (variant === 'ssr') {
    fn = g.name('getServerSideProps');
    p = 'req';
    lines.push(`export async function ${fn}({ req }: { req: ${T} }) {`);
  } else {
    fn = g.name(camel([variant === 'post' ? r.pick(['save', 'submit', 'update']) : r.pick(['load', 'fetch', 'get']), n, r.pick(['', 'data', 'page', 'details'])].filter(Boolean)));
    if (variant === 'params') lines.push(`export async function ${fn}(${p}: ${T}, id: string) {`, '  if (!id) {', `    throw new Error('${n} id is required');`, '  }');
    else if (variant === 'post') lines.push(`export async function ${fn}(${p}: ${T}, body: Record<string, unknown>) {`);
    else lines.push(`export async function ${fn}(${p}: ${T}) {`);
  }
  const mark = lines.length;
  lines.push(`  const ${api} = ${callee}(${p});`);
  const col = lines[mark].indexOf(callee + '(') + 1;
  switch (variant) {
    case 'ssr':
      lines.push(`  const ${res} = await ${api}.Get('${pathA}');`, `  return { props: { ${res} } };`);
      break;
    case 'params':
      lines.push(`  const ${res} = await ${api}.Get(\`/${plural(n)}/\${id}\`, { params: { expand: '${r.pick(['owner', 'items', 'all'])}' } });`,
        `  return { ...(${res} as object), fetchedAt: Date.now() };`);
      break;
    case 'post':
      lines.push(`  const ${res} = await ${api}.Post('/${plural(n)}', body);`, `  return ${res};`);
      break;
    case 'parallel':
      lines.push(`  const [first, second] = await Promise.all([${api}.Get('${pathA}'), ${api}.Get('${r.pick(HTTP_PATHS)}')]);`, '  return { first, second };');
      break;
    default:
      lines.push(`  const ${res} = await ${api}.Get('${pathA}');`, `  return ${res};`);
  }
  lines.push('}');
  return { lines, marks: [{ type: 'call', lineIdx: mark, col, callee, fn, factory }] };
}

function blockSingleton(g) {
  const r = g.rng;
  const n = g.noun();
  const inst = g.name(camel([r.pick(['public', 'shared', 'static']), n, 'alova']));
  const fn = g.name(camel(['fetch', 'public', plural(n)]));
  g.alovaImports = true;
  const lines = [
    '/** One instance for the whole process: it captures no per-request state, so it is safe on the server. */',
    `export const ${inst} = createAlova({`,
    `  baseURL: '${r.pick(HOSTS)}',`,
    '  requestAdapter: adapterFetch(),',
    `  timeout: ${r.pick([3000, 8000])},`,
    '});',
    '',
    `export async function ${fn}() {`,
    `  const list = await ${inst}.Get('/${plural(n)}');`,
    '  return list;',
    '}',
  ];
  return { lines, marks: [{ type: 'mention', lineIdx: 1, kind: 'singleton' }] };
}

function blockMentionComment(g) {
  const r = g.rng;
  return { lines: [
    `// ${r.pick(['Note', 'Reminder', 'Heads-up'])}: the HTTP client is created once with createAlova() in src/lib/http;`,
    '// never build one per request here (it would leak headers between users).',
  ], marks: [{ type: 'mention', lineIdx: 0, kind: 'comment' }] };
}

function blockMentionString(g) {
  const name = g.name(upper([g.noun(), 'client', 'hint']));
  return { lines: [
    `export const ${name} = 'Use the shared client: createAlova is called once at startup, see docs/http.md';`,
  ], marks: [{ type: 'mention', lineIdx: 0, kind: 'string' }] };
}

// ---------------------------------------------------------------- imports between files

const TS_SIGS = new Set(['str', 'num', 'pred', 'type', 'enum', 'class', 'const']);

function blockUsage(g, imported) {
  const r = g.rng;
  if (imported.length === 0) return null;
  const parts = [];
  for (const { name, sig, member } of imported) {
    switch (sig) {
      case 'str': parts.push(`  parts.push(${name}(input));`); break;
      case 'num': parts.push(`  parts.push(String(${name}(count)));`); break;
      case 'pred': parts.push(`  if (${name}(input)) parts.push('valid');`); break;
      case 'type': parts.push(`  const ${camel(['sample', name])}: ${name} | undefined = undefined;`, `  parts.push(String(${camel(['sample', name])}));`); break;
      case 'enum': parts.push(`  parts.push(${name}.${member});`); break;
      case 'class': parts.push(`  parts.push(new ${name}().describe());`); break;
      case 'const': parts.push(`  parts.push(String(${name}));`); break;
      default: break;
    }
  }
  const jsx = imported.filter((i) => i.sig === 'component' || i.sig === 'hook');
  if (g.tsx && jsx.length > 0) {
    const name = g.name(pascal([g.noun(), 'section']));
    const lines = [`export function ${name}({ input = '', count = 0 }: { input?: string; count?: number }) {`, '  const parts: string[] = [];', ...parts];
    jsx.filter((i) => i.sig === 'hook').forEach((i, k) => lines.push(`  const hook${k} = ${i.name}(count);`, `  parts.push(String(hook${k}.value));`));
    lines.push('  return (', `    <section className="${kebab([g.noun(), 'section'])}">`);
    for (const i of jsx) if (i.sig === 'component') lines.push(`      <${i.name} />`);
    lines.push("      <p>{parts.join(' / ')}</p>", '    </section>', '  );', '}');
    return { lines };
  }
  const name = g.name(camel([r.pick(['describe', 'wire', 'debug']), g.noun(), 'deps']));
  return { lines: [`export function ${name}(input: string, count: number): string {`, '  const parts: string[] = [];', ...parts, "  return parts.join(':');", '}'] };
}

// ---------------------------------------------------------------- one file

const MIN_LINES = 50;
const MAX_LINES = 400;

function targetLines(rng) {
  // 50..400, skewed towards shorter files (mean about 180 lines).
  return 50 + Math.floor(350 * Math.pow(rng.next(), 1.7));
}

function renderFile(plan, file, exportsByIndex, dtoByIndex) {
  const rng = new Rng(seedFrom(plan.seed, 'file', file.index));
  const g = new FileGen(rng, file);
  g.preamble = [];
  g.typeImports = new Map();
  g.alovaImports = false;

  // 1. imports from earlier filler files
  const importLines = [];
  const imported = [];
  const nImports = rng.int(0, 4);
  for (let t = 0; t < nImports * 3 && importLines.length < nImports && file.index > 0; t++) {
    const j = rng.chance(0.7) ? Math.max(0, file.index - rng.int(1, 60)) : rng.int(0, file.index - 1);
    const ex = exportsByIndex[j];
    if (!ex || ex.length === 0) continue;
    const usable = ex.filter((e) => (g.tsx ? TS_SIGS.has(e.sig) || e.sig === 'component' || e.sig === 'hook' : TS_SIGS.has(e.sig)) && !g.names.has(e.name));
    if (usable.length === 0) continue;
    const chosen = rng.sample(usable, rng.int(1, 2));
    const target = plan.files[j].path;
    if (importLines.some((l) => l.endsWith(`'${relImport(file.path, target)}';`))) continue;
    for (const c of chosen) g.names.add(c.name);
    imported.push(...chosen);
    const onlyTypes = chosen.every((c) => c.sig === 'type');
    importLines.push(`import ${onlyTypes ? 'type ' : ''}{ ${chosen.map((c) => c.name).join(', ')} } from '${relImport(file.path, target)}';`);
  }

  // 2. special blocks
  const special = [];
  if (file.role === 'factory') {
    for (const fac of file.factories) special.push(blockFactory(g, fac, fac.reqStyle));
    if (file.colocated) {
      const fac = file.factories[0];
      special.push(blockCallSite(g, fac.name, fac, fac.reqStyle));
    }
  } else if (file.role === 'callsite') {
    const aliases = [];
    for (const fac of file.uses) {
      const target = plan.files[fac.fileIndex].path;
      const alias = rng.chance(0.3) ? g.name(camel([fac.noun, 'api', 'from', 'request'])) : null;
      if (!alias) g.names.add(fac.name);
      const callee = alias ?? fac.name;
      aliases.push([fac, callee]);
      const dto = rng.chance(0.2) ? dtoByIndex[fac.fileIndex]?.find((e) => !g.names.has(e.name)) : null;
      if (dto) g.names.add(dto.name);
      const spec = alias ? `${fac.name} as ${alias}` : fac.name;
      importLines.push(`import { ${spec}${dto ? `, type ${dto.name}` : ''} } from '${relImport(file.path, target)}';`);
    }
    for (const [fac, callee] of aliases) {
      const calls = rng.chance(0.3) ? 2 : 1;
      for (let k = 0; k < calls; k++) special.push(blockCallSite(g, callee, fac, fac.reqStyle));
    }
  } else if (file.role === 'mention') {
    if (file.mention === 'singleton') special.push(blockSingleton(g));
    else if (file.mention === 'comment') special.push(blockMentionComment(g));
    else special.push(blockMentionString(g));
  }
  const usage = blockUsage(g, imported);
  if (usage) special.push(usage);

  // 3. filler up to the target size
  const fillers = FILLERS[file.kind] ?? FILLERS.util;
  const allowed = g.tsx ? fillers : fillers.filter(([fn]) => fn !== blockComponent && fn !== blockSmallComponent);
  const header = [];
  if (rng.chance(0.25)) header.push('/**', ` * ${sentence(rng, 6, 14)}`, ' */');
  const fixed = header.length + importLines.length + 4 + special.reduce((s, b) => s + b.lines.length + 1, 0);
  // Capped below 400 so that the last filler block (at most ~45 lines) still fits.
  const target = Math.min(350, Math.max(targetLines(rng), fixed + 12));
  const blocks = [];
  let total = fixed;
  while (total < target) {
    const b = rng.weighted(allowed)(g);
    blocks.push(b);
    total += b.lines.length + 1;
  }
  for (const b of special) blocks.splice(rng.int(0, blocks.length), 0, b);

  // 4. assemble (imports last, once the body has said what it needs)
  const imports = [];
  if (g.react.size > 0) imports.push(`import { ${[...g.react].sort().join(', ')} } from 'react';`);
  if (g.alovaImports) imports.push("import { createAlova } from 'alova';", "import adapterFetch from 'alova/fetch';");
  for (const [mod, name] of g.typeImports) imports.push(`import type { ${name} } from '${mod}';`);
  imports.push(...importLines);
  const out = [...header, ...imports];
  if (g.preamble.length) out.push('', ...g.preamble);
  const marks = [];
  for (const b of blocks) {
    out.push('');
    const start = out.length; // 0-based index of the block's first line
    for (const m of b.marks ?? []) marks.push({ ...m, line: start + m.lineIdx + 1 });
    for (const l of b.lines) out.push(l);
  }
  // `fixed` over-estimates the import lines; top short files up to the 50-line minimum.
  while (out.length < MIN_LINES) out.push('', ...rng.weighted([[blockComment, 1], [blockConstants, 1]])(g).lines);
  if (out.length > MAX_LINES) throw new Error(`internal: ${file.path} has ${out.length} lines`);
  return { text: out.join('\n') + '\n', lines: out.length, marks, exports: g.exports };
}

// ---------------------------------------------------------------- whole corpus

/**
 * Renders the corpus in memory file by file and hands each file to `emit(path, text)`.
 * Returns expected.json's content (without writing anything itself).
 */
export function renderCorpus(seed, count, emit) {
  const plan = planCorpus(seed, count);
  const exportsByIndex = new Array(count);
  const dtoByIndex = new Array(count);
  const factories = [];
  const callSites = [];
  const mentions = [];
  const stats = { files: count, tsFiles: 0, tsxFiles: 0, folders: 0, lines: 0, bytes: 0, factoryFiles: 0, callSiteFiles: 0, colocatedFiles: 0, mentionFiles: 0 };
  const folders = new Set();
  for (const file of plan.files) {
    const { text, lines, marks, exports } = renderFile(plan, file, exportsByIndex, dtoByIndex);
    // Filler imports only ever target filler and mention files, so the planted files'
    // import graph is exactly what expected.json says. Call sites may also import a DTO
    // type from their factory module (when that module was rendered before them).
    if (file.role === 'factory') dtoByIndex[file.index] = exports.filter((e) => e.sig === 'type');
    else if (file.role !== 'callsite') exportsByIndex[file.index] = exports;
    emit(file.path, text);
    folders.add(path.posix.dirname(file.path));
    stats.lines += lines;
    stats.bytes += Buffer.byteLength(text);
    if (file.ext === '.tsx') stats.tsxFiles++;
    else stats.tsFiles++;
    let hasCall = false;
    for (const m of marks) {
      if (m.type === 'factory') factories.push({ file: file.path, name: m.name, line: m.line, col: m.col, declLine: m.line - m.lineIdx + m.declLineIdx, exported: m.exported });
      else if (m.type === 'call') {
        hasCall = true;
        callSites.push({ file: file.path, line: m.line, col: m.col, callee: m.callee, function: m.fn, factory: { file: plan.files[m.factory.fileIndex].path, name: m.factory.name } });
      } else if (m.type === 'mention') mentions.push({ file: file.path, kind: m.kind, line: m.line });
    }
    if (file.role === 'factory') stats.factoryFiles++;
    if (hasCall) stats.callSiteFiles++;
    if (file.role === 'factory' && file.colocated) stats.colocatedFiles++;
    if (file.role === 'mention') stats.mentionFiles++;
  }
  stats.folders = folders.size;
  return {
    generator: 'alova-ssr-migrate/bench/gen-corpus.mjs',
    generatorVersion: GENERATOR_VERSION,
    seed,
    size: count,
    stats,
    factories,
    callSites,
    mentions,
  };
}

function isCorpusDir(dir) {
  return fs.existsSync(path.join(dir, MARKER_FILE));
}

/**
 * Writes the corpus to `out` (replacing an earlier corpus there; refuses any other
 * non-empty folder). Writes into a sibling temp folder first and renames it into place,
 * so a half-written corpus is never mistaken for a complete one.
 */
export function generateCorpus({ seed, files, out }) {
  const started = process.hrtime.bigint();
  const outAbs = path.resolve(out);
  if (fs.existsSync(outAbs) && fs.readdirSync(outAbs).length > 0 && !isCorpusDir(outAbs)) {
    throw new Error(`refusing to overwrite ${out}: it exists, is not empty and is not a generated corpus (no ${MARKER_FILE})`);
  }
  const tmp = `${outAbs}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const madeDirs = new Set();
  const expected = renderCorpus(seed, files, (rel, text) => {
    const dir = path.posix.dirname(rel);
    if (!madeDirs.has(dir)) {
      fs.mkdirSync(path.join(tmp, dir), { recursive: true });
      madeDirs.add(dir);
    }
    fs.writeFileSync(path.join(tmp, rel), text);
  });
  fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({
    name: `bench-corpus-${seed}-${files}`,
    private: true,
    type: 'module',
    dependencies: { alova: '^3.5.5', express: '^5.1.0', react: '^18.3.1' },
  }, null, 2) + '\n');
  fs.writeFileSync(path.join(tmp, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', jsx: 'react-jsx', strict: true, noEmit: true },
    include: ['src'],
  }, null, 2) + '\n');
  fs.writeFileSync(path.join(tmp, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
  fs.writeFileSync(path.join(tmp, MARKER_FILE), `generated by bench/gen-corpus.mjs; seed ${seed}; files ${files}; safe to delete\n`);
  if (fs.existsSync(outAbs)) fs.rmSync(outAbs, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(outAbs), { recursive: true });
  fs.renameSync(tmp, outAbs);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { expected, ms };
}

/** Reads DIR/expected.json if DIR holds a complete corpus of this generator version, seed and size. */
export function readCorpus(dir, seed, files) {
  try {
    if (!isCorpusDir(dir)) return null;
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
    if (expected.generatorVersion !== GENERATOR_VERSION || expected.seed !== seed || expected.size !== files) return null;
    return expected;
  } catch {
    return null;
  }
}
