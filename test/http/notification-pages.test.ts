import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { action, unreadCount } from 'actstream';
import { PASSWORD, seedWorld, testApp, type World } from './fixtures.js';

/** The text a reader sees in each `tag` element: tags dropped, whitespace folded, entities decoded. */
const texts = (html: string, tag: string) =>
  [...html.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([^]*?)</${tag}>`, 'g'))].map((m) =>
    m[1]
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
/** The page's own content, without the site header (whose menu is a list too). */
const mainOf = (html: string) => /<main[^>]*>([^]*)<\/main>/.exec(html)?.[1] ?? '';
const unreadItems = (html: string) => [...html.matchAll(/<li class="unread"/g)].length;

async function formLogin(app: Express, email: string) {
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  await agent.post('/login').type('form').send({ email, password: PASSWORD, _csrf: csrf }).expect(303);
  return agent;
}

const formToken = (html: string) => /<form method="post" action="\/notifications\/read"[^]*?name="_csrf" value="([^"]+)"[^]*?name="upTo" value="(\d+)"/.exec(html);

describe('HTTP: notification pages and grouped stream pages', () => {
  let app: Express;
  let w: World;

  before(async () => {
    ({ app } = await testApp());
  });
  beforeEach(async () => {
    w = await seedWorld();
  });

  const tellBob = (verb: string) => action.send(w.ann, { verb, target: w.climbers, notify: [w.bob] });

  it('asks to log in, and is never cached', async () => {
    const res = await request(app).get('/notifications').expect(401);
    expect(res.text).to.include('Log in to see your notifications.');
    await request(app).post('/notifications/read').type('form').send({ upTo: '1' }).expect(401);
  });

  it('marks unread items, shows the count in the header, and "mark all read" works as a plain form', async () => {
    await tellBob('joined');
    await tellBob('cheered');
    const agent = await formLogin(app, 'bob@example.com');
    const streams = await agent.get('/streams').expect(200);
    expect(texts(streams.text, 'a')).to.include('Notifications 2 unread');

    const page = await agent.get('/notifications').expect(200);
    expect(page.headers['cache-control']).to.equal('private, no-store');
    expect(unreadItems(page.text)).to.equal(2);
    expect(texts(mainOf(page.text), 'li')[0]).to.match(/^New Ann cheered Climbers .+ ago$/);
    const form = formToken(page.text);
    expect(form, 'a mark-all-read form with the CSRF token').to.not.equal(null);

    // Arrives after the page was shown: stays unread after "mark all read".
    await tellBob('waved');
    await agent.post('/notifications/read').type('form').send({ _csrf: 'wrong', upTo: form![2] }).expect(403);
    expect((await unreadCount(w.bob)).count).to.equal(3);
    const done = await agent.post('/notifications/read').type('form').send({ _csrf: form![1], upTo: form![2] }).expect(303);
    expect(done.headers.location).to.equal('/notifications');
    const after = await agent.get('/notifications').expect(200);
    expect(unreadItems(after.text)).to.equal(1);
    expect(texts(mainOf(after.text), 'li')[0]).to.match(/^New Ann waved Climbers/);
    expect(texts(after.text, 'a')).to.include('Notifications 1 unread');
    await agent.post('/notifications/read').type('form').send({ _csrf: form![1], upTo: 'all' }).expect(400);
  });

  it('groups notifications and stream pages with ?grouped=true', async () => {
    await action.send(w.bob, { verb: 'joined', target: w.climbers, notify: [w.bob] });
    await action.send(w.ann, { verb: 'joined', target: w.climbers, notify: [w.bob] });
    const agent = await formLogin(app, 'bob@example.com');
    const page = await agent.get('/notifications?grouped=true').expect(200);
    expect(texts(mainOf(page.text), 'li')).to.have.length(1);
    expect(texts(mainOf(page.text), 'li')[0]).to.match(/^New Ann and Bob <b>&amp; joined Climbers .+ ago \(2 actions\)$/);

    const stream = await request(app).get(`/streams/Group/${w.climbers.id}?grouped=true`).expect(200);
    const items = texts(mainOf(stream.text), 'li');
    expect(items[0]).to.match(/^Ann and Bob <b>&amp; joined Climbers .+ ago \(2 actions\)$/);
    expect(items).to.have.length(3);
    expect(stream.text).to.include(`href="/streams/Group/${w.climbers.id}"`); // "Show every action"
    const model = await request(app).get('/streams/Group?grouped=true&limit=1').expect(200);
    expect(model.text).to.match(/href="\/streams\/Group\?limit=1&amp;grouped=true&amp;before=[^"]+"/);
  });
});
