import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Action, action, pruneActions } from 'actstream';
import { createApp } from '../../server/app.js';
import { liveHubOf, type LiveHub } from '../../server/events/hub.js';
import { GENEROUS_WRITE_LIMIT, database } from '../helpers/database.js';
import { SseClient } from '../helpers/sse.js';
import { PASSWORD, bearerFor, seedWorld, type World } from '../http/fixtures.js';

// The notifications stream (`notification`, `unread-count`) and `action.deleted` on GET /api/events,
// against the real app on a real port, read by a raw HTTP client; SQLite or DATABASE_URL.

interface NotificationEvent {
  id: number;
  read: boolean;
  notifiedAt: string;
  action: { id: number; verb: string; description: string | null; data: Record<string, unknown> | null; sentence: string };
}

const json = <T>(data: string) => JSON.parse(data) as T;
const notified = (client: SseClient) => client.of('notification').map((e) => json<NotificationEvent>(e.data));
const counts = (client: SseClient) => client.of('unread-count').map((e) => json<{ count: number; capped: boolean }>(e.data).count);
const deletedIds = (client: SseClient) => client.of('action.deleted').map((e) => json<{ id: number }>(e.data).id);
const actionVerbs = (client: SseClient) => client.of('action').map((e) => json<{ verb: string }>(e.data).verb);

