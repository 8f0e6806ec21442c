/**
 * A worker thread of the transform pool: parses and transforms files sent by the runner. The
 * options are sent once (`setOptions`), not with every file.
 */
import { parentPort } from 'node:worker_threads';
import type { MigrateOptions } from '../transforms/ssr-singleton.js';
import { transformFile } from './transform.js';

let options: MigrateOptions = {};

export type WorkerRequest =
  | { id: number; kind: 'setOptions'; options: MigrateOptions }
  | { id: number; kind: 'transform'; abs: string; rel: string; text: string; verify: boolean };

parentPort!.on('message', (msg: WorkerRequest) => {
  try {
    switch (msg.kind) {
      case 'setOptions':
        options = msg.options;
        parentPort!.postMessage({ id: msg.id, ok: true, value: null });
        break;
      case 'transform':
        parentPort!.postMessage({ id: msg.id, ok: true, value: transformFile({ abs: msg.abs, rel: msg.rel, text: msg.text }, options, { verify: msg.verify }) });
        break;
      default:
        // Every request gets an answer: an unanswered one would leave the pool waiting forever.
        parentPort!.postMessage({ id: (msg as { id: number }).id, ok: false, error: `unknown worker request kind: ${String((msg as { kind?: unknown }).kind)}` });
    }
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: String((err as Error)?.stack ?? err) });
  }
});
