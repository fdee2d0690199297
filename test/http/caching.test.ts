import { expect } from 'chai';
import type { Express } from 'express';
import type { Server } from 'node:http';
import type { Sequelize } from 'sequelize';
import request from 'supertest';
import { action, unfollow } from 'actstream';
import { recordQueries, dataStatements } from '../actstream/fixtures.js';
import { bearerFor, loggedIn, seedWorld, testApp, type World } from './fixtures.js';

// HTTP caching of public streams (issue 11): Cache-Control public for a few seconds, a strong ETag
// per page, 304 on If-None-Match told without loading the page's objects, private, no-store for
// anything personal.

/** Waits until updatedAt can differ from the previous save's (MySQL keeps whole seconds). */
async function nextTick(sequelize: Sequelize): Promise<void> {
  const dialect = sequelize.getDialect();
  await new Promise((resolve) => setTimeout(resolve, dialect === 'mysql' || dialect === 'mariadb' ? 1100 : 5));
}

describe('HTTP caching of public streams', () => {
  // One listening server: absolute links (AS2, feeds) name the host and port, which are part of a page.
  let app: Server;
  let express: Express;
  let sequelize: Sequelize;
  let w: World;

  before(async () => {
    ({ app: express, sequelize } = await testApp());
    app = await new Promise<Server>((resolve) => {
      const listening = express.listen(0, '127.0.0.1', () => resolve(listening));
    });
  });
  after(() => new Promise((resolve) => app.close(resolve)));
  beforeEach(async () => {
    w = await seedWorld();
  });

  const publicUrls = (w: World): [string, string, Record<string, string>?][] => [
    ['JSON', `/api/streams/any/Group/${w.climbers.id}`],
    ['AS2', `/api/streams/target/Group/${w.climbers.id}`, { Accept: 'application/activity+json' }],
    ['model JSON', '/api/streams/model/Group'],
    ['HTML', `/streams/Group/${w.climbers.id}`],
    ['model HTML', '/streams/Group'],
    ['Atom', `/feeds/any/Group/${w.climbers.id}.atom`],
    ['RSS', `/feeds/target/Group/${w.climbers.id}.rss`],
    ['model Atom', '/feeds/model/Group.atom'],
  ];

  it('answers every public stream format with Cache-Control public, a strong ETag, and 304 (empty) when the client has it', async () => {
    for (const [name, url, headers = {}] of publicUrls(w)) {
      const first = await request(app).get(url).set(headers).expect(200);
      expect(first.headers['cache-control'], name).to.equal('public, max-age=5');
      const tag = first.headers.etag as string;
      expect(tag, name).to.match(/^"[A-Za-z0-9_-]{20,}"$/);
      expect(first.text, name).to.include('Climbers');
      const again = await request(app).get(url).set(headers).expect(200);
      expect(again.headers.etag, `${name}: same page, same tag`).to.equal(tag);

      const { result: cached, queries } = await recordQueries(sequelize, () => request(app).get(url).set(headers).set('If-None-Match', tag));
      expect(cached.status, name).to.equal(304);
      expect(cached.text ?? '', name).to.equal('');
      expect(cached.headers.etag, name).to.equal(tag);
      expect(cached.headers['cache-control'], name).to.equal('public, max-age=5');
      // Told from the page's rows and the objects' versions: no object's label columns read.
      for (const sql of dataStatements(queries)) {
        if (/actstream_actions/.test(sql)) continue;
        expect(sql, `${name}: ${sql}`).not.to.match(/\bname\b|\btext\b|\btitle\b|\bcity\b|email|passwordHash/);
      }
      // Another tag (or a list without ours) gets the page.
      const other = await request(app).get(url).set(headers).set('If-None-Match', '"something-else", W/"x"').expect(200);
      expect(other.text, name).to.include('Climbers');
      await request(app).get(url).set(headers).set('If-None-Match', `"x", W/${tag}`).expect(304);
    }
  });

  it('JSON and AS2 of the same stream have different tags', async () => {
    const url = `/api/streams/any/Group/${w.climbers.id}`;
    const json = await request(app).get(url).expect(200);
    const as2 = await request(app).get(url).set('Accept', 'application/activity+json').expect(200);
    expect(json.headers.etag).not.to.equal(as2.headers.etag);
    expect(json.headers.vary).to.match(/Accept/);
    await request(app).get(url).set('Accept', 'application/activity+json').set('If-None-Match', json.headers.etag).expect(200);
  });

  it('a new action changes the tag, and the client gets the new page', async () => {
    for (const [name, url, headers = {}] of publicUrls(w)) {
      const before = await request(app).get(url).set(headers).expect(200);
      const verb = `waved ${name.replace(/\W/g, '')}`;
      await action.send(w.bob, { verb, target: w.climbers, timestamp: new Date(Date.UTC(2026, 10, 2)) });
      const after = await request(app).get(url).set(headers).set('If-None-Match', before.headers.etag).expect(200);
      expect(after.headers.etag, name).not.to.equal(before.headers.etag);
      expect(after.text, name).to.include(verb);
    }
  });

  it('renaming an object the page shows changes the tag (and the stream\'s own object, shown in titles)', async () => {
    for (const [name, url, headers = {}] of publicUrls(w)) {
      const before = await request(app).get(url).set(headers).expect(200);
      expect(before.text, name).to.include('Ann');
      await nextTick(sequelize);
      const renamed = `Annie${name.replace(/\W/g, '')}`;
      await w.ann.update({ name: renamed });
      const after = await request(app).get(url).set(headers).set('If-None-Match', before.headers.etag).expect(200);
      expect(after.headers.etag, name).not.to.equal(before.headers.etag);
      expect(after.text, name).to.include(renamed);
    }
    const page = `/streams/Group/${w.climbers.id}`;
    const before = await request(app).get(page).expect(200);
    await nextTick(sequelize);
    await w.climbers.update({ name: 'Boulderers' });
    const after = await request(app).get(page).set('If-None-Match', before.headers.etag).expect(200);
    expect(after.text).to.include('<h1>Boulderers</h1>');
  });

  it("an unfollow, which records no action, changes an object page's tag (the page shows the followers count)", async () => {
    const page = `/streams/Group/${w.climbers.id}`;
    const before = await request(app).get(page).expect(200);
    expect(before.text).to.include('<strong>1</strong> follower<');
    expect(await unfollow(w.bob, w.climbers)).to.equal(1);
    const after = await request(app).get(page).set('If-None-Match', before.headers.etag).expect(200);
    expect(after.headers.etag).not.to.equal(before.headers.etag);
    expect(after.text).to.include('<strong>0</strong> followers<');
    await request(app).get(page).set('If-None-Match', after.headers.etag).expect(304);
  });

  it('a deleted stream object is 404 with or without If-None-Match', async () => {
    const url = `/api/streams/any/Group/${w.climbers.id}`;
    const tag = (await request(app).get(url).expect(200)).headers.etag;
    await w.climbers.destroy();
    const gone = await request(app).get(url).set('If-None-Match', tag).expect(404);
    expect(gone.body.error.code).to.equal('not_found');
    expect(gone.headers['cache-control']).not.to.match(/public/);
  });

  it('never lets a private stream be kept: the user feed, its Atom feed, notifications, pages seen with a session', async () => {
    const bearer = await bearerFor(w.bob);
    const feed = await request(app).get('/api/streams/user').set('Authorization', bearer).expect(200);
    expect(feed.body.actions.length).to.be.greaterThan(0);
    expect(feed.headers['cache-control']).to.equal('private, no-store');
    expect(feed.headers.etag).to.equal(undefined);
    const grouped = await request(app).get('/api/streams/user?grouped=true').set('Authorization', bearer).expect(200);
    expect(grouped.headers['cache-control']).to.equal('private, no-store');
    expect(grouped.headers.etag).to.equal(undefined);
    const notes = await request(app).get('/api/notifications').set('Authorization', bearer).expect(200);
    expect(notes.headers['cache-control']).to.equal('private, no-store');

    const created = await request(app).post('/api/tokens').set('Authorization', bearer).send({ scope: 'feed', name: 'reader' }).expect(201);
    const atom = await request(app).get(new URL(created.body.feedUrls.atom as string).pathname).expect(200);
    expect(atom.text).to.include('<feed');
    expect(atom.headers['cache-control']).to.equal('private, no-store');
    expect(atom.headers.etag).to.equal(undefined);

    const { agent } = await loggedIn(express, 'bob@example.com');
    for (const url of [`/streams/Group/${w.climbers.id}`, '/streams/Group', `/streams/Group/${w.climbers.id}?grouped=true`]) {
      const page = await agent.get(url).expect(200);
      expect(page.text, url).to.include('Bob');
      expect(page.headers['cache-control'], url).to.equal('private, no-store');
      expect(page.headers.etag, url).to.equal(undefined);
    }
    // Anonymous, the same page is public, and says a reader's cookie makes it another page.
    const anonymous = await request(app).get(`/streams/Group/${w.climbers.id}`).expect(200);
    expect(anonymous.headers['cache-control']).to.equal('public, max-age=5');
    expect(anonymous.headers.vary).to.match(/Cookie/);
  });

  it('grouped public pages are cacheable too, by their body', async () => {
    for (const url of [`/api/streams/any/Group/${w.climbers.id}?grouped=true`, `/streams/Group/${w.climbers.id}?grouped=true`]) {
      const first = await request(app).get(url).expect(200);
      expect(first.headers['cache-control'], url).to.equal('public, max-age=5');
      expect(first.headers.etag, url).to.match(/^"/);
      const cached = await request(app).get(url).set('If-None-Match', first.headers.etag).expect(304);
      expect(cached.text ?? '').to.equal('');
    }
  });
});
