import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Action, registry } from 'actstream';
import { trackAppModels } from '../../models/index.js';
import { testApp } from '../http/fixtures.js';
import { Crawler, type Fetched } from './crawler.js';
import { MARKER, Markers, type Format } from './markers.js';
import { buildWorld, refOf, type PrivacyWorld } from './world.js';

// The privacy test: random markers in every field of every model and in every action (written through
// the admin, the API, app code and tracked saves), then a crawl of every public URL, anonymously and
// as another user, in every format, by id and in every stream kind, every page of each. It fails on
// any private value, private action or private key it finds outside the viewer's own views, and on
// any public marker it does not find (so it cannot pass by seeing nothing).

const LIMIT = 4; // small pages, so that every stream has several
const KINDS = ['actor', 'target', 'action-object', 'any'];
// Names of private or never-recorded fields: in no public body, as a key or as text.
const PRIVATE_FIELD_NAMES = ['passwordHash', 'isStaff'];
const PRIVATE_JSON_KEYS = new Set(['private', 'email', 'isStaff', 'passwordHash']);

interface ActionFacts {
  public: boolean;
  /** Users the action is about (actor, action object): they may see it and its private part. */
  about: Set<string>;
}

interface CrawlViewer {
  name: string;
  /** "User 3", or null when anonymous. */
  ref: string | null;
  headers: Record<string, string>;
}

function jsonKeys(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => jsonKeys(item, into));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      into.add(key);
      jsonKeys(inner, into);
    }
  }
  return into;
}

