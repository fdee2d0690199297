import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Action } from 'actstream';
import { Group } from '../../models/index.js';
import { loggedIn as adminLoggedIn, makeUser } from '../admin/helpers.js';
import { bearerFor, seedWorld, testApp, type World } from '../http/fixtures.js';
import { rowCounts } from './helpers.js';

// SQL metacharacters in every filter, cursor, type and id: a 4xx or an empty/ exact answer, never a
// 5xx, never a changed table.
const SQL = [
  "'",
  "' OR '1'='1",
  "' OR 1=1 --",
  '"; DROP TABLE actstream_actions; --',
  "'); DELETE FROM users; --",
  '1; DELETE FROM actstream_follows',
  '1 UNION SELECT "passwordHash" FROM users',
  '%',
  '_',
  '\\',
  '\\x27',
  '$1',
  ':verb',
  '?',
  '*/ /*',
  '`',
  'ä%\u0000',
];

const API_ERROR_CODES = ['invalid_request', 'invalid_cursor', 'not_found', 'unknown_type', 'malformed_json'];

/** A 4xx from the API: the error JSON, with a known code and a message. */
function expectApiError(res: request.Response, shown: string): void {
  expect(res.body?.error?.code, shown).to.be.oneOf(API_ERROR_CODES);
  expect(res.body.error.message, shown).to.be.a('string').and.not.equal('');
  expect(res.text, shown).not.to.match(/\n\s+at |node_modules|Sequelize/);
}

/** What a GET answered says what it is: a page of actions, the error JSON, an error page or a feed's message. */
function expectAnswer(url: string, res: request.Response, shown: string): void {
  if (url.startsWith('/api/')) {
    if (res.status !== 200) return expectApiError(res, shown);
    expect(Object.keys(res.body), shown).to.satisfy((keys: string[]) => ['actions', 'followers', 'following', 'id'].some((k) => keys.includes(k)));
    return;
  }
  expect(res.text, shown).not.to.match(/\n\s+at |node_modules|Sequelize/);
  if (url.startsWith('/feeds/')) {
    if (res.status === 200) expect(res.text, shown).to.match(/^<\?xml/);
    else expect(res.text, shown).to.match(/not found|invalid|malformed|unknown|NUL character/i);
    return;
  }
  // The HTML pages: the page asked for, or an error page in the site's layout (a URL with a NUL is
  // refused before any page is chosen, in plain text).
  if (res.status === 200) expect(res.text, shown).to.match(/<h1>[^<]+<\/h1>/);
  else expect(res.text, shown).to.match(new RegExp(`<h1>Error ${res.status}</h1>|^The URL contains a NUL character`));
}

