import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { action, follow, markRead, notifications, unreadCount, withActor } from 'actstream';
import { Comment, Group, trackAppModels, User } from '../../models/index.js';
import { bearerFor, loggedIn, seedWorld, testApp, type World } from './fixtures.js';

interface ItemJson {
  id: number;
  read: boolean;
  notifiedAt: string;
  action: { id: number; verb: string; sentence: string; actor: { label: string } };
}

describe('HTTP: notifications', () => {
  let app: Express;
  let w: World;
  let bob: string;

  before(async () => {
    ({ app } = await testApp());
  });
  beforeEach(async () => {
    w = await seedWorld();
    bob = await bearerFor(w.bob);
  });

  /** Ann does `verb` on Climbers at minute `minute`, telling Bob. */
  const tellBob = (verb: string, minute: number, actor: User = w.ann) =>
    action.send(actor, { verb, target: w.climbers, timestamp: new Date(Date.UTC(2026, 10, 2, 12, minute)), notify: [w.bob] });

  it('is for logged-in users only: 401 in the usual error JSON, never cached', async () => {
    const calls = [
      request(app).get('/api/notifications'),
      request(app).get('/api/notifications/unread-count'),
      request(app).post('/api/notifications/read').send({ upTo: 1 }),
      request(app).post('/api/notifications/1/read'),
      request(app).delete('/api/notifications/1/read'),
    ];
    for (const call of calls) {
      const res = await call;
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('unauthorized');
      expect(res.headers['cache-control']).to.equal('private, no-store');
    }
  });

  it('GET /api/notifications: newest first, each action as elsewhere, read or not, paged', async () => {
    const first = await tellBob('joined', 1);
    const second = await tellBob('left', 2);
    await action.send(w.ann, { verb: 'not for bob', notify: [w.ann] });
    const res = await request(app).get('/api/notifications?limit=1').set('Authorization', bob).expect(200);
    expect(res.headers['cache-control']).to.equal('private, no-store');
    const [item] = res.body.items as ItemJson[];
    expect(item.action.id).to.equal(second.id);
    expect(item.action.sentence).to.match(/^Ann left Climbers .+ ago$/);
    expect(item.read).to.equal(false);
    expect(res.body.next).to.be.a('string');
    const older = await request(app).get(`/api/notifications?limit=1&before=${res.body.next}`).set('Authorization', bob).expect(200);
    expect((older.body.items as ItemJson[]).map((i) => i.action.id)).to.deep.equal([first.id]);
    expect(older.body.next).to.equal(null);

    await request(app).get('/api/notifications?limit=0').set('Authorization', bob).expect(400);
    const bad = await request(app).get('/api/notifications?before=garbage!').set('Authorization', bob).expect(400);
    expect(bad.body.error.code).to.equal('invalid_cursor');
    const unknown = await request(app).get('/api/notifications?verb=x').set('Authorization', bob).expect(400);
    expect(unknown.body.error.code).to.equal('invalid_request');
  });

  it('unread-count, POST read { upTo } (required), and a notification newer than upTo stays unread', async () => {
    await tellBob('joined', 1);
    await tellBob('left', 2);
    const [newest, oldest] = (await request(app).get('/api/notifications').set('Authorization', bob)).body.items as ItemJson[];
    expect((await request(app).get('/api/notifications/unread-count').set('Authorization', bob)).body).to.deep.equal({ count: 2, capped: false });

    const missing = await request(app).post('/api/notifications/read').set('Authorization', bob).send({}).expect(400);
    expect(missing.body.error.code).to.equal('invalid_request');
    expect(missing.body.error.details[0].path).to.equal('upTo');
    await request(app).post('/api/notifications/read').set('Authorization', bob).send({ upTo: 'all' }).expect(400);
    await request(app).post('/api/notifications/read').set('Authorization', bob).send({ upTo: -3 }).expect(400);
    expect(await unreadCount(w.bob)).to.deep.equal({ count: 2, capped: false });

    const marked = await request(app).post('/api/notifications/read').set('Authorization', bob).send({ upTo: oldest.id }).expect(200);
    expect(marked.body).to.deep.equal({ readUpTo: oldest.id });
    expect((await request(app).get('/api/notifications/unread-count').set('Authorization', bob)).body).to.deep.equal({ count: 1, capped: false });
    const unread = await request(app).get('/api/notifications?unread=true').set('Authorization', bob).expect(200);
    expect((unread.body.items as ItemJson[]).map((i) => i.id)).to.deep.equal([newest.id]);
    // The marker never moves back.
    await request(app).post('/api/notifications/read').set('Authorization', bob).send({ upTo: 0 }).expect(200, { readUpTo: oldest.id });
  });

  it('POST / DELETE /api/notifications/:id/read mark one; someone else\'s is a 404', async () => {
    await tellBob('joined', 1);
    const [item] = (await request(app).get('/api/notifications').set('Authorization', bob)).body.items as ItemJson[];
    await request(app).post(`/api/notifications/${item.id}/read`).set('Authorization', bob).expect(200, { id: item.id, read: true });
    expect(await unreadCount(w.bob)).to.deep.equal({ count: 0, capped: false });
    await request(app).delete(`/api/notifications/${item.id}/read`).set('Authorization', bob).expect(200, { id: item.id, read: false });
    expect(await unreadCount(w.bob)).to.deep.equal({ count: 1, capped: false });

    const ann = await bearerFor(w.ann);
    const theirs = await request(app).post(`/api/notifications/${item.id}/read`).set('Authorization', ann).expect(404);
    expect(theirs.body.error.code).to.equal('not_found');
    await request(app).post('/api/notifications/abc/read').set('Authorization', bob).expect(400);
    expect(await unreadCount(w.bob)).to.deep.equal({ count: 1, capped: false });
  });

  it('cookie writes need the CSRF token, as every other write', async () => {
    await tellBob('joined', 1);
    const { agent, csrf } = await loggedIn(app, 'bob@example.com');
    const [item] = (await agent.get('/api/notifications').expect(200)).body.items as ItemJson[];
    const refused = await agent.post('/api/notifications/read').send({ upTo: item.id }).expect(403);
    expect(refused.body.error.code).to.equal('csrf_failed');
    await agent.post(`/api/notifications/${item.id}/read`).expect(403);
    expect(await unreadCount(w.bob)).to.deep.equal({ count: 1, capped: false });
    await agent.post('/api/notifications/read').set('X-CSRF-Token', csrf).send({ upTo: item.id }).expect(200);
    expect(await unreadCount(w.bob)).to.deep.equal({ count: 0, capped: false });
  });

  it('?grouped=true folds the page: counts, actors, sentence; AS2 gives the actors as an array', async () => {
    await tellBob('joined', 1);
    await tellBob('joined', 2, w.bob);
    await tellBob('joined', 3);
    const res = await request(app).get('/api/notifications?grouped=true').set('Authorization', bob).expect(200);
    expect(res.body.items).to.have.length(1);
    const [entry] = res.body.items;
    expect(entry.ids).to.have.length(3);
    expect(entry.unread).to.equal(3);
    expect(entry.group.count).to.equal(3);
    expect(entry.group.actorCount).to.equal(2);
    expect(entry.group.actors.map((a: { label: string }) => a.label)).to.deep.equal(['Ann', 'Bob <b>&amp;']);
    expect(entry.group.sentence).to.match(/^Ann and Bob <b>&amp; joined Climbers .+ ago$/);

    const as2 = await request(app).get('/api/notifications?grouped=true').set('Authorization', bob).set('Accept', 'application/activity+json').expect(200);
    const doc = JSON.parse(as2.text);
    expect(doc.type).to.equal('OrderedCollectionPage');
    const [activity] = doc.orderedItems;
    expect(activity.type).to.equal('Activity');
    expect(activity.actor.map((a: { name: string }) => a.name)).to.deep.equal(['Ann', 'Bob <b>&amp;']);
    expect(activity.target.name).to.equal('Climbers');
    expect(activity.summary).to.equal('Ann and Bob <b>&amp; joined Climbers');
    expect(Date.parse(activity.startTime)).to.be.below(Date.parse(activity.endTime));

    const plain = await request(app).get('/api/notifications').set('Authorization', bob).set('Accept', 'application/activity+json').expect(200);
    const page = JSON.parse(plain.text);
    expect(page.orderedItems).to.have.length(3);
    expect(page.orderedItems[0].actor.name).to.equal('Ann');
  });

  it('streams take ?grouped=true too', async () => {
    await action.send(w.bob, { verb: 'joined', target: w.climbers, timestamp: new Date(Date.UTC(2026, 10, 1, 12, 10)) });
    const res = await request(app).get(`/api/streams/target/Group/${w.climbers.id}?grouped=true`).expect(200);
    expect(res.body.groups.map((g: { verb: string; count: number }) => `${g.verb}×${g.count}`)).to.deep.equal(['joined×1', 'posted×1', 'joined×1']);
    const user = await request(app).get('/api/streams/user?grouped=true&withUserActivity=true').set('Authorization', bob).expect(200);
    expect(user.body.groups[0].sentence).to.match(/^Bob <b>&amp; joined Climbers/);
    const model = await request(app).get('/api/streams/model/Group?grouped=true&limit=1').expect(200);
    expect(model.body.groups).to.have.length(1);
    expect(model.body.next).to.be.a('string');
    const as2 = await request(app).get(`/api/streams/any/Group/${w.climbers.id}?grouped=true`).set('Accept', 'application/activity+json').expect(200);
    expect(JSON.parse(as2.text).orderedItems[0].actor).to.be.an('array');
    await request(app).get(`/api/streams/any/Group/${w.climbers.id}?grouped=maybe`).expect(400);
  });

  describe('the app notifies', () => {
    it('a user who is followed: "X started following you"', async () => {
      const { agent, csrf } = await loggedIn(app, 'ann@example.com');
      await agent.post('/api/follows').set('X-CSRF-Token', csrf).send({ type: 'User', id: w.bob.id }).expect(201);
      await agent.post('/api/follows').set('X-CSRF-Token', csrf).send({ type: 'Group', id: w.climbers.id }).expect(201);
      const res = await request(app).get('/api/notifications').set('Authorization', bob).expect(200);
      expect((res.body.items as ItemJson[]).map((i) => i.action.sentence.replace(/ \d+ minutes ago$/, ''))).to.deep.equal([
        'Ann started following Bob <b>&amp;',
      ]);
      expect((await notifications(w.ann)).items).to.deep.equal([]);
    });

    it("the group's followers (not its author) of a comment in the group", async () => {
      const untrack = trackAppModels();
      try {
        const cleo = await User.create({ email: 'cleo@example.com', name: 'Cleo' });
        await follow(cleo, w.climbers, { sendAction: false });
        // Bob follows Climbers (seedWorld) and writes the comment: he is not told of his own.
        const comment = await withActor(w.bob, () => Comment.create({ text: 'Rope?', authorId: w.bob.id, groupId: w.climbers.id }));
        const [item] = (await notifications(cleo)).items;
        expect(item.action.verb).to.equal('created');
        expect(item.action.actionObjectId).to.equal(String(comment.id));
        expect((await notifications(w.bob)).items).to.deep.equal([]);
        // Not in a group: nobody is told.
        await withActor(w.ann, () => Comment.create({ text: 'Solo', authorId: w.ann.id, groupId: null }));
        const other = await Group.create({ name: 'Quiet' });
        await withActor(w.ann, () => Comment.create({ text: 'Anyone?', authorId: w.ann.id, groupId: other.id }));
        expect((await unreadCount(cleo)).count).to.equal(1);
      } finally {
        untrack();
      }
    });
  });

  it("shows what an action keeps private only to the people it is about, as every other view", async () => {
    const data = { note: 'public part', private: { secret: 'for Bob only' } };
    await action.send(w.ann, { verb: 'thanked', actionObject: w.bob, data, notify: [w.bob] });
    await action.send(w.ann, { verb: 'waved at', actionObject: w.climbers, data, notify: [w.bob] });
    const res = await request(app).get('/api/notifications').set('Authorization', bob).expect(200);
    const [waved, thanked] = res.body.items as (ItemJson & { action: { data: unknown } })[];
    expect(thanked.action.data).to.deep.equal(data);
    expect(waved.action.data).to.deep.equal({ note: 'public part' });
  });

  it('a marker set through the library is what the API reports', async () => {
    await tellBob('joined', 1);
    const [item] = (await notifications(w.bob)).items;
    await markRead(w.bob, { upTo: item.id });
    const res = await request(app).get('/api/notifications').set('Authorization', bob).expect(200);
    expect((res.body.items as ItemJson[])[0].read).to.equal(true);
  });
});
