// Types for bench/lib/corpus.mjs (used by test/bench-corpus.test.ts).
export interface PlantedFactory { file: string; name: string; line: number; col: number; declLine: number; exported: boolean }
export interface PlantedCallSite { file: string; line: number; col: number; callee: string; function: string; factory: { file: string; name: string } }
export interface PlantedMention { file: string; kind: 'comment' | 'singleton' | 'string'; line: number }
export interface CorpusStats {
  files: number; tsFiles: number; tsxFiles: number; folders: number; lines: number; bytes: number;
  factoryFiles: number; callSiteFiles: number; colocatedFiles: number; mentionFiles: number;
}
export interface Expected {
  generator: string; generatorVersion: number; seed: number; size: number; stats: CorpusStats;
  factories: PlantedFactory[]; callSites: PlantedCallSite[]; mentions: PlantedMention[];
}
export const GENERATOR_VERSION: number;
export const MARKER_FILE: string;
export const RATIOS: { factories: number; callSiteFiles: number; mentions: number };
export function renderCorpus(seed: number, count: number, emit: (path: string, text: string) => void): Expected;
export function generateCorpus(o: { seed: number; files: number; out: string }): { expected: Expected; ms: number };
export function readCorpus(dir: string, seed: number, files: number): Expected | null;
