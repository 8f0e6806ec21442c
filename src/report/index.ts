/**
 * Reporters are pure views of a {@link RunReport}: `render(report, opts)` returns the whole
 * output as one string ending in a newline, and never reads the environment, the clock or the
 * file system. Writing the string (stdout, a file, `$GITHUB_STEP_SUMMARY`) is the caller's job.
 */
import type { RunReport } from '../records.js';
import type { RenderOptions, ReporterName } from './format.js';
import { render as renderGithub } from './github.js';
import { render as renderJson } from './json.js';
import { render as renderSarif } from './sarif.js';
import { render as renderText } from './text.js';


export const REPORTER_NAMES: readonly ReporterName[] = ['text', 'json', 'github', 'sarif'];

export function isReporterName(name: string): name is ReporterName {
  return (REPORTER_NAMES as readonly string[]).includes(name);
}

export function renderReport(name: ReporterName, report: RunReport, opts: RenderOptions): string {
  switch (name) {
    case 'text':
      return renderText(report, opts);
    case 'json':
      return renderJson(report, opts);
    case 'github':
      return renderGithub(report, opts);
    case 'sarif':
      return renderSarif(report, opts);
    default: {
      const never: never = name;
      throw new Error(`Unknown reporter ${JSON.stringify(never)}; expected one of ${REPORTER_NAMES.join(', ')}.`);
    }
  }
}

export { progressLine } from './text.js';
export { outcomeLine } from './format.js';
export { renderStepSummary } from './github.js';
export { toJsonDocument } from './json.js';
export type { RenderOptions, ReporterName } from './format.js';
