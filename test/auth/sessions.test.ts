import { expect } from 'chai';
import type { Express } from 'express';
import { QueryTypes } from 'sequelize';
import supertest from 'supertest';
import { SESSION_COOKIE } from '../../auth/sessions.js';
import { Group } from '../../models/index.js';
import { createApp } from '../../server/app.js';
import { database, resetDatabase } from '../helpers/database.js';
import { makeUser, STAFF_PASSWORD } from '../admin/helpers.js';

// Sessions: a new id at every login (no fixation), a deleted row at every logout, no row before a
// login, and no write when a logged-in user only reads.

function sessionCookie(res: supertest.Response): string | undefined {
  const lines = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  const line = lines.find((l) => l.startsWith(`${SESSION_COOKIE}=`));
  return line?.split(';')[0];
}

async function sessionRows(): Promise<{ sid: string; data: string; updatedAt: unknown }[]> {
  const sequelize = await database();
  const q = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
  return sequelize.query(`SELECT ${q('sid')}, ${q('data')}, ${q('updatedAt')} FROM ${q('sessions')} ORDER BY ${q('sid')}`, { type: QueryTypes.SELECT });
}

/** The session id inside a signed cookie value ("s:<id>.<signature>", URL-encoded). */
function sidOf(cookie: string): string {
  return decodeURIComponent(cookie.split('=')[1]).replace(/^s:/, '').split('.')[0];
}

describe('sessions', () => {
  let app: Express;

  before(async () => {
    await resetDatabase();
    await makeUser('staff@example.com', true);
    await makeUser('member@example.com', false, 'Member');
    await Group.create({ name: 'Climbers' });
  });

  beforeEach(async () => {
    const sequelize = await database();
    await sequelize.query('DELETE FROM sessions');
    app = await createApp({ sequelize, config: { sessionSecret: 'sessions-test-secret', production: false } });
  });

  it('the admin login issues a new session id; the cookie held before it no longer works', async () => {
    // A session that exists before the login (here: a member's API login, as an attacker's planted cookie would be).
    const before = sessionCookie(await supertest(app).post('/api/session').send({ email: 'member@example.com', password: STAFF_PASSWORD }).expect(200))!;
    expect(before).to.be.a('string');
    const login = await supertest(app).post('/admin/login').set('Cookie', before).type('form').send({ email: 'staff@example.com', password: STAFF_PASSWORD });
    expect(login.status).to.equal(302);
    expect(login.headers.location).to.equal('/admin');
    const after = sessionCookie(login)!;
    expect(after).to.be.a('string').and.not.equal(before);
    // The new cookie is the staff session; the old one is gone everywhere.
    expect((await supertest(app).get('/admin/api/resources/groups/actions/list').set('Cookie', after).expect(200)).body.records).to.have.length(1);
    const stale = await supertest(app).get('/admin/api/resources/groups/actions/list').set('Cookie', before);
    expect(stale.status).to.equal(302);
    expect(stale.headers.location).to.equal('/admin/login');
    expect((await supertest(app).get('/api/session').set('Cookie', before).expect(401)).body.error.code).to.equal('unauthorized');
    expect((await sessionRows()).map((r) => r.sid)).to.deep.equal([sidOf(after)]);
  });

  it('the API login and the pages login issue a new session id too', async () => {
    const first = sessionCookie(await supertest(app).post('/api/session').send({ email: 'member@example.com', password: STAFF_PASSWORD }).expect(200))!;
    const second = sessionCookie(
      await supertest(app).post('/api/session').set('Cookie', first).send({ email: 'member@example.com', password: STAFF_PASSWORD }).expect(200),
    )!;
    expect(second).to.not.equal(first);
    expect((await supertest(app).get('/api/session').set('Cookie', first).expect(401)).body.error.code).to.equal('unauthorized');

    const agent = supertest.agent(app);
    await agent.set('Cookie', second);
    const form = await agent.get('/login').expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const login = await agent.post('/login').type('form').send({ email: 'member@example.com', password: STAFF_PASSWORD, _csrf: token }).expect(303);
    const third = sessionCookie(login)!;
    expect(third).to.be.a('string').and.not.equal(second);
    expect((await supertest(app).get('/api/session').set('Cookie', second).expect(401)).body.error.code).to.equal('unauthorized');
    expect((await supertest(app).get('/api/session').set('Cookie', third).expect(200)).body.user.label).to.equal('Member');
  });

  it('every logout deletes the session row', async () => {
    const api = await supertest(app).post('/api/session').send({ email: 'member@example.com', password: STAFF_PASSWORD }).expect(200);
    const cookie = sessionCookie(api)!;
    expect(await sessionRows()).to.have.length(1);
    await supertest(app).delete('/api/session').set('Cookie', cookie).set('X-CSRF-Token', api.body.csrfToken).expect(204);
    expect(await sessionRows()).to.have.length(0);

    const admin = sessionCookie(await supertest(app).post('/admin/login').type('form').send({ email: 'staff@example.com', password: STAFF_PASSWORD }).expect(302))!;
    expect(await sessionRows()).to.have.length(1);
    expect((await supertest(app).get('/admin/logout').set('Cookie', admin)).headers.location).to.equal('/admin/login');
    expect(await sessionRows()).to.have.length(0);
  });

  it('stores no session for visitors who are not logged in (login forms, pages, API, admin)', async () => {
    for (const path of ['/login', '/admin/login', '/admin', '/streams', '/streams/Group', '/api/streams/model/Group', '/api/session', '/feeds/model/Group.atom']) {
      const res = await supertest(app).get(path);
      expect(res.status, path).to.be.oneOf([200, 302, 401]);
      expect(sessionCookie(res), path).to.equal(undefined);
    }
    // A failed login stores nothing either.
    await supertest(app).post('/api/session').send({ email: 'member@example.com', password: 'wrong' }).expect(401);
    await supertest(app).post('/admin/login').type('form').send({ email: 'staff@example.com', password: 'wrong' }).expect(200);
    expect(await sessionRows()).to.deep.equal([]);
  });

  it('a logged-in user reading pages and streams writes nothing to the session', async () => {
    const cookie = sessionCookie(await supertest(app).post('/api/session').send({ email: 'member@example.com', password: STAFF_PASSWORD }).expect(200))!;
    const [before] = await sessionRows();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a write would move updatedAt by at least a second
    for (const path of ['/streams', '/streams/Group', '/api/streams/user', '/api/session', '/api/streams/model/Group']) {
      const res = await supertest(app).get(path).set('Cookie', cookie);
      expect(res.status, path).to.equal(200);
      expect(sessionCookie(res), path).to.equal(undefined);
    }
    expect(await sessionRows()).to.deep.equal([before]);
  });

  it('refuses a login form posted without the token its page set', async () => {
    const res = await supertest(app).post('/login').type('form').send({ email: 'member@example.com', password: STAFF_PASSWORD, _csrf: 'forged.token' }).expect(403);
    expect(res.text).to.include('The form expired');
    expect(sessionCookie(res)).to.equal(undefined);
  });
});