describe('reliability: SQL metacharacters are harmless', function () {
  this.timeout(120_000);
  let app: Express;
  let w: World;
  let bearer: string;

  before(async () => {
    ({ app } = await testApp());
    w = await seedWorld();
    bearer = await bearerFor(w.bob);
  });

  it('in stream filters, cursors, types and ids of the API, pages and feeds', async () => {
    const before = await rowCounts();
    for (const raw of SQL) {
      const v = encodeURIComponent(raw);
      const urls = [
        `/api/streams/any/Group/${w.climbers.id}?verb=${v}`,
        `/api/streams/any/Group/${w.climbers.id}?before=${v}`,
        `/api/streams/any/Group/${w.climbers.id}?since=${v}`,
        `/api/streams/any/Group/${w.climbers.id}?limit=${v}`,
        `/api/streams/model/User?verb=${v}&until=${v}`,
        `/api/streams/any/${v}/1`,
        `/api/streams/actor/User/${v}`,
        `/api/streams/target/Group/${v}`,
        `/api/streams/model/${v}`,
        `/api/streams/user?followFlag=${v}&verb=${v}`,
        `/api/actions/${v}`,
        `/api/followers/Group/${v}?flag=${v}`,
        `/api/followers/${v}/1`,
        `/api/following/${v}?flag=${v}`,
        `/streams/Group/${v}`,
        `/streams/${v}/1`,
        `/streams/${v}`,
        `/streams/Group/${w.climbers.id}?before=${v}`,
        `/actions/${v}`,
        `/feeds/any/Group/${v}.atom`,
        `/feeds/model/${v}.rss`,
        `/feeds/user/${v}.atom`,
      ];
      for (const url of urls) {
        const res = await request(app).get(url).set('Authorization', bearer);
        const shown = `${url}: ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.status, shown).to.be.oneOf([200, 400, 404]);
        expectAnswer(url, res, shown);
        if (url.includes('verb=') && res.status === 200 && res.body.actions) {
          // An exact filter: a wildcard or quote matches no verb of the world.
          expect(res.body.actions, url).to.deep.equal([]);
        }
      }
      for (const body of [
        { type: raw, id: 1 },
        { type: 'Group', id: raw },
        { type: 'Group', id: w.climbers.id, flag: raw },
      ]) {
        const res = await request(app).post('/api/follows').set('Authorization', bearer).send(body);
        const shown = `follow ${JSON.stringify(body)}: ${res.status} ${res.text}`;
        expect(res.status, shown).to.be.oneOf([200, 201, 400, 404]);
        if (res.status < 300) {
          // Only the flag may be odd, and it is kept exactly.
          expect(res.body, shown).to.deep.include({ flag: raw, created: true });
          expect(res.body.object, shown).to.deep.include({ type: 'Group', id: String(w.climbers.id) });
        } else {
          expectApiError(res, shown);
        }
        await request(app).delete('/api/follows').set('Authorization', bearer).send(body);
      }
      for (const ref of [{ type: raw, id: '1' }, { type: 'Group', id: raw }]) {
        const res = await request(app).post('/api/actions').set('Authorization', bearer).send({ verb: 'probed', target: ref });
        const shown = `action target ${JSON.stringify(ref)}: ${res.status} ${res.text}`;
        expect(res.status, shown).to.be.oneOf([400, 404]);
        expectApiError(res, shown);
      }
    }
    // Follows with metacharacter flags were made and removed again; nothing else changed.
    const after = await rowCounts();
    expect(after.slice(2), 'users, groups, bands, tokens').to.deep.equal(before.slice(2));
    expect(await Action.count({ where: { verb: 'probed' } })).to.equal(0);
  });

  it('are stored and found back exactly as sent', async () => {
    for (const raw of SQL.filter((s) => !s.includes('\u0000'))) {
      const verb = `said ${raw}`;
      const sent = await request(app).post('/api/actions').set('Authorization', bearer).send({ verb, description: raw, data: { raw } }).expect(201);
      const found = await request(app).get(`/api/streams/actor/User/${w.bob.id}`).query({ verb }).expect(200);
      expect(found.body.actions.map((a: { id: number }) => a.id), verb).to.deep.equal([sent.body.id]);
      expect(found.body.actions[0]).to.deep.include({ verb, description: raw, data: { raw } });
    }
  });

  it('in admin form values: a clear answer, never a 500 or a stack trace, nothing half-saved', async () => {
    await makeUser('staff@example.com', true);
    const admin = await adminLoggedIn(app, 'staff@example.com');
    const groups = await Group.count();
    const savedNames: string[] = [];
    for (const name of [...SQL, 'x'.repeat(400)]) {
      const res = await admin.post('/admin/api/resources/groups/actions/new').type('form').send({ name });
      const shown = `${JSON.stringify(name).slice(0, 40)}: ${res.status} ${res.text.slice(0, 200)}`;
      expect(res.status, shown).to.be.below(500);
      expect(res.text, shown).not.to.match(/\n\s+at |node_modules|SequelizeDatabaseError/);
      const saved = res.status === 200 && res.body.notice?.type === 'success';
      // A NUL would be stored changed ("\0" on PostgreSQL): refused everywhere.
      if (name.includes('\u0000')) expect(saved, shown).to.equal(false);
      if (!saved) {
        // Refused with a reason the admin can read: a notice, and the field's error for a NUL or a name too long.
        expect(res.body.notice?.type, shown).to.equal('error');
        expect(Object.keys(res.body.record?.errors ?? {}), shown).to.deep.equal(['name']);
      }
      if (saved) {
        savedNames.push(name);
        const group = await Group.findByPk(res.body.record.params.id);
        // Stored exactly as sent (or, where a database truncates nothing silently, refused above).
        expect(group?.name, shown).to.equal(name);
      }
    }
    // Exactly the names answered as saved were stored: nothing half-saved, nothing lost.
    expect(await Group.count()).to.equal(groups + savedNames.length);
    expect(savedNames.length, 'most names are stored as sent').to.be.greaterThan(SQL.length / 2);
  });
});
