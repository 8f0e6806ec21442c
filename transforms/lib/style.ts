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

/** Quote and semicolon counts over the file's code (gathered by the AST index's walk). */
export interface StyleEvidence {
  single: number;
  double: number;
  withSemi: number;
  withoutSemi: number;
}

export function detectStyle(text: string, counts: StyleEvidence): CodeStyle {
  return {
    quote: counts.double > counts.single ? '"' : "'",
    semi: counts.withSemi >= counts.withoutSemi,
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
