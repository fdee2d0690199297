import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { action, follow } from 'actstream';
import { createApp } from '../../server/app.js';
import { liveHubOf, type LiveHub } from '../../server/events/hub.js';
import { Band, User } from '../../models/index.js';
import { GENEROUS_WRITE_LIMIT, database } from '../helpers/database.js';
import { SseClient } from '../helpers/sse.js';
import { PASSWORD, bearerFor, seedWorld, type World } from '../http/fixtures.js';

// GET /api/events against the real app listening on a real port, read by a raw HTTP client.

interface ActionEvent {
  id: number;
  verb: string;
  description: string | null;
  public: boolean;
  data: Record<string, unknown> | null;
  actor: { type: string; id: string; label: string };
  target: { label: string } | null;
}

const parse = (data: string) => JSON.parse(data) as ActionEvent;
const verbs = (client: SseClient) => client.of('action').map((event) => parse(event.data).verb);

describe('live streams: GET /api/events', function () {
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

  /** Logs in through the API; the session cookie. */
  async function cookieFor(email: string): Promise<string> {
    const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    expect(res.status).to.equal(200);
    // The whole answer: express-session ends the body only once the session is saved, and fetch
    // resolves at the headers (using the cookie before then can find no session).
    await res.text();
    return res.headers.getSetCookie()[0].split(';')[0];
  }

  // A fresh app (and hub) per test: seedWorld empties the tables, and a hub that had read past ids
  // a reset gives out again would rightly treat them as seen.
  beforeEach(async () => {
    world = await seedWorld();
    const sequelize = await database();
    const app = await createApp({
      sequelize,
      config: { sessionSecret: 'test-secret-for-live-tests', production: false, writeLimit: GENEROUS_WRITE_LIMIT },
      live: { pingMs: 300, limits: { perUser: 3, perProcess: 50, maxBuffer: 1024 * 1024 } },
    });
    hub = liveHubOf(app)!;
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const client of open.splice(0)) client.close();
    await hub.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a follower receives an action by what they follow, as the JSON API shows it, within a second', async () => {
    const bob = await listen({ authorization: await bearerFor(world.bob) }, 'streams=user');
    expect(bob.status).to.equal(200);
    expect(bob.response!.headers['content-type']).to.match(/^text\/event-stream/);
    await action.send(world.ann, { verb: 'climbed', target: world.climbers, description: 'north face' });
    const [event] = await bob.atLeast('action', 1, 1000);
    const sent = parse(event.data);
    expect(sent).to.include({ verb: 'climbed', description: 'north face', public: true });
    expect(sent.actor).to.include({ type: 'User', id: String(world.ann.id), label: 'Ann' });
    expect(sent.target!.label).to.equal('Climbers');
    // Positions in the actions, notifications and change logs: high mark, then gaps.
    expect(event.id).to.match(/^\d+(\.\d+)*-\d+(\.\d+)*-\d+(\.\d+)*$/);
  });

  it('a private action reaches its owner only, never a follower or a public stream', async () => {
    const annCookie = await cookieFor('ann@example.com');
    const ann = await listen({ cookie: annCookie }, 'streams=user');
    const bob = await listen({ authorization: await bearerFor(world.bob) }, 'streams=user');
    const everyone = await listen({}, 'streams=model:User,object:User:' + world.ann.id);
    await action.send(world.ann, { verb: 'secretly trained', public: false, description: 'PRIVATE-MARKER', data: { private: { note: 'PRIVATE-MARKER' }, open: 1 } });
    await action.send(world.ann, { verb: 'trained openly' });
    await ann.atLeast('action', 2);
    await bob.atLeast('action', 1);
    await everyone.atLeast('action', 1);
    expect(verbs(ann)).to.deep.equal(['secretly trained', 'trained openly']);
    expect(parse(ann.of('action')[0].data).data).to.deep.equal({ private: { note: 'PRIVATE-MARKER' }, open: 1 });
    // Bob and the public got the public action next: the private one was never sent to them.
    expect(verbs(bob)).to.deep.equal(['trained openly']);
    expect(verbs(everyone)).to.deep.equal(['trained openly']);
    for (const client of [bob, everyone]) expect(client.events.map((e) => e.data).join('')).not.to.include('PRIVATE-MARKER');
  });

  it('resuming with Last-Event-ID after missing 50 actions gets exactly those 50, in order, then live ones', async () => {
    const token = await bearerFor(world.bob);
    const first = await listen({ authorization: token }, 'streams=user');
    await action.send(world.ann, { verb: 'before' });
    const [seen] = await first.atLeast('action', 1);
    first.close();
    const missed = await action.sendMany(Array.from({ length: 50 }, (_, i) => ({ actor: world.ann, verb: `missed ${i}` })));
    // Some the feed does not show, in between.
    await action.send(world.band, { verb: 'not followed' });
    const again = await listen({ authorization: token, 'last-event-id': seen.id! }, 'streams=user');
    const events = await again.atLeast('action', 50);
    expect(events.map((e) => parse(e.data).id)).to.deep.equal(missed.map((a) => a.id));
    await action.send(world.ann, { verb: 'live again' });
    await again.atLeast('action', 51);
    expect(verbs(again)).to.have.length(51);
    expect(verbs(again)[50]).to.equal('live again');
  });

  it('an action with an older timestamp than one already sent still arrives (commit order, not timestamp order)', async () => {
    const client = await listen({ authorization: await bearerFor(world.bob) }, 'streams=user');
    await action.send(world.ann, { verb: 'now' });
    await action.send(world.ann, { verb: 'an hour ago', timestamp: new Date(Date.now() - 3_600_000) });
    await client.atLeast('action', 2);
    expect(verbs(client)).to.deep.equal(['now', 'an hour ago']);
  });

  it('an action that commits late, below an id already sent, arrives once, live and on resume', async () => {
    const sequelize = await database();
    const token = await bearerFor(world.bob);
    const client = await listen({ authorization: token }, 'streams=user');
    const warm = await action.send(world.ann, { verb: 'warm up' });
    await client.atLeast('action', 1);
    const old = new Date(Date.now() - 60_000);
    let held: number;
    let commitLate: () => Promise<unknown>;
    if (sequelize.getDialect() === 'sqlite') {
      // SQLite has one writer at a time, so its ids commit in order; the late commit is made by
      // hand: the next id is skipped by a committed row and filled afterwards.
      held = warm.id + 1;
      const row = (id: number, verb: string, timestamp: Date) => ({ id, actorType: 'User', actorId: String(world.ann.id), verb, timestamp, public: true });
      await sequelize.getQueryInterface().bulkInsert('actstream_actions', [row(held + 1, 'committed first', new Date())]);
      commitLate = () => sequelize.getQueryInterface().bulkInsert('actstream_actions', [row(held, 'committed late', old)]);
    } else {
      // Two writers: the first takes its id and holds its transaction open while the second commits.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let taken!: (id: number) => void;
      const takenId = new Promise<number>((resolve) => (taken = resolve));
      const first = sequelize.transaction(async (transaction) => {
        taken((await action.send(world.ann, { verb: 'committed late', timestamp: old, transaction })).id);
        await gate;
      });
      held = await takenId;
      const later = await action.send(world.ann, { verb: 'committed first' });
      expect(later.id).to.be.above(held);
      commitLate = async () => {
        release();
        await first;
      };
    }
    await client.atLeast('action', 2);
    const afterFirst = client.of('action')[1].id!;
    // The event id names the id still in flight below it.
    expect(afterFirst.split('-')[0].split('.').slice(1).map(Number)).to.include(held);
    await commitLate();
    await client.atLeast('action', 3);
    expect(verbs(client)).to.deep.equal(['warm up', 'committed first', 'committed late']);
    // A client that left right after "committed first" gets the late one on resume, and nothing twice.
    const resumed = await listen({ authorization: token, 'last-event-id': afterFirst }, 'streams=user');
    await resumed.atLeast('action', 1);
    await action.send(world.ann, { verb: 'next' });
    await resumed.atLeast('action', 2);
    expect(verbs(resumed)).to.deep.equal(['committed late', 'next']);
  });

  it('refuses unknown or unauthorised streams and bad cursors with a 4xx JSON error before opening', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      ['streams=user', {}, 401, 'unauthorized'],
      ['streams=nonsense', {}, 400, 'invalid_stream'],
      ['streams=model:Nope', {}, 404, 'unknown_type'],
      [`streams=object:Band:999999`, {}, 404, 'not_found'],
      [`streams=object:Band:${world.band.id}:owner`, {}, 400, 'invalid_stream'],
      ['streams=model:Band&access_token=abc', {}, 400, 'invalid_request'],
      ['streams=model:Band', { 'last-event-id': 'not-a-cursor' }, 400, 'invalid_cursor'],
      ['', {}, 400, 'invalid_request'],
    ];
    for (const [query, headers, status, code] of cases) {
      const client = await listen(headers, query);
      expect(client.status, query).to.equal(status);
      expect(client.json().error.code, query).to.equal(code);
    }
  });

  it('caps open streams per user with a 429', async () => {
    const token = await bearerFor(world.bob);
    for (let i = 0; i < 3; i++) expect((await listen({ authorization: token }, 'streams=user')).status).to.equal(200);
    const refused = await listen({ authorization: token }, 'streams=user');
    expect(refused.status).to.equal(429);
    expect(refused.json().error.code).to.equal('too_many_streams');
    // Another user is not affected; a closed stream frees its place.
    expect((await listen({ authorization: await bearerFor(world.ann) }, 'streams=user')).status).to.equal(200);
    open[0].close();
    await waitFor(() => hub.size === 3);
    expect((await listen({ authorization: token }, 'streams=user')).status).to.equal(200);
  });

  it('ends the stream with auth-expired when the session ends', async () => {
    const cookie = await cookieFor('bob@example.com');
    const client = await listen({ cookie }, 'streams=user');
    expect(client.status).to.equal(200);
    const csrf = ((await (await fetch(`${base}/api/session`, { headers: { cookie } })).json()) as { csrfToken: string }).csrfToken;
    const out = await fetch(`${base}/api/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.status).to.be.below(300);
    await client.closed();
    expect(client.of('auth-expired')).to.have.length(1);
  });

  it('drops a slow reader and keeps the others receiving', async () => {
    const slow = await listen({}, `streams=object:Band:${world.band.id}`);
    const fast = await listen({}, `streams=object:Band:${world.band.id}`);
    slow.pause();
    const big = 'x'.repeat(16_000);
    const count = 1500;
    for (let i = 0; i < count; i += 500) {
      await action.sendMany(Array.from({ length: 500 }, (_, j) => ({ actor: world.band as Band, verb: `played ${i + j}`, description: big })));
    }
    await fast.atLeast('action', count, 20_000);
    expect(verbs(fast)[count - 1]).to.equal(`played ${count - 1}`);
    slow.resume();
    await slow.closed();
    expect(slow.of('action').length).to.be.below(count);
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check()).to.equal(true);
}

export type { User };

describe('live streams: the LISTEN connection drops', function () {
  this.timeout(30_000);

  it('reconnects and catches up by cursor on what committed meanwhile (PostgreSQL; elsewhere the signal is a poll)', async () => {
    const sequelize = await database();
    const app = await createApp({ sequelize, config: { sessionSecret: 'test-secret-for-live-tests', production: false, writeLimit: GENEROUS_WRITE_LIMIT } });
    const hub = liveHubOf(app)!;
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const world = await seedWorld();
    try {
      const client = await SseClient.open(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events?streams=model:User`);
      expect(client.status).to.equal(200);
      if (sequelize.getDialect() === 'postgres') {
        const [rows] = await sequelize.query(`SELECT pg_terminate_backend(pid) AS gone FROM pg_stat_activity WHERE query = 'LISTEN actstream_changes' AND datname = current_database()`);
        expect(rows.length).to.be.above(0);
      }
      // Sent while nobody may be listening: read from the cursor once the signal is back.
      await action.send(world.ann, { verb: 'spoke into the void' });
      await client.atLeast('action', 1);
      await action.send(world.ann, { verb: 'spoke again' });
      await client.atLeast('action', 2);
      expect(verbs(client)).to.deep.equal(['spoke into the void', 'spoke again']);
      client.close();
    } finally {
      await hub.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
