import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Action, Follow, unreadCount } from 'actstream';
import { User } from '../../models/index.js';
import { createApp } from '../../server/app.js';
import { clearRateLimits, database } from '../helpers/database.js';
import { PASSWORD, seedWorld, testApp, type World } from './fixtures.js';

// A logged-in person on the pages: follow and unfollow forms on object pages (CSRF token, no
// JavaScript), followers counts, "Your feed", their own followers and following; and the look's
// stylesheets from our own origin.

/** The text a reader sees in each `tag` element: tags dropped, whitespace folded, entities decoded. */
const texts = (html: string, tag: string) =>
  [...html.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([^]*?)</${tag}>`, 'g'))].map((m) =>
    m[1]
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  );
const followForm = (html: string) => /<form method="post" action="([^"]+\/(?:follow|unfollow))">\s*<input type="hidden" name="_csrf" value="([^"]+)">/.exec(html);
const followersCount = (html: string) => texts(html, 'a').find((t) => /^\d+ followers?$/.test(t));

async function formLogin(app: Express, email: string) {
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  await agent.post('/login').type('form').send({ email, password: PASSWORD, _csrf: csrf }).expect(303);
  return agent;
}

async function makeCleo(): Promise<User> {
  const cleo = User.build({ email: 'cleo@example.com', name: 'Cleo Dupont' });
  await cleo.setPassword(PASSWORD);
  return cleo.save();
}

/** What a write may have touched: the follows and the actions, to compare before and after. */
async function snapshot() {
  const follows = await Follow.findAll({ order: [['id', 'ASC']], raw: true });
  const actions = await Action.count();
  return { follows, actions };
}

describe('HTTP: following from the pages', () => {
  let app: Express;
  let w: World;
  let cleo: User;

  before(async () => {
    ({ app } = await testApp());
  });
  beforeEach(async () => {
    w = await seedWorld();
    cleo = await makeCleo();
  });

  it('shows an object page its followers count and, to the public, a link to log in instead of a button', async () => {
    const res = await request(app).get(`/streams/Group/${w.climbers.id}`).expect(200);
    expect(followersCount(res.text)).to.equal('1 follower');
    expect(followForm(res.text)).to.equal(null);
    expect(texts(res.text, 'a')).to.include('Log in to follow');
    expect(res.headers['cache-control'] ?? '').not.to.include('private');
    const ann = await request(app).get(`/streams/User/${w.ann.id}`).expect(200);
    expect(followersCount(ann.text)).to.equal('1 follower');
    const band = await request(app).get(`/streams/Band/${w.band.id}`).expect(200);
    expect(followersCount(band.text)).to.equal('0 followers');
  });

  it('follows a group with a plain form: the follow and its "started following" together, then the page says so', async () => {
    const agent = await formLogin(app, 'cleo@example.com');
    const page = await agent.get(`/streams/Group/${w.climbers.id}`).expect(200);
    expect(page.headers['cache-control']).to.equal('private, no-store');
    const form = followForm(page.text)!;
    expect(form[1]).to.equal(`/streams/Group/${w.climbers.id}/follow`);
    expect(texts(page.text, 'button')).to.include('Follow');

    const res = await agent.post(form[1]).type('form').send({ _csrf: form[2] }).expect(303);
    expect(res.headers.location).to.equal(`/streams/Group/${w.climbers.id}`);
    const follows = await Follow.findAll({ where: { userId: String(cleo.id) }, raw: true });
    expect(follows.map((f) => [f.contentType, f.objectId, f.flag, Boolean(f.actorOnly)])).to.deep.equal([['Group', String(w.climbers.id), '', false]]);
    const recorded = await Action.findAll({ where: { actorType: 'User', actorId: String(cleo.id) } });
    expect(recorded.map((a) => [a.verb, a.targetType, a.targetId, a.public])).to.deep.equal([['started following', 'Group', String(w.climbers.id), true]]);

    const after = await agent.get(`/streams/Group/${w.climbers.id}`).expect(200);
    expect(followersCount(after.text)).to.equal('2 followers');
    expect(texts(after.text, 'span')).to.include('✓ You follow Climbers');
    expect(followForm(after.text)![1]).to.equal(`/streams/Group/${w.climbers.id}/unfollow`);

    // Following again changes nothing and records nothing.
    const before = await snapshot();
    await agent.post(`/streams/Group/${w.climbers.id}/follow`).type('form').send({ _csrf: form[2] }).expect(303);
    expect(await snapshot()).to.deep.equal(before);
  });

  it('follows a person for what they do, and tells them, as the API does', async () => {
    const agent = await formLogin(app, 'cleo@example.com');
    const page = await agent.get(`/streams/User/${w.ann.id}`).expect(200);
    const form = followForm(page.text)!;
    await agent.post(form[1]).type('form').send({ _csrf: form[2] }).expect(303);
    const follow = await Follow.findOne({ where: { userId: String(cleo.id), contentType: 'User' }, raw: true });
    expect(Boolean(follow?.actorOnly)).to.equal(true);
    expect(await unreadCount(w.ann)).to.deep.equal({ count: 1, capped: false });
  });

  it('unfollows with a plain form: the follow goes, nothing is recorded (as DELETE /api/follows)', async () => {
    const agent = await formLogin(app, 'bob@example.com');
    const page = await agent.get(`/streams/Group/${w.climbers.id}`).expect(200);
    expect(texts(page.text, 'span')).to.include('✓ You follow Climbers');
    const form = followForm(page.text)!;
    expect(form[1]).to.equal(`/streams/Group/${w.climbers.id}/unfollow`);
    const actions = await Action.count();
    const res = await agent.post(form[1]).type('form').send({ _csrf: form[2] }).expect(303);
    expect(res.headers.location).to.equal(`/streams/Group/${w.climbers.id}`);
    expect(await Follow.count({ where: { userId: String(w.bob.id), contentType: 'Group' } })).to.equal(0);
    expect(await Action.count()).to.equal(actions);
    const after = await agent.get(`/streams/Group/${w.climbers.id}`).expect(200);
    expect(followersCount(after.text)).to.equal('0 followers');
    expect(texts(after.text, 'button')).to.include('Follow');
  });

  it('refuses bad follow posts with a clear HTML 4xx and writes nothing', async () => {
    const agent = await formLogin(app, 'cleo@example.com');
    const page = await agent.get(`/streams/Group/${w.climbers.id}`).expect(200);
    const csrf = followForm(page.text)![2];
    const before = await snapshot();
    const cases: [string, request.Test, number, string][] = [
      ['anonymous', request(app).post(`/streams/Group/${w.climbers.id}/follow`).type('form').send({ _csrf: csrf }), 401, 'Log in to follow.'],
      ['no token', agent.post(`/streams/Group/${w.climbers.id}/follow`).type('form').send({}), 403, 'The form expired'],
      ['wrong token', agent.post(`/streams/Group/${w.climbers.id}/follow`).type('form').send({ _csrf: `${csrf}x` }), 403, 'The form expired'],
      ['unknown type', agent.post('/streams/Nope/1/follow').type('form').send({ _csrf: csrf }), 404, 'Unknown type &quot;Nope&quot;'],
      ['missing object', agent.post('/streams/Group/424242/follow').type('form').send({ _csrf: csrf }), 404, 'Group 424242 not found'],
      ['yourself', agent.post(`/streams/User/${cleo.id}/follow`).type('form').send({ _csrf: csrf }), 400, 'You cannot follow yourself.'],
      ['a body too large', agent.post(`/streams/Group/${w.climbers.id}/follow`).type('form').send({ _csrf: csrf, pad: 'x'.repeat(20_000) }), 413, 'too large'],
      ['unfollow, no token', agent.post(`/streams/User/${w.ann.id}/unfollow`).type('form').send({}), 403, 'The form expired'],
    ];
    for (const [name, call, status, says] of cases) {
      const res = await call;
      expect(res.status, name).to.equal(status);
      expect(res.type, name).to.equal('text/html');
      expect(res.text, name).to.include(`<h1>Error ${status}</h1>`).and.include(says);
    }
    expect(await snapshot()).to.deep.equal(before);
    // The 401 page offers the way in.
    const anonymous = await request(app).post(`/streams/Group/${w.climbers.id}/follow`).type('form').send({});
    expect(texts(anonymous.text, 'a')).to.include('Log in');
  });

  it('counts follows as writes: past the limit a 429 page, and nothing written', async () => {
    const sequelize = await database();
    const limited = await createApp({ sequelize, config: { sessionSecret: 'test-secret-for-http-tests', production: false, writeLimit: { limit: 1, windowMs: 60_000 } } });
    await clearRateLimits();
    const agent = await formLogin(limited, 'cleo@example.com');
    const csrf = followForm((await agent.get(`/streams/Group/${w.climbers.id}`).expect(200)).text)![2];
    await agent.post(`/streams/Group/${w.climbers.id}/follow`).type('form').send({ _csrf: csrf }).expect(303);
    const before = await snapshot();
    const res = await agent.post(`/streams/Band/${w.band.id}/follow`).type('form').send({ _csrf: csrf }).expect(429);
    expect(res.type).to.equal('text/html');
    expect(res.text).to.include('<h1>Error 429</h1>').and.include('Too many writes');
    expect(res.headers['retry-after']).to.match(/^\d+$/);
    expect(await snapshot()).to.deep.equal(before);
    await clearRateLimits();
  });

  describe('Your feed', () => {
    it('asks to log in', async () => {
      const res = await request(app).get('/feed').expect(401);
      expect(res.text).to.include('Log in to see your feed.');
      expect(texts(res.text, 'a')).to.include('Log in');
    });

    it("shows what the objects you follow do, as your own view, never cached; private actions stay out", async () => {
      const agent = await formLogin(app, 'cleo@example.com');
      const empty = await agent.get('/feed').expect(200);
      expect(empty.headers['cache-control']).to.equal('private, no-store');
      expect(texts(empty.text, 'p')).to.include('Nothing here yet. Follow people and groups on their pages, and what they do shows up here.');

      const bob = await formLogin(app, 'bob@example.com');
      const feed = await bob.get('/feed').expect(200);
      // Each sentence up to its time; Bob follows Ann (what she does) and Climbers (everything about it),
      // and his own activity is there too, his private action included (his own view).
      const items = [...feed.text.matchAll(/<div class="entry">([^]*?)<a class="when"/g)].map((m) => texts(`<p>${m[1]}</p>`, 'p')[0]);
      expect(items).to.deep.equal([
        'Bob <b>&amp; privately liked The Seeds',
        'Bob <b>&amp; liked Spring opener',
        `Ann posted Comment ${w.comment.id} on Climbers`,
        'Ann joined Climbers',
        'Ann reached level 10',
      ]);
      // Ann's private action is hers alone.
      expect(feed.text).not.to.include('secretly joined');
      const grouped = await bob.get('/feed?grouped=true').expect(200);
      expect(texts(grouped.text, 'a')).to.include('Show every action');
    });

    it('answers a bad cursor with a 400 page', async () => {
      const agent = await formLogin(app, 'cleo@example.com');
      const res = await agent.get('/feed?before=zzz').expect(400);
      expect(res.text).to.include('<h1>Error 400</h1>').and.include('Malformed cursor');
    });
  });

  it('links your feed, your followers and whom you follow from the header, headed as yours', async () => {
    const agent = await formLogin(app, 'bob@example.com');
    const page = await agent.get('/streams').expect(200);
    const links = [...page.text.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[2], m[1]]);
    expect(links).to.deep.include.members([
      ['Your feed', '/feed'],
      ['Your followers', `/followers/User/${w.bob.id}`],
      ['You follow', `/following/${w.bob.id}`],
      ['Your page', `/streams/User/${w.bob.id}`],
    ]);
    expect(texts((await agent.get(`/following/${w.bob.id}`).expect(200)).text, 'h1')).to.deep.equal(['You follow']);
    expect(texts((await agent.get(`/followers/User/${w.bob.id}`).expect(200)).text, 'h1')).to.deep.equal(['Your followers']);
    // Someone else's lists keep their names.
    expect(texts((await agent.get(`/following/${w.ann.id}`).expect(200)).text, 'h1')).to.deep.equal(['Ann follows']);
    const own = await agent.get(`/streams/User/${w.bob.id}`).expect(200);
    expect(followForm(own.text)).to.equal(null);
    expect(texts(own.text, 'span')).to.include('This is you');
  });

  describe('the look', () => {
    it('shows times relative, with the absolute time as tooltip, and people as initials', async () => {
      const res = await request(app).get(`/streams/Group/${w.climbers.id}`).expect(200);
      const iso = w.sent.joined.timestamp.toISOString();
      expect(res.text).to.include(`<time datetime="${iso}" title="1 Nov 2026, 12:02 UTC">`);
      expect(res.text).to.match(/<span class="avatar" style="--hue: \d+" data-initials="A" aria-hidden="true"><\/span>/);
      expect(res.text).to.match(/<span class="avatar thing large" style="--hue: \d+" data-initials="C" aria-hidden="true"><\/span>/);
    });

    it('serves its stylesheets (Pico and its own) from this origin, and links nothing from elsewhere', async () => {
      const page = await request(app).get('/streams').expect(200);
      const sheets = [...page.text.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1]);
      expect(sheets).to.deep.equal(['/assets/pico.min.css', '/assets/site.css']);
      expect(page.text).not.to.match(/(src|href)="(https?:)?\/\//);
      const pico = await request(app).get(sheets[0]).expect(200).expect('Content-Type', /text\/css/);
      expect(pico.text).to.include('Pico CSS').and.include('prefers-color-scheme:dark');
      expect(pico.headers['cache-control']).to.equal('public, max-age=3600');
      const site = await request(app).get(sheets[1]).expect(200).expect('Content-Type', /text\/css/);
      expect(site.text).to.include('.avatar::before');
      await request(app).get('/assets/nope.css').expect(404);
      const outside = await request(app).get('/assets/%2e%2e/package.json');
      expect(outside.status).to.be.oneOf([403, 404]);
      expect(outside.text).not.to.include('"dependencies"');
    });
  });
});
