// `npm run build`: the app as JavaScript in dist/ (production runs that, not tsx). Plain JavaScript
// itself, so that `npm start` can build with nothing compiled yet. tsc compiles the TypeScript
// (tsconfig.build.json, with source maps); the files the app reads at run time besides its modules
// are copied to the same places under dist/, so that every path the code computes from its own
// location holds there too: nunjucks views and the pages' stylesheet, the admin's React components (AdminJS bundles their
// source), and the .cjs migrations and database settings. dist/data links to data/, so the compiled
// app uses the same database file and development secret as `node --import tsx server/index.ts`.
// The actstream workspace package is built first, into actstream/dist/ (its own build: JavaScript
// and declarations): the compiled app imports it by name, through node_modules/actstream, as an app
// that installed the package would.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.built');

/** What the build reads: compiled sources, copied assets, and the settings that shape the output. */
const SOURCE_DIRS = ['actstream', 'models', 'db', 'server', 'admin', 'scripts', 'config', 'migrations'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'actstream/package.json', 'actstream/tsconfig.build.json'];
const SOURCE = /\.(ts|tsx|cjs|mjs|njk|css)$/;

/** Files copied as they are, by pattern, under these directories. */
const ASSETS = [
  ['server', /\.(njk|css)$/],
  ['admin', /\.tsx$/],
  ['migrations', /\.cjs$/],
  ['config', /\.cjs$/],
];

/** Build output and installed packages inside the source folders (actstream/dist/) are not sources. */
const NOT_SOURCE = new Set(['dist', 'node_modules']);

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!NOT_SOURCE.has(entry.name)) yield* files(path);
    }
    else yield path;
  }
}

/** The newest modification time of anything the build reads. */
function newestSource() {
  let newest = 0;
  for (const dir of SOURCE_DIRS) {
    for (const file of files(join(ROOT, dir))) if (SOURCE.test(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  for (const file of SOURCE_FILES) newest = Math.max(newest, statSync(join(ROOT, file)).mtimeMs);
  return newest;
}

/** Whether dist/ is missing, unfinished, or older than a source. */
export function isStale() {
  return !existsSync(STAMP) || statSync(STAMP).mtimeMs < newestSource();
}

/** Compiles into a fresh dist/ and copies the assets. */
export function build({ log = console.error } = {}) {
  const started = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  if (!existsSync(tsc)) throw new Error('dist/ needs building, but TypeScript is not installed: run `npm install` (with dev dependencies), then `npm run build`');
  execFileSync(process.execPath, [join(ROOT, 'actstream', 'build.mjs')], { cwd: join(ROOT, 'actstream'), stdio: 'inherit' });
  execFileSync(tsc, ['-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  for (const [dir, pattern] of ASSETS) {
    for (const file of files(join(ROOT, dir))) {
      if (!pattern.test(file)) continue;
      const target = join(DIST, relative(ROOT, file));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(file, target);
    }
  }
  mkdirSync(join(ROOT, 'data'), { recursive: true });
  symlinkSync(join('..', 'data'), join(DIST, 'data'), 'dir');
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  log(`built dist/ in ${Date.now() - started} ms`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) build();
