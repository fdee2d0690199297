import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Action } from 'actstream';
import { trackAppModels } from '../../models/index.js';
import { loggedIn as adminLoggedIn, makeUser } from '../admin/helpers.js';
import { countSlowPath } from '../helpers/slow-path.js';
import { bearerFor, seedWorld, testApp, type World } from './fixtures.js';

// Issue 9, item 5: the app, wired as `npm start` wires it (createApp, the models tracked), sends its
// actions through actstream's own INSERT, never Model.create: no hook anywhere (a global Sequelize
// hook included) may put Action back on the slow path.
describe('the app’s own sends take the fast path', () => {
  let app: Express;
  let w: World;
  let untrack: () => void;

  before(async () => {
    ({ app } = await testApp());
    untrack = trackAppModels();
  });
  after(() => untrack());
  beforeEach(async () => {
    w = await seedWorld();
  });

  it('POST /api/actions, a follow, and admin saves (tracked, and the ConcertAdmin case) write with the fast INSERT', async () => {
    const bearer = await bearerFor(w.ann);
    await makeUser('staff@example.com', true);
    const admin = await adminLoggedIn(app, 'staff@example.com');
    const before = await Action.count();
    const { creates, bulkCreates } = await countSlowPath(async () => {
      await request(app).post('/api/actions').set('Authorization', bearer).send({ verb: 'sent over HTTP' }).expect(201);
      await request(app).post('/api/follows').set('Authorization', bearer).send({ type: 'Band', id: w.band.id }).expect(201);
      const group = await admin.post('/admin/api/resources/groups/actions/new').type('form').send({ name: 'Made in the admin' });
      expect(group.body.notice.type).to.equal('success');
      const concert = await admin
        .post('/admin/api/resources/concerts/actions/new')
        .type('form')
        .send({ title: 'Booked', date: '2026-12-01T20:00:00.000Z', bandId: String(w.band.id), locationId: String(w.hall.id) });
      expect(concert.body.notice.type).to.equal('success');
    });
    // One action each for the send and the follow, one for the group, two for the concert.
    expect(await Action.count()).to.equal(before + 5);
    expect({ creates, bulkCreates }).to.deep.equal({ creates: 0, bulkCreates: 0 });
  });
});