describe('live streams: notifications and deletions', function () {
  this.timeout(30_000);
  let server: Server;
  let base: string;
  let hub: LiveHub;
  let world: World;
  const open: SseClient[] = [];

  async function listen(headers: Record<string, string>, query: string): Promise<SseClient> {
    const client = await SseClient.open(`${base}/api/events?${query}`, headers);
    open.push(client);
    return client;
  }

  async function startServer(): Promise<void> {
    const sequelize = await database();
    const app = await createApp({
      sequelize,
      config: { sessionSecret: 'test-secret-for-live-tests', production: false, writeLimit: GENEROUS_WRITE_LIMIT },
      live: { pingMs: 300, limits: { perUser: 8, perProcess: 50, maxBuffer: 1024 * 1024 } },
    });
    hub = liveHubOf(app)!;
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function stopServer(): Promise<void> {
    for (const client of open.splice(0)) client.close();
    await hub.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  beforeEach(async () => {
    world = await seedWorld();
    await startServer();
  });

  afterEach(stopServer);

  it('pushes a notification to its owner only, as GET /api/notifications shows it, then the unread count', async () => {
    const token = await bearerFor(world.bob);
    const bob = await listen({ authorization: token }, 'streams=notifications');
    const ann = await listen({ authorization: await bearerFor(world.ann) }, 'streams=notifications');
    expect(bob.status).to.equal(200);
    // A stream starts with the count.
    await bob.atLeast('unread-count', 1);
    expect(counts(bob)).to.deep.equal([0]);
    await action.send(world.ann, { verb: 'invited', target: world.climbers, description: 'come along', notify: [world.bob] });
    const [event] = await bob.atLeast('notification', 1, 1000);
    await bob.atLeast('unread-count', 2);
    expect(counts(bob)).to.deep.equal([0, 1]);
    const api = await fetch(`${base}/api/notifications`, { headers: { authorization: token } });
    const { items } = (await api.json()) as { items: NotificationEvent[] };
    const pushed = json<NotificationEvent>(event.data);
    // Exactly the API's item (its relative time aside, which depends on the moment it is shown).
    const withoutTime = (item: NotificationEvent) => ({ ...item, action: { ...item.action, sentence: '' } });
    expect(withoutTime(pushed)).to.deep.equal(withoutTime(items[0]));
    expect(pushed).to.include({ read: false });
    expect(pushed.action).to.include({ verb: 'invited', description: 'come along' });
    expect(event.id).to.match(/^\d+(\.\d+)*-\d+(\.\d+)*-\d+(\.\d+)*$/);
    // Ann's stream heard nothing of Bob's notification (her own next one arrives first).
    await action.send(world.bob, { verb: 'answered', notify: [world.ann] });
    await ann.atLeast('notification', 1);
    expect(notified(ann).map((n) => n.action.verb)).to.deep.equal(['answered']);
  });

  it('refuses the notifications stream without a login, and pushes nothing to an anonymous or public stream', async () => {
    const anonymous = await listen({}, 'streams=notifications');
    expect(anonymous.status).to.equal(401);
    expect(anonymous.json().error.code).to.equal('unauthorized');
    const publicStream = await listen({}, `streams=object:User:${world.bob.id}`);
    await action.send(world.ann, { verb: 'nudged', actionObject: world.bob, notify: [world.bob] });
    await publicStream.atLeast('action', 1);
    expect(publicStream.of('notification')).to.have.length(0);
    expect(publicStream.of('unread-count')).to.have.length(0);
  });

  it("a private action's notification reaches only the user it is about", async () => {
    const bob = await listen({ authorization: await bearerFor(world.bob) }, 'streams=notifications');
    const ann = await listen({ authorization: await bearerFor(world.ann) }, 'streams=notifications');
    // About Bob (done to him): his, private details included.
    await action.send(world.ann, { verb: 'privately thanked', actionObject: world.bob, public: false, data: { private: { note: 'PRIVATE-MARKER' } }, notify: [world.bob] });
    // About Ann only: Bob is named but never hears of it.
    await action.send(world.ann, { verb: 'privately planned', public: false, description: 'PRIVATE-MARKER', notify: [world.bob, world.ann] });
    await action.send(world.ann, { verb: 'openly planned', notify: [world.bob, world.ann] });
    await bob.atLeast('notification', 2);
    await ann.atLeast('notification', 2);
    expect(notified(bob).map((n) => n.action.verb)).to.deep.equal(['privately thanked', 'openly planned']);
    expect(notified(bob)[0].action.data).to.deep.equal({ private: { note: 'PRIVATE-MARKER' } });
    expect(notified(ann).map((n) => n.action.verb)).to.deep.equal(['privately planned', 'openly planned']);
    expect(bob.events.filter((e) => e.event === 'notification').map((e) => e.data).join('')).not.to.include('privately planned');
  });

  it('sends the unread count after mark-read through the API (all, one item) and the page form', async () => {
    const token = await bearerFor(world.bob);
    const bob = await listen({ authorization: token }, 'streams=notifications');
    for (const verb of ['one', 'two', 'three']) await action.send(world.ann, { verb, notify: [world.bob] });
    await bob.atLeast('notification', 3);
    await bob.until(() => counts(bob).at(-1) === 3, 5000, 'a count of 3');
    const [first, second, third] = notified(bob);
    // One item read through the API.
    const one = await fetch(`${base}/api/notifications/${first.id}/read`, { method: 'POST', headers: { authorization: token } });
    expect(((await one.json()) as { read: boolean }).read).to.equal(true);
    await bob.until(() => counts(bob).at(-1) === 2, 5000, 'a count of 2');
    // Everything up to the second through the API.
    const upTo = await fetch(`${base}/api/notifications/read`, { method: 'POST', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify({ upTo: second.id }) });
    expect(((await upTo.json()) as { readUpTo: number }).readUpTo).to.equal(second.id);
    await bob.until(() => counts(bob).at(-1) === 1, 5000, 'a count of 1');
    // The last through the page's "mark all read" form (session cookie, CSRF token).
    const agent = request.agent(base);
    const login = await agent.get('/login').expect(200);
    await agent.post('/login').type('form').send({ email: 'bob@example.com', password: PASSWORD, _csrf: /name="_csrf" value="([^"]+)"/.exec(login.text)![1] }).expect(303);
    const page = await agent.get('/notifications').expect(200);
    const csrf = /<form method="post" action="\/notifications\/read"[^]*?name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await agent.post('/notifications/read').type('form').send({ _csrf: csrf, upTo: String(third.id) }).expect(303);
    await bob.until(() => counts(bob).at(-1) === 0, 5000, 'a count of 0');
    // One event per change (the three arrivals may come in one read): never the same count twice in a row.
    expect(counts(bob).slice(-4)).to.deep.equal([3, 2, 1, 0]);
    expect(counts(bob).every((count, i, all) => i === 0 || count !== all[i - 1])).to.equal(true);
    // A mark-read that changes nothing sends nothing.
    await fetch(`${base}/api/notifications/read`, { method: 'POST', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify({ upTo: third.id }) });
    await action.send(world.ann, { verb: 'four', notify: [world.bob] });
    await bob.until(() => counts(bob).at(-1) === 1, 5000, 'a count of 1 again');
    expect(counts(bob).slice(-2)).to.deep.equal([0, 1]);
  });

  it('resuming with Last-Event-ID gets exactly the notifications missed, in order, then the count', async () => {
    const token = await bearerFor(world.bob);
    const first = await listen({ authorization: token }, 'streams=notifications');
    await action.send(world.ann, { verb: 'before', notify: [world.bob] });
    const [seen] = await first.atLeast('notification', 1);
    first.close();
    const missed: number[] = [];
    for (let i = 0; i < 5; i++) missed.push((await action.send(world.ann, { verb: `missed ${i}`, notify: [world.bob] })).id);
    await action.send(world.bob, { verb: 'for ann', notify: [world.ann] });
    const again = await listen({ authorization: token, 'last-event-id': seen.id! }, 'streams=notifications');
    await again.atLeast('notification', 5);
    await again.atLeast('unread-count', 1);
    expect(notified(again).map((n) => n.action.id)).to.deep.equal(missed);
    // The count is the user's state when the stream started (it may come before notifications the
    // server had not read yet when the client connected); it is not repeated while it holds.
    expect(counts(again)).to.deep.equal([6]);
    await action.send(world.ann, { verb: 'live', notify: [world.bob] });
    await again.atLeast('notification', 6);
    expect(notified(again)[5].action.verb).to.equal('live');
  });

  it('sends action.deleted to the streams that could have shown a deleted action, and to no other', async () => {
    const bobToken = await bearerFor(world.bob);
    const group = await listen({}, `streams=object:Group:${world.climbers.id}`);
    const users = await listen({}, 'streams=model:User');
    const feed = await listen({ authorization: bobToken }, 'streams=user');
    const notifications = await listen({ authorization: bobToken }, 'streams=notifications');
    const bands = await listen({}, 'streams=model:Band');
    const sent = await action.send(world.ann, { verb: 'organised', target: world.climbers, notify: [world.bob] });
    for (const client of [group, users, feed]) await client.atLeast('action', 1);
    await notifications.atLeast('notification', 1);
    await notifications.until(() => counts(notifications).at(-1) === 1, 5000, 'a count of 1');
    await Action.findByPk(sent.id).then((found) => found!.destroy());
    for (const client of [group, users, feed, notifications]) await client.atLeast('action.deleted', 1);
    for (const client of [group, users, feed]) expect(deletedIds(client)).to.deep.equal([sent.id]);
    // The notifications stream: which notification went, and the count that fell with it.
    const gone = json<{ id: number; notificationId: number }>(notifications.of('action.deleted')[0].data);
    expect(gone).to.deep.equal({ id: sent.id, notificationId: notified(notifications)[0].id });
    await notifications.until(() => counts(notifications).at(-1) === 0, 5000, 'a count of 0');
    // The band stream never had it: its next event is the band's own action.
    await action.send(world.band, { verb: 'rehearsed' });
    await bands.atLeast('action', 1);
    expect(bands.events.map((e) => e.event)).to.deep.equal(['action']);
    const events = await fetch(`${base}/api/actions/${sent.id}`);
    expect(events.status).to.equal(404);
  });

  it("a private action's deletion reaches only its owner; a rolled-back deletion reaches nobody", async () => {
    const ann = await listen({ authorization: await bearerFor(world.ann) }, 'streams=user');
    const bob = await listen({ authorization: await bearerFor(world.bob) }, 'streams=user');
    const users = await listen({}, 'streams=model:User');
    const secret = await action.send(world.ann, { verb: 'hid', public: false });
    const kept = await action.send(world.ann, { verb: 'kept' });
    await ann.atLeast('action', 2);
    const sequelize = await database();
    // Undone: the deletion and its change-log rows roll back together.
    await sequelize
      .transaction(async (transaction) => {
        await Action.destroy({ where: { id: kept.id }, transaction });
        throw new Error('undo');
      })
      .catch((error: Error) => expect(error.message).to.equal('undo'));
    await Action.destroy({ where: { id: secret.id } });
    await ann.atLeast('action.deleted', 1);
    expect(deletedIds(ann)).to.deep.equal([secret.id]);
    // Bob and the public hear of the next deletion first: the private one and the undone one never came.
    await Action.destroy({ where: { id: kept.id } });
    for (const client of [bob, users, ann]) await client.until(() => deletedIds(client).includes(kept.id), 5000, 'the deletion of "kept"');
    expect(deletedIds(bob)).to.deep.equal([kept.id]);
    expect(deletedIds(users)).to.deep.equal([kept.id]);
    expect(deletedIds(ann)).to.deep.equal([secret.id, kept.id]);
  });

  it('pruning old actions sends action.deleted for each; the change log is pruned after its window', async () => {
    const group = await listen({}, `streams=object:Group:${world.climbers.id}`);
    const old = new Date(Date.UTC(2000, 0, 1));
    const ancient = await action.sendMany([0, 1, 2].map((i) => ({ actor: world.ann, verb: `old ${i}`, target: world.climbers, timestamp: old })));
    await group.atLeast('action', 3);
    const result = await pruneActions({ olderThan: new Date(Date.UTC(2001, 0, 1)), batchSize: 2 });
    expect(result.count).to.equal(3);
    await group.atLeast('action.deleted', 3);
    expect(deletedIds(group)).to.deep.equal(ancient.map((a) => a.id));
    const sequelize = await database();
    const changeRows = async () => Number(((await sequelize.query('SELECT COUNT(*) AS n FROM actstream_change_log', { plain: true })) as { n: unknown }).n);
    expect(await changeRows()).to.be.above(0);
    const again = await pruneActions({ olderThan: new Date(Date.UTC(2001, 0, 1)), keepChangesForMs: 0 });
    expect(again.count).to.equal(0);
    expect(await changeRows()).to.equal(0);
  });

  it('a client that missed a deletion gets it on resume, from a restarted server (the database is the log)', async () => {
    const token = await bearerFor(world.bob);
    const first = await listen({ authorization: token }, `streams=user,object:Group:${world.climbers.id}`);
    const sent = await action.send(world.ann, { verb: 'scheduled', target: world.climbers });
    const [seen] = await first.atLeast('action', 1);
    first.close();
    await stopServer();
    await Action.destroy({ where: { id: sent.id } });
    await action.send(world.ann, { verb: 'rescheduled', target: world.climbers });
    await startServer();
    const again = await listen({ authorization: token, 'last-event-id': seen.id! }, `streams=user,object:Group:${world.climbers.id}`);
    await again.atLeast('action.deleted', 1);
    await again.atLeast('action', 1);
    // Once, though two of its streams had it.
    expect(deletedIds(again)).to.deep.equal([sent.id]);
    expect(actionVerbs(again)).to.deep.equal(['rescheduled']);
    // Resuming again from after the deletion: nothing twice.
    const last = again.events.at(-1)!.id!;
    again.close();
    const third = await listen({ authorization: token, 'last-event-id': last }, `streams=user,object:Group:${world.climbers.id}`);
    await action.send(world.ann, { verb: 'confirmed', target: world.climbers });
    await third.atLeast('action', 1);
    expect(third.events.map((e) => e.event)).to.deep.equal(['action']);
  });
});