describe('privacy: a crawl of every public URL finds nothing private', function () {
  // About 4,000 requests; slower databases need the time.
  this.timeout(600_000);
  let server: Server;
  let base: string;
  let untrack: () => void;
  const m = new Markers();
  let w: PrivacyWorld;
  const facts = new Map<number, ActionFacts>();
  const objects: { type: string; id: string }[] = [];

  before(async () => {
    const { app } = await testApp();
    untrack = trackAppModels();
    w = await buildWorld(app, m);
    for (const a of await Action.findAll()) {
      const about = new Set<string>();
      if (a.actorType === 'User') about.add(`User ${a.actorId}`);
      if (a.actionObjectType === 'User') about.add(`User ${a.actionObjectId}`);
      facts.set(a.id, { public: a.public, about });
    }
    for (const [type, model] of registry.models()) {
      for (const row of await model.findAll()) objects.push({ type, id: String(row.get(model.primaryKeyAttribute)) });
    }
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    untrack?.();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** Every URL the route templates give, filled with every object, model and action id. */
  function templateUrls(): string[] {
    const urls = ['/streams'];
    for (const type of registry.models().keys()) urls.push(`/api/streams/model/${type}?limit=${LIMIT}`, `/streams/${type}?limit=${LIMIT}`);
    for (const { type, id } of objects) {
      for (const kind of KINDS) urls.push(`/api/streams/${kind}/${type}/${id}?limit=${LIMIT}`);
      urls.push(`/streams/${type}/${id}?limit=${LIMIT}`, `/api/followers/${type}/${id}`, `/followers/${type}/${id}`);
      if (type === 'User') urls.push(`/api/following/${id}`, `/following/${id}`);
    }
    for (const id of facts.keys()) urls.push(`/api/actions/${id}`, `/actions/${id}`);
    return urls;
  }

  /** Whether the URL is one of the viewer's own views: their feed, or an action about them by id. */
  function ownView(path: string, viewer: CrawlViewer): boolean {
    if (viewer.ref === null) return false;
    if (path.startsWith('/api/streams/user') || path.startsWith('/feeds/user/')) return true;
    const byId = /^\/(?:api\/)?actions\/(\d+)$/.exec(path);
    return byId !== null && (facts.get(Number(byId[1]))?.about.has(viewer.ref) ?? false);
  }

  function expectedStatus(path: string, viewer: CrawlViewer): number {
    const byId = /^\/(?:api\/)?actions\/(\d+)$/.exec(path);
    if (byId) {
      const fact = facts.get(Number(byId[1]));
      return fact && (fact.public || (viewer.ref !== null && fact.about.has(viewer.ref))) ? 200 : 404;
    }
    // A deleted object's references keep their URL; its page is gone.
    if (path === `/streams/Band/${w.ids.goneBand}`) return 404;
    return 200;
  }

  /** Everything wrong with one fetched page for this viewer; public markers seen go into `seen`. */
  function judge(page: Fetched, viewer: CrawlViewer, seen: Map<string, Set<Format>>): string[] {
    const problems: string[] = [];
    const path = new URL(page.url, base).pathname;
    const where = `${viewer.name} ${page.as2 ? 'AS2 ' : ''}${page.url}`;
    const own = ownView(path, viewer);
    const status = expectedStatus(path, viewer);
    if (page.status !== status) problems.push(`${where}: status ${page.status}, expected ${status}`);
    for (const [value] of page.text.matchAll(MARKER)) {
      const secret = m.secrets.get(value);
      const open = m.publics.get(value);
      if (secret && !(own && viewer.ref !== null && secret.owners.has(viewer.ref))) problems.push(`${where}: private "${secret.label}"`);
      else if (open && page.format !== 'other') {
        if (!seen.has(value)) seen.set(value, new Set());
        seen.get(value)!.add(page.format);
      } else if (!secret && !open) problems.push(`${where}: unknown marker ${value}`);
    }
    for (const [, id] of page.text.matchAll(/\/actions\/(\d+)/g)) {
      const fact = facts.get(Number(id));
      if (fact && !fact.public && !(own && viewer.ref !== null && fact.about.has(viewer.ref))) problems.push(`${where}: private action ${id}`);
    }
    if (!own) {
      for (const name of PRIVATE_FIELD_NAMES) if (page.text.includes(name)) problems.push(`${where}: names the private field ${name}`);
      if (page.format === 'json' || page.format === 'as2') {
        for (const key of jsonKeys(JSON.parse(page.text))) if (PRIVATE_JSON_KEYS.has(key)) problems.push(`${where}: has a "${key}" key`);
      }
    }
    return problems;
  }

  async function crawl(viewer: CrawlViewer, seeds: string[], options: { followLinks: boolean; userFeedToken?: string }) {
    const crawler = new Crawler(base, { headers: viewer.headers, ...options });
    seeds.forEach((url) => crawler.add(url));
    const fetched = await crawler.run();
    const seen = new Map<string, Set<Format>>();
    const problems = fetched.flatMap((page) => judge(page, viewer, seen));
    return { fetched, seen, problems, crawler };
  }

  function expectNoProblems(problems: string[]): void {
    expect(problems.slice(0, 40), `${problems.length} problems`).to.deep.equal([]);
  }

  /** Every public marker was found in every format it must show in. */
  function expectPublicMarkersSeen(seen: Map<string, Set<Format>>): void {
    const missing: string[] = [];
    for (const marker of m.publics.values()) {
      for (const format of marker.expectedIn) if (!seen.get(marker.value)?.has(format)) missing.push(`${marker.label} in ${format}`);
    }
    expect(missing, 'public values the crawl never saw').to.deep.equal([]);
  }

  const anonymous: CrawlViewer = { name: 'anonymous', ref: null, headers: {} };

  it('the world: every update of private fields only is a private action, every one with a public field is public', async () => {
    // Saves with no one acting read in the passive ("Carol was updated").
    const updates = await Action.findAll({ where: { verb: ['updated', 'was updated'] } });
    const byKind = updates.map((a) => {
      const changes = (a.data?.changes ?? {}) as Record<string, unknown>;
      return { publicChange: Object.keys(changes).length > 0, public: a.public };
    });
    // Staff edits of Bob's, Carol's (twice) and Dave's private fields, Carol's own email, Ann's password.
    expect(byKind.filter((u) => !u.publicChange)).to.have.length(6);
    expect(byKind.filter((u) => u.publicChange).length).to.be.above(6);
    for (const update of byKind) expect(update.public).to.equal(update.publicChange);
  });

  it('anonymous, following links from /streams alone: reaches every object, public action, feed and follower list', async () => {
    const { fetched, problems, crawler } = await crawl(anonymous, ['/streams'], { followLinks: true });
    expectNoProblems(problems);
    const unreached = objects.filter(({ type, id }) => !crawler.has(`/streams/${type}/${id}`)).map(({ type, id }) => `${type} ${id}`);
    expect(unreached, 'object pages not linked from anywhere').to.deep.equal([]);
    const publicIds = [...facts].filter(([, f]) => f.public).map(([id]) => id);
    expect(publicIds.filter((id) => !crawler.has(`/actions/${id}`)), 'public actions without a linked page').to.deep.equal([]);
    const formats = new Set(fetched.filter((p) => p.status === 200).map((p) => `${p.format}${p.as2 ? ' (as2)' : ''}`));
    expect([...formats].sort()).to.deep.equal(['as2 (as2)', 'atom', 'html', 'json', 'rss']);
    expect(fetched.some((p) => p.url.startsWith('/followers/') && p.status === 200), 'follower pages, public').to.equal(true);
    expect(fetched.some((p) => p.url.startsWith('/following/') && p.status === 200), 'following pages, public').to.equal(true);
    expect(fetched.some((p) => p.url.includes('before=')), 'followed pager links').to.equal(true);
  });

  it('anonymous, every route template with every object, every format, every page: nothing private, every public value seen', async () => {
    const { fetched, seen, problems } = await crawl(anonymous, templateUrls(), { followLinks: true });
    expectNoProblems(problems);
    expectPublicMarkersSeen(seen);
    // Private actions by id are there, and 404.
    const hidden = [...facts].filter(([, f]) => !f.public).map(([id]) => id);
    expect(hidden.length, 'private actions in the world').to.be.above(8);
    for (const id of hidden) {
      expect(fetched.find((p) => p.url === `/api/actions/${id}` && !p.as2)?.status, `/api/actions/${id}`).to.equal(404);
    }
    // Several pages per stream, in every format.
    const paged = fetched.filter((p) => p.url.includes('before='));
    expect(new Set(paged.map((p) => p.format))).to.deep.equal(new Set(['json', 'as2', 'atom', 'rss', 'html']));
  });

  it('another user (logged in, not staff): nothing about others anywhere; their own details only in their own views', async () => {
    const carol = w.users.carol;
    const viewer: CrawlViewer = { name: 'carol', ref: refOf(carol), headers: { Authorization: w.bearers.carol } };
    const seeds = [...templateUrls(), `/api/streams/user?withUserActivity=true&limit=${LIMIT}`];
    const { fetched, problems } = await crawl(viewer, seeds, { followLinks: true, userFeedToken: w.carolFeedToken });
    expectNoProblems(problems);
    // Her own private details did show, in her own views only.
    const ownText = fetched.filter((p) => ownView(new URL(p.url, base).pathname, viewer)).map((p) => p.text).join('\n');
    for (const label of ['carol private api verb', 'carol email, second', 'carol to bob private data', 'bob to carol private data']) {
      const secret = [...m.secrets.values()].find((s) => s.label === label)!;
      expect(ownText, label).to.include(secret.value);
    }
    expect(fetched.some((p) => p.url.startsWith('/feeds/user/') && p.format === 'atom' && p.status === 200), 'her own Atom feed').to.equal(true);
  });

  it("a user's own views show their private details; the same requests by others do not", async () => {
    const secret = (label: string) => [...m.secrets.values()].find((s) => s.label === label)!.value;
    const get = (url: string, bearer?: string) => fetch(base + url, { headers: bearer ? { Authorization: bearer } : {} });

    // Ann's feed with her own activity: her private actions and the private parts of hers.
    const feed = await (await get('/api/streams/user?withUserActivity=true&limit=100', w.bearers.ann)).text();
    for (const label of ['ann api private data', 'ann private api verb', 'ann private api description', 'ann private api data', 'ann private api private data', 'ann private app verb', 'ann email, third']) {
      expect(feed, label).to.include(secret(label));
    }
    expect(feed, 'her password change, by name only').to.include('passwordHash');

    // The staff edit of Bob's email (private fields only: a private action): Bob sees it by id, with details.
    const id = w.ids.staffEditOfBob;
    const bobs = await get(`/api/actions/${id}`, w.bearers.bob);
    expect(bobs.status).to.equal(200);
    const body = (await bobs.json()) as { public: boolean; data: { private: { changes: { email: { old: string; new: string } } } } };
    expect(body.public).to.equal(false);
    expect(body.data.private.changes.email.new).to.equal(`${secret('bob email, second')}@example.com`);
    for (const bearer of [undefined, w.bearers.carol, w.bearers.ann]) {
      const other = await get(`/api/actions/${id}`, bearer);
      expect(other.status).to.equal(404);
      expect(await other.text()).to.not.include(secret('bob email, second'));
    }

    // Ann's public API action with a private part: the part is Ann's alone.
    const annsOwn = (await (await get(`/api/actions/${w.ids.annPublic}`, w.bearers.ann)).json()) as { data: Record<string, unknown> };
    expect(annsOwn.data).to.have.nested.property('private.note', secret('ann api private data'));
    for (const bearer of [undefined, w.bearers.carol, w.bearers.bob]) {
      const seen = (await (await get(`/api/actions/${w.ids.annPublic}`, bearer)).json()) as { data: Record<string, unknown> };
      expect(seen.data, String(bearer)).to.deep.equal({ note: [...m.publics.values()].find((p) => p.label === 'ann api data')!.value });
    }

    // Carol follows Ann: Ann's actions are in Carol's feed, without Ann's private parts.
    const carols = await (await get('/api/streams/user?limit=100', w.bearers.carol)).json() as { actions: { id: number; data: unknown }[] };
    const annPublicInFeed = carols.actions.find((a) => a.id === w.ids.annPublic);
    expect(annPublicInFeed, "Ann's action in Carol's feed").to.not.equal(undefined);
    expect(JSON.stringify(carols)).to.not.include(secret('ann api private data')).and.not.include(secret('ann email, third'));
  });
});
