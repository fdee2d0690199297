import { expect } from 'chai';
import type { Express } from 'express';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import request from 'supertest';
import { createToken } from '../../auth/tokens.js';
import { seedWorld, testApp, type World } from './fixtures.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['entry', 'item', 'link', 'author'].includes(name) });

interface AtomEntry {
  title: string | { '#text': string };
  id: string;
  link: { '@href': string }[];
  updated: string;
  author?: { name: string; uri?: string }[];
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** What a reader shows: html-typed Atom text and RSS descriptions are HTML, so decode their entities. */
function decodeHtml(html: string): string {
  return html.replace(/&(#\d+|lt|gt|amp|quot|apos);/g, (_m, name: string) =>
    name.startsWith('#') ? String.fromCharCode(Number(name.slice(1))) : ENTITIES[name],
  );
}

function text(value: unknown): string {
  if (typeof value === 'object' && value !== null && '#text' in value) {
    const typed = value as { '#text': unknown; '@type'?: string };
    return typed['@type'] === 'html' ? decodeHtml(String(typed['#text'])) : String(typed['#text']);
  }
  return String(value);
}

async function atom(app: Express, url: string) {
  const res = await request(app).get(url).expect(200).expect('Content-Type', /application\/atom\+xml/);
  expect(XMLValidator.validate(res.text), 'well-formed XML').to.equal(true);
  const doc = parser.parse(res.text);
  expect(doc.feed['@xmlns']).to.equal('http://www.w3.org/2005/Atom');
  return { feed: doc.feed, entries: (doc.feed.entry ?? []) as AtomEntry[], raw: res.text };
}

async function rss(app: Express, url: string) {
  const res = await request(app).get(url).expect(200).expect('Content-Type', /application\/rss\+xml/);
  expect(XMLValidator.validate(res.text), 'well-formed XML').to.equal(true);
  const doc = parser.parse(res.text);
  expect(doc.rss['@version']).to.equal('2.0');
  return { channel: doc.rss.channel, items: (doc.rss.channel.item ?? []) as { title: string; link: string; guid: unknown; pubDate: string; description: string }[], raw: res.text };
}

describe('HTTP: Atom and RSS feeds', () => {
  let app: Express;
  let w: World;

  before(async () => {
    ({ app } = await testApp());
  });
  beforeEach(async () => {
    w = await seedWorld();
  });

  it("serves an object's stream as Atom, each action an entry with title, link, date and author", async () => {
    const { feed, entries } = await atom(app, `/feeds/actor/Band/${w.band.id}.atom`);
    expect(text(feed.title)).to.equal('Actions by The Seeds');
    expect(entries).to.have.length(1);
    const [entry] = entries;
    expect(text(entry.title)).to.equal('The Seeds booked Spring opener on Town Hall, Ghent');
    expect(entry.id).to.match(new RegExp(`/actions/${w.sent.booked.id}$`));
    expect(entry.link[0]['@href']).to.match(new RegExp(`/actions/${w.sent.booked.id}$`));
    expect(new Date(entry.updated).toISOString()).to.equal('2026-11-01T12:04:00.000Z');
    expect(entry.author![0].name).to.equal('The Seeds');
  });

  it('serves the same stream as RSS 2.0', async () => {
    const { channel, items } = await rss(app, `/feeds/any/User/${w.ann.id}.rss`);
    expect(text(channel.title)).to.equal('Activity of Ann');
    expect(items.map((i) => text(i.title))).to.deep.equal([`Ann posted Comment ${w.comment.id} on Climbers`, 'Ann joined Climbers', 'Ann reached level 10']);
    expect(new Date(items[0].pubDate).toISOString()).to.equal('2026-11-01T12:03:00.000Z');
    expect(items[0].link).to.match(new RegExp(`/actions/${w.sent.commented.id}$`));
  });

  it('is right with every combination of action object and target, and with deleted objects', async () => {
    await w.concert.destroy(); // the band's booking and Bob's like lose their action object
    const { entries } = await atom(app, '/feeds/model/User.atom');
    expect(entries.map((e) => text(e.title))).to.deep.equal([
      `Bob <b>&amp; liked Concert ${w.concert.id}`, // action object only, deleted
      `Ann posted Comment ${w.comment.id} on Climbers`, // both
      'Ann joined Climbers', // target only
      'Ann reached level 10', // neither
    ]);
    const { items } = await rss(app, `/feeds/target/Location/${w.hall.id}.rss`);
    expect(items.map((i) => text(i.title))).to.deep.equal([`The Seeds booked Concert ${w.concert.id} on Town Hall, Ghent`]);
    expect(decodeHtml(text(items[0].description))).to.equal('Tickets soon');
  });

  it('escapes markup in labels: readers show the text, never render it as HTML', async () => {
    const { raw, entries } = await atom(app, `/feeds/actor/User/${w.bob.id}.atom`);
    expect(raw).not.to.include('<b>');
    expect(text(entries[0].title)).to.equal('Bob <b>&amp; liked Spring opener');
    const { raw: rssRaw, items } = await rss(app, `/feeds/actor/User/${w.bob.id}.rss`);
    expect(text(items[0].title)).to.equal('Bob <b>&amp; liked Spring opener');
    expect(decodeHtml(text(items[0].description))).to.equal('Bob <b>&amp; liked Spring opener');
    expect(rssRaw).to.include('<rss');
    expect(text(items[0].description)).not.to.include('<b>');
  });

  it('leaves private actions out of every public feed', async () => {
    for (const url of [
      `/feeds/any/User/${w.ann.id}.atom`,
      `/feeds/actor/User/${w.ann.id}.rss`,
      `/feeds/target/Group/${w.climbers.id}.atom`,
      '/feeds/model/User.rss',
      '/feeds/model/Band.atom',
    ]) {
      const res = await request(app).get(url).expect(200);
      expect(res.text, url).not.to.include('secretly').and.not.to.include('PRIVATE-MARKER').and.not.to.include('privately');
    }
  });

  it("serves a user's own feed by feed token, and 404 once revoked or for an api token", async () => {
    const { token, record } = await createToken(w.bob, 'reader', 'feed');
    const { entries } = await atom(app, `/feeds/user/${token}.atom`);
    expect(entries.map((e) => text(e.title))).to.deep.equal([`Ann posted Comment ${w.comment.id} on Climbers`, 'Ann joined Climbers', 'Ann reached level 10']);
    const own = await rss(app, `/feeds/user/${token}.rss?withUserActivity=true`);
    expect(own.items.map((i) => text(i.title))).to.include('Bob <b>&amp; privately liked The Seeds');
    const api = await createToken(w.bob, 'api', 'api');
    await request(app).get(`/feeds/user/${api.token}.atom`).expect(404);
    await record.destroy();
    await request(app).get(`/feeds/user/${token}.atom`).expect(404);
  });

  it('pages with limit and before like the API', async () => {
    const first = await atom(app, '/feeds/model/User.atom?limit=1');
    expect(first.entries).to.have.length(1);
    await request(app).get('/feeds/model/User.atom?limit=0').expect(400).expect('Content-Type', /text\/plain/);
  });

  it('answers bad feed URLs with a plain 4xx', async () => {
    for (const [url, status] of [
      ['/feeds/any/Nope/1.atom', 404],
      ['/feeds/any/User/abc.rss', 404],
      ['/feeds/any/User/999.rss', 404],
      ['/feeds/sideways/User/1.rss', 404],
      ['/feeds/any/User/1.json', 404],
      ['/feeds/model/User.xml', 404],
      ['/feeds/model/User.atom?before=zzz', 400],
      ['/feeds/whatever', 404],
    ] as const) {
      const res = await request(app).get(url);
      expect(res.status, url).to.equal(status);
      expect(res.type, url).to.equal('text/plain');
    }
  });
});
