import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Action, Follow, withoutTracking } from '../../actstream/index.js';
import { Group, trackAppModels } from '../../models/index.js';
import { loggedIn as adminLoggedIn, makeUser } from '../admin/helpers.js';
import { bearerFor, loggedIn, seedWorld, testApp, type World } from '../http/fixtures.js';

// The holes django-activity-stream style apps are known for, each shown absent. Other tests cover
// some of them in more depth: test/http/auth.test.ts (GET changes nothing, never redirects),
// test/http/privacy.test.ts (private actions), test/admin/writes.test.ts (exact admin actions).
describe('reliability: the known holes stay closed', function () {
  this.timeout(60_000);
  let app: Express;
  let w: World;

  before(async () => {
    ({ app } = await testApp());
  });
  beforeEach(async () => {
    w = await seedWorld();
  });

  it('no follow or unfollow by GET, whatever the URL (django-style ones included)', async () => {
    const { agent } = await loggedIn(app, 'ann@example.com');
    const bearer = await bearerFor(w.ann);
    const follows = await Follow.count();
    const actions = await Action.count();
    const band = w.band.id;
    for (const path of [
      `/api/follows?type=Band&id=${band}`,
      `/api/follows/Band/${band}`,
      `/follow/Band/${band}`,
      `/follow/Band/${band}/`,
      `/unfollow/User/${w.bob.id}/`,
      `/follow_all/Band/${band}/`,
      `/activity/follow/Band/${band}/`,
      `/api/unfollow?type=User&id=${w.bob.id}`,
    ]) {
      for (const client of [agent.get(path), request(app).get(path).set('Authorization', bearer)]) {
        const res = await client;
        expect(res.status, path).to.be.oneOf([404, 405]);
      }
    }
    expect(await Follow.count()).to.equal(follows);
    expect(await Action.count()).to.equal(actions);
  });

  it('follower and following lists are public, like the "started following" actions, and show labels, never emails (API and pages)', async () => {
    const followers = await request(app).get(`/api/followers/User/${w.ann.id}`).expect(200);
    expect(followers.body.followers.map((f: { id: string; label: string }) => [f.id, f.label])).to.deep.equal([[String(w.bob.id), 'Bob <b>&amp;']]);
    const following = await request(app).get(`/api/following/${w.bob.id}`).expect(200);
    expect(following.body.following.map((f: { type: string }) => f.type)).to.deep.equal(['User', 'Group']);
    for (const path of [`/followers/User/${w.ann.id}`, `/following/${w.bob.id}`]) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(200);
      expect(res.text, path).to.include(path.startsWith('/followers') ? 'Bob &lt;b&gt;' : 'Climbers');
    }
    for (const res of [followers, following]) expect(res.text).not.to.include('@example.com');
  });

  it('actions whose objects were deleted still show everywhere (API, AS2, pages, feeds, admin)', async () => {
    const { concert, hall, climbers, comment, ann } = w;
    await withoutTracking(async () => {
      await comment.destroy();
      await concert.destroy();
      await hall.destroy();
    });
    await makeUser('staff@example.com', true);
    const admin = await adminLoggedIn(app, 'staff@example.com');
    const bearer = await bearerFor(ann);
    const pages = [
      `/api/streams/any/Group/${climbers.id}`,
      `/api/streams/actor/Band/${w.band.id}`,
      `/api/streams/model/Concert`,
      `/api/actions/${w.sent.booked.id}`,
      `/api/actions/${w.sent.commented.id}`,
      `/streams/Band/${w.band.id}`,
      `/streams/Group/${climbers.id}`,
      `/actions/${w.sent.booked.id}`,
      `/feeds/actor/Band/${w.band.id}.atom`,
      `/feeds/any/Group/${climbers.id}.rss`,
      `/feeds/model/Concert.atom`,
    ];
    for (const path of pages) {
      const res = await request(app).get(path).set('Authorization', bearer);
      expect(res.status, `${path}: ${res.text.slice(0, 200)}`).to.equal(200);
    }
    // The deleted object's own stream is a clean 404 (it no longer exists), not a crash.
    await request(app).get(`/api/streams/any/Concert/${concert.id}`).expect(404);
    await request(app).get(`/streams/Concert/${concert.id}`).expect(404);
    const as2 = await request(app).get(`/api/actions/${w.sent.booked.id}`).set('Accept', 'application/activity+json').expect(200);
    expect(as2.text).to.include('Concert');
    const json = await request(app).get(`/api/actions/${w.sent.booked.id}`).expect(200);
    expect(json.body.actionObject).to.deep.include({ type: 'Concert', id: String(concert.id), deleted: true });
    expect(json.body.target).to.deep.include({ type: 'Location', deleted: true });
    for (const path of ['/admin/api/resources/action-log/actions/list', `/admin/api/resources/action-log/records/${w.sent.booked.id}/show`, '/admin/api/dashboard']) {
      const res = await admin.get(path);
      expect(res.status, `${path}: ${res.text.slice(0, 200)}`).to.equal(200);
    }
  });

  describe('admin', () => {
    let untrack: () => void;
    before(() => {
      untrack = trackAppModels();
    });
    after(() => untrack());

    it('opening the delete (and edit) form by GET records nothing and deletes nothing', async () => {
      await makeUser('staff@example.com', true);
      const admin = await adminLoggedIn(app, 'staff@example.com');
      const actions = await Action.count();
      for (const path of [
        `/admin/api/resources/groups/records/${w.climbers.id}/delete`,
        `/admin/api/resources/groups/records/${w.climbers.id}/edit`,
        `/admin/api/resources/groups/bulk/bulkDelete?recordIds=${w.climbers.id}`,
        `/admin/resources/groups/records/${w.climbers.id}/delete`,
      ]) {
        const res = await admin.get(path);
        expect(res.status, path).to.be.below(400);
      }
      expect(await Action.count()).to.equal(actions);
      expect(await Group.findByPk(w.climbers.id)).not.to.equal(null);
    });

    it('one admin edit records one action, once', async () => {
      const staff = await makeUser('staff@example.com', true);
      const admin = await adminLoggedIn(app, 'staff@example.com');
      const before = await Action.max<number, Action>('id');
      const res = await admin.post(`/admin/api/resources/groups/records/${w.climbers.id}/edit`).type('form').send({ name: 'Boulderers' });
      expect(res.body.notice.type).to.equal('success');
      const recorded = await Action.findAll({ where: {}, order: [['id', 'ASC']] });
      const mine = recorded.filter((a) => Number(a.id) > Number(before));
      expect(mine.map((a) => [a.actorType, a.actorId, a.verb, a.actionObjectType, a.actionObjectId])).to.deep.equal([
        ['User', String(staff.id), 'updated', 'Group', String(w.climbers.id)],
      ]);
    });
  });
});
