import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { PASSWORD, seedWorld, testApp, type World } from './fixtures.js';

/** The hrefs of the <a> elements in `html`. */
const hrefs = (html: string) => [...html.matchAll(/<a [^>]*href="([^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
const alternates = (html: string) =>
  [...html.matchAll(/<link rel="alternate" type="([^"]+)"[^>]*href="([^"]+)"/g)].map((m) => ({ type: m[1], href: m[2] }));
/** The page's own content, without the site header (whose menu is a list too). */
const mainOf = (html: string) => /<main[^>]*>([^]*)<\/main>/.exec(html)?.[1] ?? '';
/** The text a reader sees in each <li> of the page's content: tags dropped, entities decoded. */
const listItems = (html: string) =>
  [...mainOf(html).matchAll(/<li(?: data-action-id="\d+")?>([^]*?)<\/li>/g)].map((m) =>
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

/** Logs a browser-like agent in through the HTML form (hidden CSRF field). */
async function formLogin(app: Express, email: string) {
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  const res = await agent.post('/login?next=https://evil.example/').type('form').send({ email, password: PASSWORD, _csrf: csrf }).expect(303);
  expect(res.headers.location).to.equal('/streams');
  return agent;
}

describe('HTTP: public pages', () => {
  let app: Express;
  let w: World;

  before(async () => {
    ({ app } = await testApp());
  });
  beforeEach(async () => {
    w = await seedWorld();
  });

  it("shows an object's stream as sentences linking to each object's own page, without JavaScript", async () => {
    const res = await request(app).get(`/streams/Group/${w.climbers.id}`).expect(200).expect('Content-Type', /text\/html/);
    expect(res.text).to.include('<h1>Climbers</h1>');
    // One same-origin script only (it makes the list live); the stream itself is all in the HTML.
    expect([...res.text.matchAll(/<script[^>]*>/gi)].map((m) => m[0])).to.deep.equal(['<script src="/live.js" defer>']);
    expect(listItems(res.text)).to.have.length(2);
    expect(listItems(res.text)[0]).to.match(new RegExp(`^Ann posted Comment ${w.comment.id} on Climbers .+ ago$`));
    const links = hrefs(res.text);
    for (const path of [`/streams/User/${w.ann.id}`, `/streams/Comment/${w.comment.id}`, `/streams/Group/${w.climbers.id}`, `/actions/${w.sent.commented.id}`]) {
      expect(links).to.include(path);
    }
    // Every object link leads to a page that works: the object's (or action's) own page, not an error page.
    for (const link of links.filter((l) => l.startsWith('/streams/') || l.startsWith('/actions/'))) {
      const page = await request(app).get(link).expect(200);
      expect(page.text, link).to.match(/<h1>(?!Error)[^<]+<\/h1>/);
      expect(page.text, link).to.match(/<ol class="stream">|<time datetime=/);
    }
  });

  it('links the Atom and RSS feeds (and the AS2 stream) with <link rel="alternate">, and they answer', async () => {
    const res = await request(app).get(`/streams/User/${w.ann.id}`).expect(200);
    const alts = alternates(res.text);
    expect(alts.map((a) => a.type)).to.deep.equal(['application/atom+xml', 'application/rss+xml', 'application/activity+json']);
    const atom = await request(app).get(alts[0].href).expect(200).expect('Content-Type', /atom/);
    expect(atom.text).to.match(/<feed [^>]*xmlns="http:\/\/www\.w3\.org\/2005\/Atom"/).and.include('reached level 10');
    const rss = await request(app).get(alts[1].href).expect(200).expect('Content-Type', /rss/);
    expect(rss.text).to.match(/<rss [^>]*version="2\.0"/).and.include('reached level 10');
    const as2 = await request(app).get(alts[2].href).set('Accept', 'application/activity+json').expect(200).expect('Content-Type', /activity\+json/);
    expect(JSON.parse(as2.text)).to.deep.include({ type: 'OrderedCollectionPage' });
    const model = await request(app).get('/streams/Band').expect(200);
    expect(alternates(model.text).map((a) => a.href)).to.include('/feeds/model/Band.atom');
  });

  it('pages by cursor through "Older activity" links', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/streams/User?limit=1';
    let pages = 0;
    while (path) {
      const res: request.Response = await request(app).get(path).expect(200);
      seen.push(...listItems(res.text));
      path = hrefs(res.text).find((h) => h.includes('before='));
      pages += 1;
    }
    expect(pages).to.equal(4);
    expect(seen.map((s) => s.split(' ').slice(0, 2).join(' '))).to.deep.equal(['Bob <b>&amp;', 'Ann posted', 'Ann joined', 'Ann reached']);
  });

  it('escapes labels (a name with markup shows as text)', async () => {
    const res = await request(app).get(`/streams/User/${w.bob.id}`).expect(200);
    expect(res.text).to.include('Bob &lt;b&gt;&amp;amp;');
    expect(res.text).not.to.include('Bob <b>');
  });

  it('shows deleted objects as labels without a link', async () => {
    await w.concert.destroy();
    const res = await request(app).get(`/streams/User/${w.bob.id}`).expect(200);
    expect(res.text).to.include(`<span class="deleted" title="deleted">Concert ${w.concert.id}</span>`);
    expect(hrefs(res.text)).not.to.include(`/streams/Concert/${w.concert.id}`);
  });

  it('shows an action on its own page; a private one is 404', async () => {
    const res = await request(app).get(`/actions/${w.sent.booked.id}`).expect(200);
    expect(res.text).to.include('Tickets soon');
    expect(hrefs(res.text)).to.include(`/streams/Location/${w.hall.id}`);
    const hidden = await request(app).get(`/actions/${w.sent.secret.id}`).expect(404);
    expect(hidden.text).not.to.include('PRIVATE-MARKER');
  });

  it('answers bad page URLs with an HTML 4xx, never a 500', async () => {
    for (const [url, status, says] of [
      ['/streams/Nope', 404, 'Unknown type &quot;Nope&quot;'],
      ['/streams/Nope/1', 404, 'Unknown type &quot;Nope&quot;'],
      ['/streams/User/abc', 404, 'User abc not found'],
      ['/streams/User/424242', 404, 'User 424242 not found'],
      ['/streams/User?before=zzz', 400, 'Malformed cursor'],
      ['/streams/User?limit=0', 400, 'Invalid limit'],
      ['/actions/abc', 404, 'This action not found'],
      ['/actions/424242', 404, 'This action not found'],
      ['/streams/User/1/extra', 404, 'This page not found'],
    ] as const) {
      const res = await request(app).get(url);
      expect(res.status, url).to.equal(status);
      expect(res.type, url).to.equal('text/html');
      expect(res.text, url).to.include(`<h1>Error ${status}</h1>`).and.include(says);
    }
  });

  describe('followers and following', () => {
    it('are public, like the "started following" actions, and linked from every object page', async () => {
      const followers = await request(app).get(`/followers/User/${w.ann.id}`).expect(200);
      expect(listItems(followers.text)).to.deep.equal(['Bob <b>&amp;']);
      const following = await request(app).get(`/following/${w.bob.id}`).expect(200);
      expect(listItems(following.text)).to.deep.equal(['Ann', 'Climbers']);
      const page = await request(app).get(`/streams/User/${w.ann.id}`).expect(200);
      expect(hrefs(page.text)).to.include(`/followers/User/${w.ann.id}`).and.include(`/following/${w.ann.id}`);
      const group = await request(app).get(`/streams/Group/${w.climbers.id}`).expect(200);
      expect(hrefs(group.text)).to.include(`/followers/Group/${w.climbers.id}`).and.not.include(`/following/${w.climbers.id}`);
    });

    it('list 50 at a time with a "More" link to the next page, keeping the flag', async () => {
      const { Follow, follow } = await import('actstream');
      const { User } = await import('../../models/index.js');
      const fans = await User.bulkCreate(Array.from({ length: 55 }, (_, i) => ({ name: `Fan ${String(i).padStart(2, '0')}`, email: `fan${i}@example.test` })));
      const t0 = Date.UTC(2026, 0, 1);
      await Follow.bulkCreate(
        fans.map((fan, i) => ({ userId: String(fan.id), contentType: 'User', objectId: String(w.ann.id), flag: 'liking', actorOnly: true, started: new Date(t0 + i) })),
      );
      await follow(w.bob, w.ann, { flag: 'liking', sendAction: false });
      const first = await request(app).get(`/followers/User/${w.ann.id}?flag=liking`).expect(200);
      expect(listItems(first.text)).to.deep.equal(fans.slice(0, 50).map((f) => f.name));
      const more = hrefs(first.text).find((h) => h.includes('after='));
      expect(more).to.match(new RegExp(`^/followers/User/${w.ann.id}\\?flag=liking&after=[A-Za-z0-9_-]+$`));
      const second = await request(app).get(more!).expect(200);
      expect(listItems(second.text)).to.deep.equal([...fans.slice(50).map((f) => f.name), 'Bob <b>&amp;']);
      expect(hrefs(second.text).filter((h) => h.includes('after='))).to.deep.equal([]);
      const bad = await request(app).get(`/followers/User/${w.ann.id}?after=nope`).expect(400);
      expect(bad.text).to.include('<h1>Error 400</h1>').and.include('Malformed cursor');
    });

    it('list people and objects for a user logged in through the form', async () => {
      const agent = await formLogin(app, 'ann@example.com');
      const followers = await agent.get(`/followers/User/${w.ann.id}`).expect(200);
      expect(listItems(followers.text)).to.deep.equal(['Bob <b>&amp;']);
      expect(hrefs(followers.text)).to.include(`/streams/User/${w.bob.id}`);
      const following = await agent.get(`/following/${w.bob.id}`).expect(200);
      expect(listItems(following.text)).to.deep.equal(['Ann', 'Climbers']);
      const page = await agent.get(`/streams/User/${w.ann.id}`).expect(200);
      expect(hrefs(page.text)).to.include(`/followers/User/${w.ann.id}`).and.include(`/following/${w.ann.id}`);
    });

    it('refuses a login form without its CSRF token, and a wrong password', async () => {
      const agent = request.agent(app);
      await agent.get('/login').expect(200);
      const expired = await agent.post('/login').type('form').send({ email: 'ann@example.com', password: PASSWORD }).expect(403);
      expect(expired.text).to.include('The form expired; please try again.');
      const page = await agent.get('/login').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
      const wrong = await agent.post('/login').type('form').send({ email: 'ann@example.com', password: 'nope', _csrf: csrf }).expect(401);
      expect(wrong.text).to.include('Wrong email or password');
      expect((await agent.get('/streams').expect(200)).text).to.not.include('Logged in as');
    });

    it('logs out only with the CSRF token', async () => {
      const agent = await formLogin(app, 'ann@example.com');
      await agent.post('/logout').type('form').send({}).expect(303);
      const page = await agent.get('/streams').expect(200);
      expect(page.text).to.include('Logged in as');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
      const out = await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);
      expect(out.headers.location).to.equal('/streams');
      expect((await agent.get('/streams').expect(200)).text).to.not.include('Logged in as');
    });
  });
});
