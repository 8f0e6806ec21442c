/**
 * What an end-to-end test file starts and must stop: one local upstream, started before its tests,
 * and the app processes and temporary folders its tests add. Shared by the e2e files that drive
 * apps against an upstream, so each declares only what is its own.
 */
import { afterAll, beforeAll } from 'vitest';
// @ts-expect-error plain ESM helper without type declarations
import { startUpstream } from '../e2e/harness/upstream.mjs';
// @ts-expect-error plain ESM helper without type declarations
import { removeDir } from '../e2e/harness/prepare.mjs';

export interface E2eLifecycle<Upstream, App> {
  /** The upstream, once the file's beforeAll has run. */
  readonly upstream: Upstream;
  apps: App[];
  tmpDirs: string[];
}

/** Registers the file's beforeAll (start the upstream) and afterAll (stop everything, then `onEnd`). */
export function e2eLifecycle<Upstream extends { close(): Promise<unknown> }, App extends { close(): Promise<unknown> }>(onEnd?: () => void): E2eLifecycle<Upstream, App> {
  let upstream: Upstream | undefined;
  const state = {
    get upstream(): Upstream {
      if (!upstream) throw new Error('the upstream is not started yet (read it inside a hook or test)');
      return upstream;
    },
    apps: [] as App[],
    tmpDirs: [] as string[],
  };
  beforeAll(async () => {
    upstream = (await startUpstream({ minDelayMs: 2, maxDelayMs: 8 })) as Upstream;
  });
  afterAll(async () => {
    await Promise.allSettled(state.apps.map((a) => a.close()));
    await upstream?.close();
    for (const d of state.tmpDirs) removeDir(d);
    onEnd?.();
  });
  return state;
}
