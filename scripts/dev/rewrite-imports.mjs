#!/usr/bin/env node
// One-off, re-runnable rewrite for issue 15.5 (actstream as a workspace package): app code imports
// the library by its package name, as a host app would. Run from the repository root:
//   node scripts/dev/rewrite-imports.mjs          (rewrites in place, lists what it changed)
//   node scripts/dev/rewrite-imports.mjs --check  (changes nothing; exit 1 if something would change)
// It only rewrites import / export / import() / require specifiers:
//   - '../actstream/index.js' (any depth, from outside actstream/)  → 'actstream'
//   - a module that moved from admin/ to actstream/adminjs/ (see MOVED) → 'actstream/adminjs'
//   - '../actstream/migrations/<file>.cjs' (from outside actstream/)  → 'actstream/migrations/<file>.cjs'
//   - inside actstream/adminjs/: specifiers written for the file's old place in admin/ are made
//     relative to its new place (an import of an app folder is reported, not guessed).
// Idempotent: bare specifiers are left alone, so it can run again after other branches merge.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CHECK = process.argv.includes('--check');

/** Old place → new place (paths from the root), the moves of the `git mv` commit. */
const MOVED = {
  'admin/actstream-feature.ts': 'actstream/adminjs/feature.ts',
  'admin/hooks.ts': 'actstream/adminjs/hooks.ts',
  'admin/activity-action.ts': 'actstream/adminjs/activity-action.ts',
  'admin/activity-query.ts': 'actstream/adminjs/activity-query.ts',
  'admin/action-view.ts': 'actstream/adminjs/action-view.ts',
  'admin/diff.ts': 'actstream/adminjs/diff.ts',
  'admin/links.ts': 'actstream/adminjs/links.ts',
  'admin/payload.ts': 'actstream/adminjs/payload.ts',
  'admin/components/Activity.tsx': 'actstream/adminjs/components/Activity.tsx',
};
const MOVED_BACK = Object.fromEntries(Object.entries(MOVED).map(([from, to]) => [to, from]));

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.adminjs', 'data', 'artifacts']);
const CODE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
// `from '…'`, `import '…'`, `import('…')`, `require('…')`
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g;

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* sourceFiles(join(dir, entry.name));
    } else if (CODE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield join(dir, entry.name);
    }
  }
}

const rel = (path) => relative(ROOT, path).split(sep).join('/');

/** The source file a relative specifier names from `dir` (a `.js` specifier names the `.ts`), as a root path. */
function target(dir, specifier, exists = (path) => existsSync(join(ROOT, path))) {
  const base = rel(resolve(dir, specifier));
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`];
  return candidates.find(exists) ?? null;
}

/** Whether a root path existed before the moves (it exists now, or it is an old place of a moved file). */
const existedBefore = (path) => (existsSync(join(ROOT, path)) && !MOVED_BACK[path]) || path in MOVED;

function toRelative(fromFile, toPath, specifier) {
  let path = relative(dirname(fromFile), join(ROOT, toPath)).split(sep).join('/');
  if (!path.startsWith('.')) path = `./${path}`;
  // Keep the specifier's style: '.js' for TypeScript sources.
  return specifier.endsWith('.js') ? path.replace(/\.tsx?$/, '.js') : path;
}

const warnings = [];
const changed = [];

for (const file of sourceFiles(ROOT)) {
  const path = rel(file);
  if (path.startsWith('scripts/dev/rewrite-imports')) continue;
  const inLibrary = path.startsWith('actstream/');
  const oldPlace = MOVED_BACK[path];
  const source = readFileSync(file, 'utf8');
  const next = source.replace(SPECIFIER, (whole, lead, quote, specifier) => {
    const put = (value) => `${lead}${quote}${value}${quote}`;
    if (oldPlace) {
      // A moved file: read its specifier as written for its old place.
      const now = target(dirname(file), specifier);
      const before = target(join(ROOT, dirname(oldPlace)), specifier, existedBefore);
      const meant = before && (MOVED[before] ?? before);
      if (meant && meant.startsWith('actstream/')) {
        const fixed = toRelative(file, meant, specifier);
        return fixed === specifier ? whole : put(fixed);
      }
      if (!now || !now.startsWith('actstream/')) warnings.push(`${path}: '${specifier}' names ${meant ?? 'nothing'} (an app folder): fix by hand`);
      return whole;
    }
    if (inLibrary) return whole;
    const named = target(dirname(file), specifier, existedBefore);
    if (!named) return whole;
    const moved = MOVED[named] ?? named;
    if (moved === 'actstream/index.ts') return put('actstream');
    if (moved.startsWith('actstream/adminjs/') && !moved.startsWith('actstream/adminjs/components/')) return put('actstream/adminjs');
    if (/^actstream\/migrations\/[^/]+\.cjs$/.test(moved)) return put(moved);
    if (moved.startsWith('actstream/') && !path.startsWith('test/')) warnings.push(`${path}: '${specifier}' reaches inside actstream/: export it from actstream/index.ts instead`);
    return whole;
  });
  if (next !== source) {
    changed.push(path);
    if (!CHECK) writeFileSync(file, next);
  }
}

for (const path of changed) console.log(`${CHECK ? 'would rewrite' : 'rewrote'} ${path}`);
for (const warning of warnings) console.warn(`warning: ${warning}`);
if (CHECK && changed.length) process.exit(1);
