/**
 * The one home of the factory id, `<file relative to the project root>#<name>`: the migrated
 * instance's alova `id`, the key of its request store, and the index's name for a factory.
 */
import path from 'node:path';

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** A file's path relative to the project root, POSIX (its own name when it is the root itself). */
export function idPathOf(root: string, file: string): string {
  return toPosix(path.relative(path.resolve(root), path.resolve(file)) || path.basename(file));
}

/** `routes/api.ts#apiAlova`: stable across machines, unique in a project. */
export function factoryId(idPath: string, name: string): string {
  return `${idPath}#${name}`;
}
