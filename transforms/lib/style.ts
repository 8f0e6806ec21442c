/**
 * Detects a file's formatting conventions so generated code blends in: quote style, semicolons,
 * indentation unit and line endings. Decided by majority over the file's own code; defaults
 * (single quotes, semicolons, two spaces, LF) only when the file gives no evidence.
 */

export interface CodeStyle {
  quote: "'" | '"';
  semi: boolean;
  indent: string;
  eol: '\n' | '\r\n';
}

interface AnyNode {
  type: string;
  start?: number | null;
  end?: number | null;
  [key: string]: unknown;
}

const STATEMENT_TYPES = new Set([
  'ImportDeclaration',
  'VariableDeclaration',
  'ExpressionStatement',
  'ReturnStatement',
  'ThrowStatement',
]);

export function detectStyle(text: string, program: AnyNode): CodeStyle {
  let single = 0;
  let double = 0;
  let withSemi = 0;
  let withoutSemi = 0;
  const stack: unknown[] = [program];
  let visited = 0;
  while (stack.length && visited < 20000) {
    const node = stack.pop() as AnyNode;
    visited++;
    if (!node || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const n of node) stack.push(n);
      continue;
    }
    if (typeof node.type !== 'string') continue;
    if ((node.type === 'StringLiteral' || node.type === 'Literal') && typeof node.start === 'number') {
      const ch = text[node.start];
      if (ch === "'") single++;
      else if (ch === '"') double++;
    }
    if (STATEMENT_TYPES.has(node.type) && typeof node.end === 'number') {
      if (text[node.end - 1] === ';') withSemi++;
      else withoutSemi++;
    }
    for (const key of Object.keys(node)) {
      if (key === 'loc' || key === 'tokens' || key === 'comments' || key === 'leadingComments' || key === 'trailingComments') continue;
      // JSX attribute strings conventionally use double quotes whatever the code style is.
      if (node.type === 'JSXAttribute') continue;
      const v = node[key];
      if (v && typeof v === 'object') stack.push(v);
    }
  }
  return {
    quote: double > single ? '"' : "'",
    semi: withSemi >= withoutSemi,
    indent: detectIndent(text),
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

function detectIndent(text: string): string {
  let tabs = 0;
  let spaces = 0;
  const widths = new Map<number, number>();
  let prev = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^[ \t]*/.exec(line)![0];
    if (m.startsWith('\t')) tabs++;
    else if (m.length > 0) {
      spaces++;
      const d = Math.abs(m.length - prev);
      if (d > 0 && d <= 8) widths.set(d, (widths.get(d) ?? 0) + 1);
    }
    prev = m.startsWith('\t') ? prev : m.length;
  }
  if (tabs > spaces) return '\t';
  let best = 2;
  let bestCount = 0;
  for (const [w, c] of widths) {
    if (c > bestCount || (c === bestCount && w < best)) {
      best = w;
      bestCount = c;
    }
  }
  return ' '.repeat(best);
}

export function quoteString(value: string, style: CodeStyle): string {
  const q = style.quote;
  return q + value.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), '\\' + q) + q;
}
