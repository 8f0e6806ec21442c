/** Our own version, from the nearest package.json above this module (dist/src or src). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const VERSION: string = (() => {
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'alova-ssr-migrate' && pkg.version) return pkg.version;
    } catch {
      /* keep looking upwards */
    }
    d = path.dirname(d);
  }
  return '0.0.0';
})();
