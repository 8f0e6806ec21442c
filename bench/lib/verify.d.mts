// Types for bench/lib/verify.mjs (used by test/bench-corpus.test.ts).
import type { Expected } from './corpus.mjs';
export interface Verification {
  ok: boolean;
  problems: string[];
  matched: { factories: number; callSitesUntouched: number };
  expected: { factories: number; callSites: number };
  missingFactories: unknown[];
  extraFactories: unknown[];
  touchedCallSites: unknown[];
  changedCallers: { file: string }[];
  counterMismatch: unknown[];
  unexpectedFiles: { file: string; mention: boolean }[];
  failed: unknown[];
  filesNotInReport: string[];
  [key: string]: unknown;
}
export function verifyReport(report: unknown, expected: Expected, opts: { corpusDir: string; cwd: string; factoryRule?: string; callSiteRule?: string; matchLine?: boolean }): Verification;
export function formatVerification(v: Verification, max?: number): string;
