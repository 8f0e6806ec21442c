/**
 * The project-wide index handed to per-file transforms (issue: project-wide migration).
 * Built by src/analyse.ts in a first pass; transforms only read it.
 */
export interface FactoryExport {
  /** POSIX path relative to the project root. */
  file: string;
  /** Local name of the factory function in its module. */
  localName: string;
  /** Names it is exported under (`default` for a default export). */
  exportedAs: string[];
}

export interface ProjectIndex {
  factories: FactoryExport[];
}
