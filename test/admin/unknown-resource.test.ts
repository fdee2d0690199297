import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { resetDatabase } from '../helpers/database.js';
import { adminApp, loggedIn, makeUser } from './helpers.js';

describe('admin: unknown resources', () => {
  let app: Express;

  before(async () => {
    app = await adminApp();
    await resetDatabase();
    await makeUser('staff@example.com', true);
  });

  it('answers 404 with a message for a resource id that does not exist', async () => {
    const agent = await loggedIn(app, 'staff@example.com');
    const res = await agent.get('/admin/api/resources/actstream_actions/actions/list').expect(404);
    expect(res.body.notice).to.deep.equal({ message: 'There is no resource "actstream_actions".', type: 'error' });
    await agent.get('/admin/api/resources/action-log/actions/list').expect(200);
  });

  it('still sends anonymous callers to the login page, naming nothing', async () => {
    const res = await supertest(app).get('/admin/api/resources/nope/actions/list');
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.match(/\/admin\/login$/);
  });
});

describe('admin: unknown actions and sort columns', () => {
  let agent: Awaited<ReturnType<typeof loggedIn>>;

  before(async () => {
    const app = await adminApp();
    await resetDatabase();
    await makeUser('staff@example.com', true);
    agent = await loggedIn(app, 'staff@example.com');
  });

  it('answers 404 for an action the resource does not have (resource, record and bulk actions)', async () => {
    for (const path of ['/actions/nope', '/records/1/nope', '/bulk/nope?recordIds=1']) {
      const res = await agent.get(`/admin/api/resources/concerts${path}`).expect(404);
      expect(res.body.notice.message).to.equal('Resource "concerts" has no action "nope".');
    }
  });

  it('answers 400 for sorting by a column that does not exist, and sorts by one that does', async () => {
    const res = await agent.get('/admin/api/resources/concerts/actions/list?sortBy=nope').expect(400);
    expect(res.body.notice.message).to.match(/Cannot sort "concerts" by "nope"/);
    await agent.get('/admin/api/resources/concerts/actions/list?sortBy=title&direction=asc').expect(200);
  });
});
