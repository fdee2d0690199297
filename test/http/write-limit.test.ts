import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Action, Follow } from 'actstream';
import { DatabaseRateLimitStore } from '../../auth/rate-limit-store.js';
import { ApiToken } from '../../models/index.js';
import { startServer, type ServerProcess } from '../../scripts/load/server-process.js';
import { createApp } from '../../server/app.js';
import { database, databaseUrl } from '../helpers/database.js';
import { bearerFor, seedWorld, type World } from './fixtures.js';

const LIMIT = 3;
const WINDOW_MS = 60_000;

async function limitedApp(limit = LIMIT, windowMs = WINDOW_MS) {
  return createApp({ sequelize: await database(), config: { sessionSecret: 'write-limit-test', production: false, writeLimit: { limit, windowMs } } });
}

/** The error body and headers of a refused write. */
function expectRefused(res: request.Response): void {
  expect(res.status, res.text).to.equal(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).to.be.within(1, WINDOW_MS / 1000);
  expect(res.body).to.deep.equal({
    error: {
      code: 'rate_limited',
      message: `Too many writes: at most ${LIMIT} per 60 s. Retry in ${retryAfter} s.`,
      details: { limit: LIMIT, windowMs: WINDOW_MS, retryAfter },
    },
  });
  expect(res.headers['ratelimit-policy']).to.equal(`${LIMIT};w=60`);
  expect(res.headers.ratelimit).to.match(new RegExp(`^limit=${LIMIT}, remaining=0, reset=\\d+$`));
}

// Issue 9, item 4: writes (actions, follows, tokens) are limited per user, across processes.
describe('HTTP: the per-user write limit', () => {
  let w: World;
  let ann: string;

  beforeEach(async () => {
    w = await seedWorld();
    ann = await bearerFor(w.ann);
  });

  it('lets N writes through and refuses the N+1st with 429, Retry-After and the error JSON, saving nothing', async () => {
    const app = await limitedApp();
    for (let n = 1; n <= LIMIT; n++) {
      const ok = await request(app).post('/api/actions').set('Authorization', ann).send({ verb: `wrote ${n}` }).expect(201);
      expect(ok.headers.ratelimit).to.match(new RegExp(`^limit=${LIMIT}, remaining=${LIMIT - n}, reset=\\d+$`));
    }
    const actions = await Action.count();
    const refused = await request(app).post('/api/actions').set('Authorization', ann).send({ verb: 'one too many' });
    expectRefused(refused);
    expect(await Action.count()).to.equal(actions);
    expect(await Action.count({ where: { verb: 'one too many' } })).to.equal(0);
  });

  it('counts follows, unfollows and new tokens with the actions; refused ones change nothing; other users are not affected', async () => {
    const app = await limitedApp();
    await request(app).post('/api/follows').set('Authorization', ann).send({ type: 'Band', id: w.band.id }).expect(201);
    await request(app).delete('/api/follows').set('Authorization', ann).send({ type: 'Band', id: w.band.id }).expect(200);
    await request(app).post('/api/tokens').set('Authorization', ann).send({ name: 'third' }).expect(201);
    const before = await Promise.all([Action.count(), Follow.count(), ApiToken.count()]);

    expectRefused(await request(app).post('/api/follows').set('Authorization', ann).send({ type: 'Group', id: w.climbers.id }));
    expectRefused(await request(app).delete('/api/follows').set('Authorization', ann).send({ type: 'Band', id: w.band.id }));
    expectRefused(await request(app).post('/api/tokens').set('Authorization', ann).send({ name: 'fourth' }));
    expectRefused(await request(app).post('/api/actions').set('Authorization', ann).send({ verb: 'late' }));
    expect(await Promise.all([Action.count(), Follow.count(), ApiToken.count()])).to.deep.equal(before);

    // Reads are not limited, and Bob has his own count.
    await request(app).get('/api/streams/user').set('Authorization', ann).expect(200);
    await request(app).post('/api/actions').set('Authorization', await bearerFor(w.bob)).send({ verb: 'still fine' }).expect(201);
  });

  it('anonymous writes get their 401, uncounted', async () => {
    const app = await limitedApp(1);
    for (let i = 0; i < 3; i++) {
      const res = await request(app).post('/api/actions').send({ verb: 'anonymous' }).expect(401);
      expect(res.body.error.code).to.equal('unauthorized');
    }
    await request(app).post('/api/actions').set('Authorization', ann).send({ verb: 'first of mine' }).expect(201);
  });

  it('starts a new window once the last one has passed', async () => {
    const app = await limitedApp(1, 300);
    await request(app).post('/api/actions').set('Authorization', ann).send({ verb: 'one' }).expect(201);
    await request(app).post('/api/actions').set('Authorization', ann).send({ verb: 'two' }).expect(429);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await request(app).post('/api/actions').set('Authorization', ann).send({ verb: 'three' }).expect(201);
  });

  it('loses no hit when many land at once (the store counts in the database)', async () => {
    const store = new DatabaseRateLimitStore(await database(), 'concurrency-test:');
    store.init({ windowMs: WINDOW_MS } as Parameters<DatabaseRateLimitStore['init']>[0]);
    const seen = await Promise.all(Array.from({ length: 40 }, () => store.increment('someone')));
    expect(Math.max(...seen.map((info) => info.totalHits))).to.equal(40);
    expect((await store.get('someone'))?.totalHits).to.equal(40);
    await store.decrement('someone');
    expect((await store.get('someone'))?.totalHits).to.equal(39);
    await store.resetKey('someone');
    expect(await store.get('someone')).to.equal(undefined);
  });

  describe('two server processes on the same database', function () {
    this.timeout(120_000);
    const servers: ServerProcess[] = [];
    after(async () => {
      await Promise.all(servers.map((server) => server.stop()));
    });

    it('share one count', async () => {
      const url = await databaseUrl();
      const dir = mkdtempSync(join(tmpdir(), 'actstream-limit-'));
      for (const name of ['a', 'b']) {
        servers.push(await startServer({ databaseUrl: url, logFile: join(dir, `${name}.log`), env: { WRITE_LIMIT: '4', WRITE_LIMIT_WINDOW_SECONDS: '60', LOG_LEVEL: 'warn' } }));
      }
      const [a, b] = servers.map((server) => server.baseUrl);
      const post = (base: string, verb: string) =>
        fetch(`${base}/api/actions`, { method: 'POST', headers: { authorization: ann, 'content-type': 'application/json' }, body: JSON.stringify({ verb }) });
      const statuses: number[] = [];
      for (const [base, verb] of [[a, 'a1'], [b, 'b1'], [a, 'a2'], [b, 'b2'], [a, 'a3'], [b, 'b3']] as const) {
        statuses.push((await post(base, verb)).status);
      }
      expect(statuses).to.deep.equal([201, 201, 201, 201, 429, 429]);
      expect((await Action.findAll({ where: { verb: ['a1', 'a2', 'a3', 'b1', 'b2', 'b3'] } })).map((x) => x.verb).sort()).to.deep.equal(['a1', 'a2', 'b1', 'b2']);
    });
  });
});
