/**
 * Where a file's context module is, as the CLI decided it for the whole project
 * (src/context-placement.ts), or why the file cannot import one. Declared here, below the
 * transform that reads it, so transforms/ never imports from src/.
 */
import type { ContextFlavor } from './context-module.js';

/** A JavaScript file importing a TypeScript module that no tsc build compiles imports it by its own name (`ownExtension`, `.ts`). */
export interface PlacedContextModule { base: string; flavor: ContextFlavor; tsImportSuffix: '' | '.js'; ownExtension?: true }

export type ContextTarget = PlacedContextModule | { blocked: 'context-module-flavour' | 'context-module-placement'; detail: string };
