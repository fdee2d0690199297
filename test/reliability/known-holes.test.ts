import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Action, Follow, withoutTracking } from 'actstream';
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
        const shown = `${path}: ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.status, shown).to.equal(404);
        // No such route: the API says so in its error JSON; anything else is Express's plain "Cannot GET".
        if (path.startsWith('/api/')) expect(res.body.error, shown).to.deep.include({ code: 'not_found', message: `No route GET ${path.split('?')[0]}` });
        else expect(res.text, shown).to.include(`Cannot GET ${path}`);
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
    // Each page, and what it must still show: the action whose objects are gone.
    const ids = (res: request.Response) => (res.body.actions as { id: number }[]).map((a) => a.id);
    const pages: [string, (res: request.Response) => void][] = [
      [`/api/streams/any/Group/${climbers.id}`, (res) => expect(ids(res)).to.include(w.sent.commented.id)],
      [`/api/streams/actor/Band/${w.band.id}`, (res) => expect(ids(res)).to.include(w.sent.booked.id)],
      [`/api/streams/model/Concert`, (res) => expect(ids(res)).to.include.members([w.sent.booked.id, w.sent.liked.id])],
      [`/api/actions/${w.sent.booked.id}`, (res) => expect(res.body).to.deep.include({ id: w.sent.booked.id, verb: 'booked' })],
      [`/api/actions/${w.sent.commented.id}`, (res) => expect(res.body.actionObject).to.deep.include({ type: 'Comment', deleted: true })],
      [`/streams/Band/${w.band.id}`, (res) => expect(res.text).to.include('<span class="verb">booked</span>').and.include(`Concert ${concert.id}`)],
      [`/streams/Group/${climbers.id}`, (res) => expect(res.text).to.include('<span class="verb">posted</span>').and.include(`Comment ${comment.id}`)],
      [`/actions/${w.sent.booked.id}`, (res) => expect(res.text).to.include(`Location ${hall.id}`)],
      [`/feeds/actor/Band/${w.band.id}.atom`, (res) => expect(res.text).to.match(/<entry>[\s\S]*booked/)],
      [`/feeds/any/Group/${climbers.id}.rss`, (res) => expect(res.text).to.match(/<item>[\s\S]*posted/)],
      [`/feeds/model/Concert.atom`, (res) => expect(res.text).to.include(`Concert ${concert.id}`)],
    ];
    for (const [path, shows] of pages) {
      const res = await request(app).get(path).set('Authorization', bearer);
      expect(res.status, `${path}: ${res.text.slice(0, 200)}`).to.equal(200);
      shows(res);
    }
    // The deleted object's own stream is a clean 404 (it no longer exists), not a crash.
    const gone = await request(app).get(`/api/streams/any/Concert/${concert.id}`).expect(404);
    expect(gone.body.error).to.deep.include({ code: 'not_found', message: `Concert ${concert.id} not found` });
    const gonePage = await request(app).get(`/streams/Concert/${concert.id}`).expect(404);
    expect(gonePage.text).to.include('<h1>Error 404</h1>').and.include(`Concert ${concert.id} not found`);
    const as2 = await request(app).get(`/api/actions/${w.sent.booked.id}`).set('Accept', 'application/activity+json').expect(200);
    expect(as2.text).to.include('Concert');
    const json = await request(app).get(`/api/actions/${w.sent.booked.id}`).expect(200);
    expect(json.body.actionObject).to.deep.include({ type: 'Concert', id: String(concert.id), deleted: true });
    expect(json.body.target).to.deep.include({ type: 'Location', deleted: true });
    const list = await admin.get('/admin/api/resources/action-log/actions/list');
    expect(list.status, list.text.slice(0, 200)).to.equal(200);
    expect(list.body.records.map((r: { id: string }) => String(r.id))).to.include(String(w.sent.booked.id));
    const shown = await admin.get(`/admin/api/resources/action-log/records/${w.sent.booked.id}/show`);
    expect(shown.status, shown.text.slice(0, 200)).to.equal(200);
    expect(shown.body.record.params).to.deep.include({ verb: 'booked', actionObjectType: 'Concert', actionObjectId: String(concert.id) });
    const dashboard = await admin.get('/admin/api/dashboard');
    expect(dashboard.status, dashboard.text.slice(0, 200)).to.equal(200);
    expect(JSON.stringify(dashboard.body.groups)).to.include(`Concert ${concert.id}`);
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
        expect(res.status, path).to.equal(200);
        // The API shows the record(s) the form is about; the page is AdminJS's HTML shell.
        if (path.includes('/api/')) expect(JSON.stringify(res.body.record ?? res.body.records), path).to.include('Climbers');
        else expect(res.text, path).to.match(/<html/i);
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
