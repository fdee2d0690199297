import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's own directory (the one holding its package.json), whether this module runs from the
 * TypeScript sources (under tsx) or compiled in dist/: files shipped beside the code (migrations,
 * React components) are found from there.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('actstream: cannot find its package.json');
    dir = parent;
  }
  return dir;
}
