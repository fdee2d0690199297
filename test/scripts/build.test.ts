import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startServer, type ServerProcess } from '../../scripts/load/server-process.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

interface BuildScript {
  isStale(): boolean;
}

// Production runs the compiled app: `npm run build` writes dist/, `npm start` runs it (building
// first when dist/ is missing or older than the sources).
describe('npm run build and npm start', function () {
  this.timeout(240_000);
  let server: ServerProcess | undefined;
  let buildLog: string;

  before(async () => {
    const { stderr } = await run(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, timeout: 180_000 });
    buildLog = stderr;
  });
  after(async () => {
    await server?.stop();
  });

  it('compiles the app into dist/ with source maps and the files it reads at run time', () => {
    expect(buildLog).to.match(/built dist\/ in \d+ ms/);
    for (const file of [
      'dist/server/index.js',
      'dist/server/index.js.map',
      // The actstream package's own build, which the compiled app imports through node_modules/actstream.
      'actstream/dist/index.js',
      'actstream/dist/index.d.ts',
      'actstream/dist/adminjs/index.js',
      'dist/server/pages/views/layout.njk',
      'dist/server/pages/assets/site.css',
      'dist/admin/components/Dashboard.tsx',
      'dist/migrations/20261127000001-actstream.cjs',
      'dist/config/database.cjs',
    ]) {
      expect(existsSync(join(ROOT, file)), file).to.equal(true);
    }
    // No second copy of the library inside the app's build: one registry, one set of models.
    expect(existsSync(join(ROOT, 'dist/actstream'))).to.equal(false);
    // The compiled app finds the same data/ (SQLite file, development secret) as the sources do.
    expect(statSync(join(ROOT, 'dist/data')).ino).to.equal(statSync(join(ROOT, 'data')).ino);
  });

  it('knows when dist/ is older than a source', async () => {
    const { isStale } = (await import(join(ROOT, 'scripts/build.mjs'))) as BuildScript;
    expect(isStale()).to.equal(false);
    const source = join(ROOT, 'actstream/cursor.ts');
    const { atime, mtime } = statSync(source);
    utimesSync(source, atime, new Date(Date.now() + 60_000));
    try {
      expect(isStale()).to.equal(true);
    } finally {
      utimesSync(source, atime, mtime);
    }
    expect(isStale()).to.equal(false);
  });

  it('npm start serves the compiled app without building again: pages, API and admin answer 200', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actstream-build-'));
    const logFile = join(dir, 'server.log');
    server = await startServer({ databaseUrl: `sqlite:${join(dir, 'app.sqlite')}`, logFile, nodeArgs: ['--enable-source-maps', 'scripts/start.mjs'] });

    const page = await fetch(`${server.baseUrl}/streams`);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.match(/<!doctype html>/i);
    // The pages' stylesheets come from the compiled app's own origin: Pico from node_modules, its own beside it.
    for (const sheet of ['/assets/pico.min.css', '/assets/site.css']) {
      const css = await fetch(`${server.baseUrl}${sheet}`);
      expect(css.status, sheet).to.equal(200);
      expect(css.headers.get('content-type'), sheet).to.match(/^text\/css/);
    }
    const api = await fetch(`${server.baseUrl}/api/streams/model/Group`);
    expect(api.status).to.equal(200);
    const body = (await api.json()) as { actions: { verb: string }[] };
    expect(body.actions.length).to.be.greaterThan(0);
    const admin = await fetch(`${server.baseUrl}/admin/login`);
    expect(admin.status).to.equal(200);
    expect(await admin.text()).to.contain('REDUX_STATE');

    const log = readFileSync(logFile, 'utf8');
    expect(log).to.not.match(/built dist\//);
    expect(log).to.match(/"msg":"listening"/);
    expect(await server.stop()).to.equal(0);
    server = undefined;
  });

  it('reports stack traces of the compiled code at the TypeScript lines', async () => {
    const script = "import('./actstream/dist/cursor.js').then((m) => { try { m.decodeCursor('!!'); } catch (e) { console.log(e.stack); } })";
    const { stdout } = await run(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { cwd: ROOT });
    expect(stdout).to.match(/InvalidCursorError/);
    expect(stdout).to.match(/at (Module\.)?decodeCursor \(.*\/actstream\/cursor\.ts:\d+:\d+\)/);
  });
});
