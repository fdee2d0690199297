import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { QueryTypes, Sequelize } from 'sequelize';
import request from 'supertest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP = fileURLToPath(new URL('./second-app/', import.meta.url));
const PACKAGE = join(ROOT, 'actstream');
const NPM = 'npm';

/** Tables of a SQLite file, and the names its SequelizeMeta records. */
async function inspect(file: string): Promise<{ tables: string[]; meta: string[] }> {
  const sequelize = new Sequelize({ dialect: 'sqlite', storage: file, logging: false });
  try {
    const tables = await sequelize.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", { type: QueryTypes.SELECT });
    const meta = await sequelize.query<{ name: string }>('SELECT name FROM "SequelizeMeta" ORDER BY name', { type: QueryTypes.SELECT });
    return { tables: tables.map((t) => t.name), meta: meta.map((m) => m.name) };
  } finally {
    await sequelize.close();
  }
}

// "Use it in your own app": the workspace package packed as it would be published, installed into
// a second Express + Sequelize + AdminJS app (test/package/second-app/) with no network, type-checked
// against the package's declarations, run, and used over HTTP.
describe('actstream installed into another app', function () {
  this.timeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'actstream-second-app-'));
  let child: ChildProcess | undefined;
  let base: string;
  let output = '';
  const admin = { email: 'staff@example.com', password: 'second-app-password' };

  before(async () => {
    // npm pack runs the package's prepack (its build into dist/) and packs what `files` lists.
    const { stdout } = await run(NPM, ['pack', '--json', '--pack-destination', dir], { cwd: PACKAGE, timeout: 180_000 });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    renameSync(join(dir, packed.filename), join(APP, 'actstream.tgz'));
    rmSync(join(APP, 'node_modules'), { recursive: true, force: true });
    // Offline: the tarball brings no dependencies of its own (sequelize and adminjs are peers, which
    // the host's node_modules provide: here the repository's, as in a monorepo).
    await run(NPM, ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', '--legacy-peer-deps', '--ignore-scripts'], { cwd: APP, timeout: 120_000 });
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('installs a copy of the package (not a link) with its build, declarations, migrations and components', async () => {
    const installed = join(APP, 'node_modules', 'actstream');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
    expect(manifest.name).to.equal('actstream');
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/adminjs/index.js', 'dist/adminjs/index.d.ts', 'adminjs/components/Activity.tsx', 'migrations/create-actions-and-follows.cjs']) {
      expect(existsSync(join(installed, file)), file).to.equal(true);
    }
    // Sources and tests stay out of the tarball.
    expect(existsSync(join(installed, 'index.ts'))).to.equal(false);
    expect(readdirSync(installed).sort()).to.deep.equal(['adminjs', 'dist', 'migrations', 'package.json']);
  });

  it('type-checks the host app against the installed declarations', async () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', join(APP, 'tsconfig.json')], { cwd: APP }).catch((error: { stdout: string }) => error);
    expect(result.stdout).to.equal('');
  });

  it('starts, running actstream’s shipped migrations with its own through umzug', async () => {
    // Not what this process may have set (the app's admin tests mark their bundle as built).
    const { ADMIN_JS_SKIP_BUNDLE: _skip, ACTSTREAM_ADMIN_BUNDLE_BUILT: _built, ...inherited } = process.env;
    const env = {
      ...inherited,
      NODE_ENV: 'production',
      DATABASE_FILE: join(dir, 'app.sqlite'),
      ADMIN_JS_TMP_DIR: join(dir, 'adminjs'),
      ADMIN_PASSWORD: admin.password,
      PORT: '0',
    };
    child = spawn(process.execPath, ['--import', 'tsx', 'app.ts'], { cwd: APP, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const lines = createInterface({ input: child.stdout! });
    const port = await new Promise<number>((resolve, reject) => {
      lines.on('line', (line) => {
        output += `${line}\n`;
        const match = /^\{"listening":(\d+)\}$/.exec(line);
        if (match) resolve(Number(match[1]));
      });
      child!.on('exit', (code) => reject(new Error(`the second app exited (${code}):\n${output}`)));
    });
    base = `http://127.0.0.1:${port}`;
    const migrations = await request(base).get('/migrations').expect(200);
    expect(migrations.body.ran).to.deep.equal([
      'actstream/create-actions-and-follows.cjs',
      'actstream/timestamp-index.cjs',
      'actstream/create-notifications.cjs',
      'actstream/add-follow-list-indexes.cjs',
      'actstream/create-change-log.cjs',
      'actstream/create-feed-items.cjs',
      'host/0001-members-and-notes',
    ]);
    const { tables } = await inspect(join(dir, 'app.sqlite'));
    expect(tables).to.include.members(['actstream_actions', 'actstream_follows', 'actstream_notifications', 'members', 'notes']);
  });

  it('sends and reads actions over HTTP: tracked saves, sent actions, follows and the feed', async () => {
    const ann = (await request(base).post('/members').send({ name: 'Ann', email: 'ann@example.com' }).expect(201)).body as { id: number };
    const bob = (await request(base).post('/members').send({ name: 'Bob', email: 'bob@example.com' }).expect(201)).body as { id: number };
    const note = (await request(base).post('/notes').send({ authorId: ann.id, text: 'Hello' }).expect(201)).body as { id: number };
    await request(base).post('/actions').send({ actorId: ann.id, verb: 'pinned', targetNoteId: note.id }).expect(201);
    await request(base).post('/follows').send({ userId: bob.id, memberId: ann.id }).expect(201);

    const stream = await request(base).get(`/members/${ann.id}/actions`).expect(200);
    // Sentences as Action.toString() reads them ("<actor> <verb> [<object>] <target> <time> ago").
    const sentences = stream.body.actions.map((a: { sentence: string }) => a.sentence);
    expect(sentences).to.have.length(2);
    expect(sentences[0]).to.match(/^Ann pinned “Hello” \d+ \w+ ago$/);
    expect(sentences[1]).to.match(/^Ann created “Hello” \d+ \w+ ago$/);
    const feed = await request(base).get(`/members/${bob.id}/feed`).expect(200);
    // What Ann did, whom Bob follows (his own "started following" is not in his feed by default).
    expect(feed.body.actions.map((a: { verb: string }) => a.verb)).to.deep.equal(['pinned', 'created']);
    const missing = await request(base).get('/members/999/actions').expect(404);
    expect(missing.body).to.deep.equal({ error: 'no member 999' });
  });

  it('records admin edits through the one-line feature, shows them in its Activity view, and bundles its component', async () => {
    const staff = (await request(base).post('/members').send({ name: 'Staff', email: admin.email, isStaff: true }).expect(201)).body as { id: number };
    const agent = request.agent(base);
    await agent.post('/admin/login').type('form').send(admin).expect(302);
    const note = (await request(base).post('/notes').send({ authorId: staff.id, text: 'Draft' }).expect(201)).body as { id: number };

    const edited = await agent.post(`/admin/api/resources/notes/records/${note.id}/edit`).type('form').send({ text: 'Final', authorId: String(staff.id) }).expect(200);
    expect(edited.body.notice).to.include({ type: 'success' });

    const activity = await agent.get(`/admin/api/resources/notes/records/${note.id}/activity`).expect(200);
    const views = activity.body.actions as { verb: string; sentence: string; actor: { label: string; href: string | null }; diff: unknown[]; href: string | null }[];
    expect(views.map((view) => view.verb)).to.deep.equal(['updated', 'created']);
    expect(views[0].actor).to.deep.include({ label: 'Staff', href: `/admin/resources/members/records/${staff.id}/show` });
    expect(views[0].diff).to.deep.equal([{ field: 'text', before: 'Draft', after: 'Final', private: false }]);
    // This admin has no action list resource, so actions link nowhere rather than to a missing page.
    expect(views[0].href).to.equal(null);

    // The same edit, seen from the library: one "updated" action by the staff member, public data only.
    const stream = await request(base).get(`/members/${staff.id}/actions`).expect(200);
    expect(stream.body.actions.map((a: { verb: string }) => a.verb)).to.deep.equal(['updated', 'created']);
    expect(stream.body.actions[0].sentence).to.match(/^Staff updated “Final” /);

    // Without a login the feature's action is not reachable.
    const anonymous = await request(base).get(`/admin/api/resources/notes/records/${note.id}/activity`);
    expect(anonymous.status).to.equal(302);
    expect(anonymous.headers.location).to.match(/\/admin\/login$/);

    const bundle = await agent.get('/admin/frontend/assets/components.bundle.js').expect(200);
    expect(bundle.text).to.contain('ActstreamActivity');
  });

  it('runs the shipped migrations with sequelize-cli too (one file per migration in the host folder)', async () => {
    const file = join(dir, 'cli.sqlite');
    const cli = join(ROOT, 'node_modules', '.bin', 'sequelize-cli');
    const { stdout } = await run(cli, ['db:migrate'], { cwd: join(APP, 'cli'), env: { ...process.env, DATABASE_FILE: file } });
    expect(stdout).to.match(/0005-actstream-create-change-log: migrated/);
    expect(stdout).to.match(/0006-actstream-create-feed-items: migrated/);
    const { tables, meta } = await inspect(file);
    expect(tables).to.include.members(['actstream_actions', 'actstream_follows', 'actstream_notifications', 'actstream_notification_markers', 'actstream_change_log']);
    expect(meta).to.deep.equal([
      '0001-actstream-create-actions-and-follows.cjs',
      '0002-actstream-timestamp-index.cjs',
      '0003-actstream-create-notifications.cjs',
      '0004-actstream-add-follow-list-indexes.cjs',
      '0005-actstream-create-change-log.cjs',
      '0006-actstream-create-feed-items.cjs',
    ]);
  });
});
