import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { clearRateLimits, resetDatabase } from '../helpers/database.js';
import { adminApp, makeUser, STAFF_PASSWORD } from './helpers.js';

/** A visitor without a (valid) staff session: sent to the login page. */
function expectSentToLogin(res: supertest.Response): void {
  expect(res.status).to.equal(302);
  expect(res.headers.location).to.equal('/admin/login');
}

/** A logged-in staff user's list: records and their total. */
function expectList(res: supertest.Response): void {
  expect(res.status).to.equal(200);
  expect(res.body.meta.total).to.be.a('number');
  expect(res.body.records).to.be.an('array');
}

/** A failed login: the login page again, with AdminJS's error message. */
function expectLoginRefused(res: supertest.Response): void {
  expect(res.status).to.equal(200);
  expect(res.text).to.include('invalidCredentials');
}

describe('admin login', () => {
  let app: Express;

  before(async () => {
    await resetDatabase();
    await makeUser('staff@example.com', true);
    await makeUser('member@example.com', false, 'Member');
  });
  // A fresh app (and so a fresh failed-login counter) per test.
  beforeEach(async () => {
    await clearRateLimits();
    app = await adminApp();
  });

  it('sends visitors who are not logged in to the login page, for pages and the API alike', async () => {
    const page = await supertest(app).get('/admin');
    expect(page.status).to.equal(302);
    expect(page.headers.location).to.equal('/admin/login');
    const api = await supertest(app).get('/admin/api/resources/concerts/actions/list');
    expect(api.status).to.equal(302);
    expect(api.headers.location).to.equal('/admin/login');
    const write = await supertest(app).post('/admin/api/resources/groups/actions/new').type('form').send({ name: 'Intruders' });
    expectSentToLogin(write);
    const { Group } = await import('../../models/index.js');
    expect(await Group.count({ where: { name: 'Intruders' } })).to.equal(0);
  });

  it('logs a staff user in (email case and spaces do not matter) and keeps them logged in', async () => {
    const agent = supertest.agent(app);
    const res = await agent.post('/admin/login').type('form').send({ email: ' Staff@Example.com ', password: STAFF_PASSWORD });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/admin');
    const session = res.headers['set-cookie'] as unknown as string[];
    expect(session.join(';')).to.match(/actstream\.sid=/);
    expectList(await agent.get('/admin/api/resources/concerts/actions/list'));
  });

  it('answers a wrong password with the login page and an error, and no session', async () => {
    const agent = supertest.agent(app);
    const res = await agent.post('/admin/login').type('form').send({ email: 'staff@example.com', password: 'wrong' });
    expectLoginRefused(res);
    expect(res.headers['set-cookie'] ?? []).to.not.satisfy((cookies: string[]) => cookies.some((c) => c.startsWith('actstream.sid=')));
    expectSentToLogin(await agent.get('/admin'));
  });

  it('does not let a user without isStaff in, even with the right password', async () => {
    const agent = supertest.agent(app);
    expectLoginRefused(await agent.post('/admin/login').type('form').send({ email: 'member@example.com', password: STAFF_PASSWORD }));
    expectSentToLogin(await agent.get('/admin/api/resources/concerts/actions/list'));
  });

  it('answers missing fields like a wrong password', async () => {
    expectLoginRefused(await supertest(app).post('/admin/login').type('form').send({ email: 'staff@example.com' }));
  });

  it('limits repeated failures from one address, without counting successes', async () => {
    const agent = supertest(app);
    for (let i = 0; i < 3; i += 1) {
      const ok = await agent.post('/admin/login').type('form').send({ email: 'staff@example.com', password: STAFF_PASSWORD });
      expect(ok.status).to.equal(302);
      expect(ok.headers.location).to.equal('/admin');
    }
    for (let i = 0; i < 10; i += 1) {
      expectLoginRefused(await agent.post('/admin/login').type('form').send({ email: 'staff@example.com', password: `wrong ${i}` }));
    }
    const blocked = await agent.post('/admin/login').type('form').send({ email: 'staff@example.com', password: STAFF_PASSWORD });
    expect(blocked.status).to.equal(429);
    expect(blocked.text).to.match(/too many failed logins/i);
  });

  it('logs out', async () => {
    const agent = supertest.agent(app);
    await agent.post('/admin/login').type('form').send({ email: 'staff@example.com', password: STAFF_PASSWORD });
    expectList(await agent.get('/admin/api/resources/concerts/actions/list'));
    expectSentToLogin(await agent.get('/admin/logout'));
    expectSentToLogin(await agent.get('/admin/api/resources/concerts/actions/list'));
  });

  it('refuses a session whose user lost staff rights since logging in', async () => {
    const demoted = await makeUser('former@example.com', true, 'Former');
    const agent = supertest.agent(app);
    await agent.post('/admin/login').type('form').send({ email: 'former@example.com', password: STAFF_PASSWORD });
    expectList(await agent.get('/admin/api/resources/groups/actions/list'));
    await demoted.update({ isStaff: false });
    expectSentToLogin(await agent.get('/admin/api/resources/groups/actions/list'));
    expectSentToLogin(await agent.post('/admin/api/resources/groups/actions/new').type('form').send({ name: 'Sneaky' }));
    const { Group } = await import('../../models/index.js');
    expect(await Group.count({ where: { name: 'Sneaky' } })).to.equal(0);
  });
});
