import { expect } from 'chai';
import type { Express } from 'express';
import type { Sequelize } from 'sequelize';
import request from 'supertest';
import { createToken } from '../../auth/tokens.js';
import { connect } from '../../db/connect.js';
import { migrate } from '../../db/migrate.js';
import { replicasOf, type ReplicaSet } from '../../db/replicas.js';
import { initModels, User } from '../../models/index.js';
import { createApp } from '../../server/app.js';
import { OwnPostgresCluster, postgresBinDir } from '../helpers/pg-cluster.js';
import { requirePostgresBinaries, SCALE_PORTS, until } from './helpers.js';

// A real primary and a real streaming replica (initdb, pg_basebackup -R) on ports of their own, the
// replica applying WAL only after REPLAY_DELAY (recovery_min_apply_delay): anything written is on
// the primary at once and on the replica seconds later, so which server answered a read shows.

const REPLAY_DELAY_S = 6;

interface Page {
  actions: { verb: string }[];
}

describe('read replicas (PostgreSQL streaming replication)', function () {
  this.timeout(240_000);
  let primary: OwnPostgresCluster;
  let replica: OwnPostgresCluster;
  let sequelize: Sequelize;
  let replicas: ReplicaSet;
  let app: Express;
  let ann: User;
  let annBearer: string;

  const verbsOf = (body: Page) => body.actions.map((a) => a.verb);
  const annStream = (bearer?: string) => {
    const req = request(app).get(`/api/streams/actor/User/${ann.id}`);
    return (bearer ? req.set('Authorization', bearer) : req).expect(200);
  };
  const send = async (verb: string) => {
    const res = await request(app).post('/api/actions').set('Authorization', annBearer).send({ verb }).expect(201);
    expect(res.body.verb).to.equal(verb);
    return res;
  };

  before(async () => {
    const bin = requirePostgresBinaries(postgresBinDir());
    primary = new OwnPostgresCluster(bin, SCALE_PORTS.primary);
    await primary.init();
    await primary.start();
    await primary.createDatabase();
    replica = new OwnPostgresCluster(bin, SCALE_PORTS.replica);
    replica.settings.push(`recovery_min_apply_delay=${REPLAY_DELAY_S}s`, 'log_statement=all');
    await replica.basebackupFrom(primary);
    await replica.start();

    sequelize = await connect(primary.url, { logging: false }, { urls: [replica.url], maxLagMs: 15_000, checkIntervalMs: 200 });
    replicas = replicasOf(sequelize)!;
    await migrate(sequelize, { partitioned: false });
    initModels(sequelize);
    ann = await User.create({ email: 'ann@example.com', name: 'Ann' });
    annBearer = `Bearer ${(await createToken(ann, 'scale', 'api')).token}`;
    app = await createApp({ sequelize, config: { sessionSecret: 'scale-test-secret', production: false, writeLimit: false, readYourWritesMs: 25_000 } });

    // Wait for the replica to have replayed Ann and her token (past the apply delay).
    const onReplica = await connect(replica.url, { logging: false }, null);
    await until(async () => {
      // (Until the migrations are replayed there is no such table.)
      const [rows] = await onReplica.query('SELECT COUNT(*) AS n FROM api_tokens').catch(() => [[{ n: '0' }]]);
      return Number((rows as { n: string }[])[0].n) === 1;
    }, 60_000);
    await onReplica.close();
    await replicas.check();
  });

  after(async () => {
    await sequelize?.close();
    await replica?.destroy();
    await primary?.destroy();
  });

  it('reports the replica in /readyz, reads going to it', async () => {
    const res = await request(app).get('/readyz').expect(200);
    expect(res.body).to.include({ status: 'ready', reads: 'replicas' });
    expect(res.body.replicas).to.have.length(1);
    expect(res.body.replicas[0]).to.include({ replica: `127.0.0.1:${SCALE_PORTS.replica}/actstream`, state: 'ok' });
  });

  it('serves reads from the replica, while the writer reads their own write from the primary', async () => {
    const written = await send('climbed RYW-MARK');
    // The write pins the writer's reads: a cookie for browsers, the token for API callers.
    expect(String(written.headers['set-cookie'])).to.match(/actstream_primary=1/);
    const before = replica.log().length;

    // Ann, just after writing: her action is there (read from the primary).
    expect(verbsOf((await annStream(annBearer)).body)).to.include('climbed RYW-MARK');
    // Anyone else, at the same moment: the replica, which has not applied it yet, answered.
    expect(verbsOf((await annStream()).body)).not.to.include('climbed RYW-MARK');
    const logged = replica.log().slice(before);
    expect(logged).to.match(/execute [^\n]*SELECT [^\n]*FROM "actstream_actions"/);

    // Once the replica has applied it, everyone sees it.
    await until(async () => verbsOf((await annStream()).body).includes('climbed RYW-MARK'), 60_000);
  });

  it('skips a replica that lags past the limit: reads go to the primary and /readyz says so', async () => {
    replicas.settings.maxLagMs = 1000;
    try {
      await send('climbed LAG-MARK');
      await until(async () => {
        await replicas.check();
        return replicas.status()[0].state === 'lagging';
      }, 30_000);
      const ready = await request(app).get('/readyz').expect(200);
      expect(ready.body).to.include({ status: 'ready', reads: 'primary' });
      expect(ready.body.replicas[0]).to.include({ state: 'lagging' });
      expect(ready.body.replicas[0].lagMs).to.be.greaterThan(1000);
      // Not pinned (anonymous), yet it sees the write: the primary answered.
      expect(verbsOf((await annStream()).body)).to.include('climbed LAG-MARK');
    } finally {
      replicas.settings.maxLagMs = 15_000;
    }
    await until(async () => {
      await replicas.check();
      return replicas.status()[0].state === 'ok';
    }, 60_000);
  });

  it('falls back to the primary when the replica stops, and uses it again once it is back', async () => {
    await replica.stop();
    await replicas.check();
    const ready = await request(app).get('/readyz').expect(200);
    expect(ready.body).to.include({ status: 'ready', reads: 'primary' });
    expect(ready.body.replicas[0]).to.include({ state: 'down' });

    await send('climbed DOWN-MARK');
    expect(verbsOf((await annStream()).body)).to.include('climbed DOWN-MARK');
    expect((await request(app).get('/api/streams/model/User').expect(200)).body.actions.length).to.be.greaterThan(0);

    await replica.start();
    await until(async () => {
      await replicas.check();
      return replicas.status()[0].state === 'ok';
    }, 60_000);
    const back = await request(app).get('/readyz').expect(200);
    expect(back.body).to.include({ reads: 'replicas' });
    // Within its lag limit the replica serves reads again, and catches up with what it missed.
    await until(async () => verbsOf((await annStream()).body).includes('climbed DOWN-MARK'), 60_000);
    const before = replica.log().length;
    expect(verbsOf((await annStream()).body)).to.include('climbed DOWN-MARK');
    expect(replica.log().slice(before)).to.match(/execute [^\n]*SELECT [^\n]*FROM "actstream_actions"/);
  });
});
