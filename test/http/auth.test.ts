import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Action, Follow } from 'actstream';
import { ApiToken } from '../../models/index.js';
import { recordQueries } from '../actstream/fixtures.js';
import { bearerFor, loggedIn, PASSWORD, seedWorld, testApp, type World } from './fixtures.js';

describe('HTTP: authentication', () => {
  let app: Express;
  let w: World;

  before(async () => {
    ({ app } = await testApp());
  });
  beforeEach(async () => {
    w = await seedWorld();
  });

  describe('POST /api/session', () => {
    it('logs any user in with a session cookie and gives a CSRF token', async () => {
      const res = await request(app).post('/api/session').send({ email: 'BOB@example.com', password: PASSWORD }).expect(200);
      expect(res.body.user).to.deep.include({ type: 'User', id: String(w.bob.id) });
      expect(res.body.csrfToken).to.be.a('string').with.length.above(20);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).to.match(/actstream\.sid=/).and.match(/HttpOnly/i).and.match(/SameSite=Lax/i);
    });

    it('refuses a wrong password or unknown email with 401 and no cookie', async () => {
      for (const body of [
        { email: 'bob@example.com', password: 'wrong' },
        { email: 'nobody@example.com', password: PASSWORD },
      ]) {
        const res = await request(app).post('/api/session').send(body).expect(401);
        expect(res.body.error.code).to.equal('invalid_credentials');
        expect(res.headers['set-cookie']).to.equal(undefined);
      }
    });

    it('is 400 for a missing field', async () => {
      const res = await request(app).post('/api/session').send({ email: 'bob@example.com' }).expect(400);
      expect(res.body.error.details[0].path).to.equal('password');
    });

    it('GET /api/session says who is logged in; DELETE logs out', async () => {
      const { agent, csrf } = await loggedIn(app, 'ann@example.com');
      const me = await agent.get('/api/session').expect(200);
      expect(me.body).to.deep.include({ csrfToken: csrf });
      expect(me.body.user.label).to.equal('Ann');
      await agent.delete('/api/session').expect(403);
      await agent.delete('/api/session').set('X-CSRF-Token', csrf).expect(204);
      await agent.get('/api/session').expect(401);
      await agent.get('/api/streams/user').expect(401);
    });

    it('gives a new session id at login (no session fixation)', async () => {
      const agent = request.agent(app);
      const first = await agent.post('/api/session').send({ email: 'ann@example.com', password: PASSWORD }).expect(200);
      const second = await agent.post('/api/session').send({ email: 'ann@example.com', password: PASSWORD }).expect(200);
      const sid = (res: request.Response) => /actstream\.sid=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1];
      expect(sid(first)).to.be.a('string');
      expect(sid(second)).to.be.a('string').and.not.equal(sid(first));
    });
  });

  it('counts an admin login (same session store and cookie) on the API', async () => {
    await w.ann.update({ isStaff: true });
    const agent = request.agent(app);
    await agent.post('/admin/login').type('form').send({ email: 'ann@example.com', password: PASSWORD }).expect(302);
    const me = await agent.get('/api/session').expect(200);
    expect(me.body.user).to.deep.include({ type: 'User', id: String(w.ann.id) });
    await agent.post('/api/actions').send({ verb: 'waved' }).expect(403);
    await agent.post('/api/actions').set('X-CSRF-Token', me.body.csrfToken).send({ verb: 'waved' }).expect(201);
  });

  describe('CSRF for cookie-authenticated changes', () => {
    it('refuses POST /api/actions without or with a wrong X-CSRF-Token, and writes nothing', async () => {
      const { agent, csrf } = await loggedIn(app, 'ann@example.com');
      const before = await Action.count();
      const none = await agent.post('/api/actions').send({ verb: 'waved' }).expect(403);
      expect(none.body.error.code).to.equal('csrf_failed');
      await agent.post('/api/actions').set('X-CSRF-Token', csrf.slice(1) + 'x').send({ verb: 'waved' }).expect(403);
      await agent.post('/api/follows').send({ type: 'Group', id: w.climbers.id }).expect(403);
      expect(await Action.count()).to.equal(before);
      await agent.post('/api/actions').set('X-CSRF-Token', csrf).send({ verb: 'waved' }).expect(201);
      expect(await Action.count()).to.equal(before + 1);
    });

    it('refuses form posts (not JSON) with 415', async () => {
      const { agent, csrf } = await loggedIn(app, 'ann@example.com');
      const res = await agent
        .post('/api/actions')
        .set('X-CSRF-Token', csrf)
        .type('form')
        .send('verb=waved')
        .expect(415);
      expect(res.body.error.code).to.equal('unsupported_media_type');
    });

    it('needs no CSRF token with a bearer token (no cookie involved)', async () => {
      const { agent, csrf } = await loggedIn(app, 'ann@example.com');
      const created = await agent.post('/api/tokens').set('X-CSRF-Token', csrf).send({ name: 'cli' }).expect(201);
      await request(app)
        .post('/api/actions')
        .set('Authorization', `Bearer ${created.body.token}`)
        .send({ verb: 'waved' })
        .expect(201);
    });
  });

  describe('bearer tokens', () => {
    it('are created once, stored hashed, listed without the secret, and revoked', async () => {
      const { agent, csrf } = await loggedIn(app, 'ann@example.com');
      const created = await agent.post('/api/tokens').set('X-CSRF-Token', csrf).send({ name: 'my script' }).expect(201);
      const token: string = created.body.token;
      expect(created.body).to.include({ name: 'my script', scope: 'api' });
      const stored = await ApiToken.findByPk(created.body.id);
      expect(stored!.tokenHash).to.match(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored!.toJSON())).not.to.include(token);

      const auth = `Bearer ${token}`;
      const feed = await request(app).get('/api/streams/user?withUserActivity=true').set('Authorization', auth).expect(200);
      expect(feed.body.actions.map((a: { verb: string }) => a.verb)).to.include('secretly joined');

      const list = await request(app).get('/api/tokens').set('Authorization', auth).expect(200);
      expect(list.body.tokens).to.have.length(1);
      expect(list.body.tokens[0]).not.to.have.property('token');
      expect(JSON.stringify(list.body)).not.to.include(token);

      await request(app).delete(`/api/tokens/${created.body.id}`).set('Authorization', auth).expect(204);
      const revoked = await request(app).get('/api/streams/user').set('Authorization', auth).expect(401);
      expect(revoked.body.error.code).to.equal('invalid_token');
    });

    it('read the token and its user in one statement per request', async () => {
      const auth = await bearerFor(w.ann);
      await request(app).get('/api/streams/user').set('Authorization', auth).expect(200); // notes the first use
      const sequelize = ApiToken.sequelize!;
      const { queries } = await recordQueries(sequelize, () => request(app).get('/api/streams/user').set('Authorization', auth).expect(200));
      const tokenReads = queries.filter((sql) => /FROM [`"]api_tokens[`"]/.test(sql));
      expect(tokenReads).to.have.length(1);
      expect(tokenReads[0]).to.match(/JOIN [`"]users[`"]/);
      expect(queries.filter((sql) => /FROM [`"]users[`"] AS [`"]User[`"] WHERE/.test(sql))).to.have.length(0);
    });

    it('DELETE /api/tokens with a bearer token revokes that token; with a cookie it asks for an id', async () => {
      const auth = await bearerFor(w.ann);
      const other = await bearerFor(w.ann);
      await request(app).delete('/api/tokens').set('Authorization', auth).expect(204);
      await request(app).get('/api/tokens').set('Authorization', auth).expect(401);
      await request(app).get('/api/tokens').set('Authorization', other).expect(200);
      const { agent, csrf } = await loggedIn(app, 'ann@example.com');
      const res = await agent.delete('/api/tokens').set('X-CSRF-Token', csrf).expect(400);
      expect(res.body.error.message).to.include('/api/tokens/:id');
    });

    it("cannot revoke someone else's token (404, and it keeps working)", async () => {
      const ann = await loggedIn(app, 'ann@example.com');
      const bob = await loggedIn(app, 'bob@example.com');
      const annToken = await ann.agent.post('/api/tokens').set('X-CSRF-Token', ann.csrf).send({ name: 'a' }).expect(201);
      await bob.agent.delete(`/api/tokens/${annToken.body.id}`).set('X-CSRF-Token', bob.csrf).expect(404);
      await request(app).get('/api/streams/user').set('Authorization', `Bearer ${annToken.body.token}`).expect(200);
    });

    it('rejects an unknown, malformed or feed-only token with 401 even next to a good cookie', async () => {
      const { agent, csrf } = await loggedIn(app, 'ann@example.com');
      const feedToken = await agent.post('/api/tokens').set('X-CSRF-Token', csrf).send({ name: 'reader', scope: 'feed' }).expect(201);
      expect(feedToken.body.feedUrls.atom).to.match(/\/feeds\/user\/asf_[\w-]+\.atom$/);
      for (const header of ['Bearer ast_nope', 'Basic abc', 'Bearer', `Bearer ${feedToken.body.token}`]) {
        const res = await agent.get('/api/streams/user').set('Authorization', header).expect(401);
        expect(res.body.error.code).to.equal('invalid_token');
      }
    });

    it('POST /api/tokens needs a user and a name', async () => {
      await request(app).post('/api/tokens').send({ name: 'x' }).expect(401);
      const { agent, csrf } = await loggedIn(app, 'ann@example.com');
      const res = await agent.post('/api/tokens').set('X-CSRF-Token', csrf).send({ name: '  ' }).expect(400);
      expect(res.body.error.details[0].path).to.equal('name');
      await agent.delete('/api/tokens/abc').set('X-CSRF-Token', csrf).expect(400);
    });
  });

  describe('401 where a user is needed', () => {
    const needsUser: [string, string][] = [
      ['get', '/api/streams/user'],
      ['post', '/api/actions'],
      ['post', '/api/follows'],
      ['delete', '/api/follows'],
      ['get', '/api/tokens'],
      ['post', '/api/tokens'],
      ['delete', '/api/tokens/1'],
      ['delete', '/api/session'],
    ];
    for (const [method, url] of needsUser) {
      it(`${method.toUpperCase()} ${url}`, async () => {
        const res = await request(app)[method as 'get'](url).send({}).expect(401);
        expect(res.body.error.code).to.equal('unauthorized');
      });
    }
  });

  it('GET requests change nothing (no actions, follows or tokens appear)', async () => {
    const counts = async () => [await Action.count(), await Follow.count(), await ApiToken.count()];
    const before = await counts();
    const { agent } = await loggedIn(app, 'bob@example.com');
    for (const url of [
      '/api/streams/user',
      `/api/streams/any/User/${w.ann.id}`,
      '/api/tokens',
      '/api/session',
      `/api/followers/User/${w.ann.id}`,
      `/api/following/${w.bob.id}`,
      '/api/follows',
      '/api/actions',
    ]) {
      await agent.get(url);
    }
    expect(await counts()).to.deep.equal(before);
  });

  it('never redirects, whatever the request asks', async () => {
    for (const url of ['/api/session?next=https://evil.example/', '/api/streams/user?redirect=//evil.example', '/api/streams/any/User/1?returnTo=x']) {
      const res = await request(app).get(url);
      expect(res.status).to.not.be.within(300, 399);
      expect(res.headers.location).to.equal(undefined);
    }
    const login = await request(app).post('/api/session?next=https://evil.example/').send({ email: 'ann@example.com', password: PASSWORD });
    expect(login.status).to.equal(200);
    expect(login.headers.location).to.equal(undefined);
  });
});
