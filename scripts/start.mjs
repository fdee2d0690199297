// `npm start`: the compiled app (dist/server/index.js), built first when dist/ is missing or older
// than the sources (scripts/build.mjs), so that a fresh clone starts with `npm install && npm start`.
// Run with --enable-source-maps (package.json), so stack traces point at the TypeScript lines: with
// actstream's statements off Sequelize's Query, a request reads at most one stack (Sequelize keeps
// one per statement it runs), so mapping costs a few microseconds a request.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, DIST, isStale } from './build.mjs';

if (isStale()) build();
await import(pathToFileURL(join(DIST, 'server', 'index.js')).href);
