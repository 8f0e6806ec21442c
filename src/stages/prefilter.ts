/**
 * Stage 2, pre-filter by text: only files whose bytes mention `createAlova` are decoded and go on
 * to be parsed (src/prefilter.ts tests the bytes). A file the tool cannot read or decode FAILS when
 * it could matter (it mentions alova, or it cannot be read at all): --check never passes over it.
 */
import { performance } from 'node:perf_hooks';
import type { DiscoveredFile } from '../discover.js';
import type { FileRecord } from '../records.js';
import { MAX_FILE_BYTES, readIfMentions } from '../prefilter.js';
import type { SourceFile } from '../transform.js';
import { ruleDocsUrl, rules } from '../../transforms/lib/rules.js';
import { type RunState, reasonRecord } from './state.js';

export interface Prefiltered {
  /** The files that mention createAlova, with their text. */
  candidates: SourceFile[];
  /** Every file that could be read (candidates included): evidence for the classifier. */
  readable: DiscoveredFile[];
}

export function prefilterStage(state: RunState, files: DiscoveredFile[]): Prefiltered {
  const t = performance.now();
  const candidates: SourceFile[] = [];
  const readable: DiscoveredFile[] = [];
  const mib = MAX_FILE_BYTES / 1024 / 1024;
  let read = 0;
  for (const f of files) {
    state.options.onProgress?.(++read, files.length);
    const r = readIfMentions(f.abs, ['createAlova']);
    const failed = (ruleId: string, reason: string) => state.planned.push({ abs: f.abs, record: reasonRecord(f.rel, 'failed', ruleId, reason) });
    switch (r.kind) {
      case 'no-match':
        readable.push(f);
        break;
      case 'too-large':
        if (r.mentions) failed('file-too-large', `larger than ${mib} MiB (${r.size} bytes) and mentions createAlova; not parsed`);
        else state.planned.push({ abs: f.abs, record: reasonRecord(f.rel, 'skipped', 'file-too-large', `larger than ${mib} MiB (${r.size} bytes); not parsed (it does not mention createAlova)`) });
        break;
      case 'binary':
        failed('binary-file', 'mentions createAlova but contains NUL bytes (binary); not parsed');
        break;
      case 'bad-encoding':
        state.planned.push({ abs: f.abs, record: encodingRecord(f.rel, r) });
        break;
      case 'unreadable':
        failed('unreadable-file', `cannot read the file (${r.code})`);
        break;
      case 'match':
        candidates.push({ abs: f.abs, rel: f.rel, text: r.text, mode: r.mode });
        readable.push(f);
        break;
    }
  }
  state.timings.prefilterMs = performance.now() - t;
  return { candidates, readable };
}

function encodingRecord(relPath: string, r: { detail: string; line: number; col: number }): FileRecord {
  const meta = rules['unsupported-encoding'];
  const record = reasonRecord(relPath, 'failed', 'unsupported-encoding', `${r.detail}; left unchanged`);
  record.items = [
    {
      ruleId: 'unsupported-encoding',
      kind: 'manual-review',
      severity: meta.severity,
      file: relPath,
      line: r.line,
      col: r.col,
      message: `${meta.description}: ${r.detail}`,
      excerpt: '',
      hint: meta.hint,
      docs: ruleDocsUrl('unsupported-encoding'),
    },
  ];
  return record;
}
