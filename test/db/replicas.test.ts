import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { connect } from '../../db/connect.js';
import { readingFromPrimary, replicaSettingsFromEnv, replicationOptions } from '../../db/replicas.js';
import { readYourWrites } from '../../server/middleware/read-your-writes.js';

// The replica settings and the read-your-writes window, without servers (test:scale runs a real
// primary and replica).

describe('read replicas: settings', () => {
  it('reads DATABASE_REPLICA_URLS and the limits, with defaults', () => {
    expect(replicaSettingsFromEnv({})).to.equal(null);
    expect(replicaSettingsFromEnv({ DATABASE_REPLICA_URLS: ' , ' })).to.equal(null);
    expect(replicaSettingsFromEnv({ DATABASE_REPLICA_URLS: 'postgres://a:5433/x, postgres://b/x', DATABASE_REPLICA_MAX_LAG_MS: '500' })).to.deep.equal({
      urls: ['postgres://a:5433/x', 'postgres://b/x'],
      maxLagMs: 500,
      checkIntervalMs: 1000,
    });
  });

  it('refuses a bad limit, a replica that is not PostgreSQL, and replicas of another database', async () => {
    expect(() => replicaSettingsFromEnv({ DATABASE_REPLICA_URLS: 'postgres://a/x', DATABASE_REPLICA_CHECK_MS: 'soon' })).to.throw(/DATABASE_REPLICA_CHECK_MS must be a whole number/);
    const settings = { urls: ['mysql://root@b/x'], maxLagMs: 1000, checkIntervalMs: 1000 };
    expect(() => replicationOptions('postgres://a/x', settings)).to.throw(/read replicas are PostgreSQL URLs/);
    let error: unknown;
    try {
      await connect('sqlite::memory:', {}, { urls: ['postgres://b/x'], maxLagMs: 1000, checkIntervalMs: 1000 });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal('DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL');
  });

  it('hands Sequelize the primary for writes and every replica for reads, passwords decoded', () => {
    const options = replicationOptions('postgres://app:s%40cret@primary:5432/db', { urls: ['postgres://app:s%40cret@r1:5433/db'], maxLagMs: 1, checkIntervalMs: 1 });
    expect(options).to.deep.equal({
      write: { host: 'primary', port: 5432, database: 'db', username: 'app', password: 's@cret' },
      read: [{ host: 'r1', port: 5433, database: 'db', username: 'app', password: 's@cret' }],
    });
  });
});

describe('read replicas: the read-your-writes window', () => {
  const app = express();
  app.use(readYourWrites({ windowMs: 60_000, secure: false }));
  app.all('/where', (_req, res) => {
    res.json({ primary: readingFromPrimary() });
  });
  const ANN = 'Bearer ann-token';

  it('reads from replicas by default, from the primary during a write', async () => {
    expect((await request(app).get('/where').expect(200)).body).to.deep.equal({ primary: false });
    const wrote = await request(app).post('/where').expect(200);
    expect(wrote.body).to.deep.equal({ primary: true });
    expect(String(wrote.headers['set-cookie'])).to.match(/^actstream_primary=1; Max-Age=60; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
  });

  it('keeps a writer on the primary for the window: by cookie, or by bearer token', async () => {
    expect((await request(app).get('/where').set('Cookie', 'other=1; actstream_primary=1').expect(200)).body).to.deep.equal({ primary: true });
    await request(app).post('/where').set('Authorization', ANN).expect(200);
    expect((await request(app).get('/where').set('Authorization', ANN).expect(200)).body).to.deep.equal({ primary: true });
    expect((await request(app).get('/where').set('Authorization', 'Bearer bob-token').expect(200)).body).to.deep.equal({ primary: false });
    expect((await request(app).get('/where').set('Cookie', 'actstream_primary=0').expect(200)).body).to.deep.equal({ primary: false });
  });
});
