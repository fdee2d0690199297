import { expect } from 'chai';
import type { Express } from 'express';
import type { Model } from 'sequelize';
import request from 'supertest';
import { action, registry } from 'actstream';
import { bearerFor, seedWorld, testApp, userWithPassword, type World } from './fixtures.js';

const SECRETS = ['PRIVATE-MARKER', 'secretly', 'privately'];

function leaks(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

/** Every public URL for every object of every registered model: API (JSON and AS2), feeds and pages. */
async function publicUrls(): Promise<{ url: string; accept?: string }[]> {
  const urls: { url: string; accept?: string }[] = [];
  for (const [type, model] of registry.models()) {
    urls.push({ url: `/api/streams/model/${type}` }, { url: `/api/streams/model/${type}`, accept: 'application/activity+json' });
    urls.push({ url: `/feeds/model/${type}.atom` }, { url: `/feeds/model/${type}.rss` }, { url: `/streams/${type}` });
    const rows: Model[] = await model.findAll();
    for (const row of rows) {
      const id = String(row.get(model.primaryKeyAttribute));
      for (const kind of ['actor', 'target', 'action-object', 'any']) {
        urls.push({ url: `/api/streams/${kind}/${type}/${id}` });
        urls.push({ url: `/api/streams/${kind}/${type}/${id}`, accept: 'application/activity+json' });
        urls.push({ url: `/feeds/${kind}/${type}/${id}.atom` }, { url: `/feeds/${kind}/${type}/${id}.rss` });
      }
      urls.push({ url: `/streams/${type}/${id}` });
    }
  }
  return urls;
}

describe('HTTP: private actions never leak', function () {
  // Hundreds of requests: slower databases need more than the default per-test time.
  this.timeout(180_000);
  let app: Express;
  let w: World;

  before(async () => {
    ({ app } = await testApp());
    w = await seedWorld();
  });

  it('from any public stream, feed or page, for anonymous visitors and for other users', async () => {
    const outsider = await bearerFor(w.bob); // Bob follows Ann: her private action must still stay out
    const urls = await publicUrls();
    expect(urls.length).to.be.above(100);
    for (const { url, accept } of urls) {
      for (const auth of [undefined, outsider]) {
        const req = request(app).get(url);
        if (accept) req.set('Accept', accept);
        if (auth) req.set('Authorization', auth);
        const res = await req;
        expect(res.status, url).to.equal(200);
        // Bob's own private action is his to see only in his own feed, never on public URLs.
        expect(leaks(res.text), `${url} ${accept ?? ''}`).to.deep.equal([]);
      }
    }
  });

  it('from pages and feeds reached by following every link from /streams', async () => {
    const seen = new Set<string>();
    const queue = ['/streams'];
    while (queue.length) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const res = await request(app).get(url);
      // Every page linked from the site answers (follower lists included: they are public).
      expect(res.status, `${url}: ${res.text.slice(0, 200)}`).to.equal(200);
      expect(leaks(res.text), url).to.deep.equal([]);
      if (!String(res.headers['content-type']).startsWith('text/html')) continue;
      for (const match of res.text.matchAll(/href="(\/[^"]*)"/g)) {
        const link = match[1].replaceAll('&amp;', '&');
        if (!seen.has(link) && !link.startsWith('/admin') && link !== '/logout') queue.push(link);
      }
    }
    expect([...seen].some((u) => u.startsWith('/feeds/'))).to.equal(true);
    expect([...seen].some((u) => u.startsWith('/actions/'))).to.equal(true);
    expect(seen.size).to.be.above(20);
  });

  it('by id: a private action is 404 on the API and its page, for everyone but its actor', async () => {
    // Missing, exactly as an id that never existed is: a 403 or another message would say it exists.
    const never = await request(app).get('/api/actions/424242').expect(404);
    for (const id of [w.sent.secret.id, w.sent.bobSecret.id]) {
      const api = await request(app).get(`/api/actions/${id}`).expect(404);
      expect(api.body).to.deep.equal({ error: { ...never.body.error, message: `Action ${id} not found` } });
      const page = await request(app).get(`/actions/${id}`).expect(404);
      expect(page.text).to.include('This action not found').and.not.include('PRIVATE-MARKER');
    }
    const bob = await request(app).get(`/api/actions/${w.sent.secret.id}`).set('Authorization', await bearerFor(w.bob)).expect(404);
    expect(bob.body.error).to.deep.include({ code: 'not_found', message: `Action ${w.sent.secret.id} not found` });
    const ann = await request(app).get(`/api/actions/${w.sent.secret.id}`).set('Authorization', await bearerFor(w.ann)).expect(200);
    expect(ann.body).to.deep.include({ id: w.sent.secret.id, verb: 'secretly joined', public: false });
  });

  it("only in the user's own feed, and only with withUserActivity", async () => {
    const ann = await bearerFor(w.ann);
    const plain = await request(app).get('/api/streams/user').set('Authorization', ann).expect(200);
    expect(leaks(plain.text)).to.deep.equal([]);
    const own = await request(app).get('/api/streams/user?withUserActivity=true').set('Authorization', ann).expect(200);
    expect(own.body.actions.map((a: { verb: string }) => a.verb)).to.include('secretly joined').and.not.include('privately liked');
  });

  it("done to a user (they are its action object): in their own feed with its private data, nowhere else", async () => {
    const carolUser = await userWithPassword('carol@example.com', 'Carol');
    const done = await action.send(w.ann, {
      verb: 'changed the email of',
      actionObject: carolUser,
      public: false,
      data: { shown: 'SHOWN-MARKER', private: { changes: { email: { old: 'OLD-MARKER', new: 'NEW-MARKER' } } } },
    });
    const carol = await bearerFor(carolUser);
    const own = await request(app).get('/api/streams/user?withUserActivity=true').set('Authorization', carol).expect(200);
    const mine = own.body.actions.find((a: { id: number }) => a.id === done.id);
    expect(mine, 'in her own feed').to.deep.include({ verb: 'changed the email of', public: false });
    expect(mine.data).to.deep.equal({ shown: 'SHOWN-MARKER', private: { changes: { email: { old: 'OLD-MARKER', new: 'NEW-MARKER' } } } });
    // Without withUserActivity, and in anyone else's feed or any public stream: not there.
    const plain = await request(app).get('/api/streams/user').set('Authorization', carol).expect(200);
    expect(plain.body.actions.map((a: { id: number }) => a.id)).to.not.include(done.id);
    for (const [url, auth] of [
      ['/api/streams/user?withUserActivity=true', await bearerFor(w.bob)],
      [`/api/streams/any/User/${carolUser.id}`, undefined],
      [`/api/streams/action-object/User/${carolUser.id}`, carol],
      [`/api/actions/${done.id}`, await bearerFor(w.bob)],
    ] as const) {
      const req = request(app).get(url);
      if (auth) req.set('Authorization', auth);
      const res = await req;
      expect(res.text, url).to.not.include('OLD-MARKER').and.not.include('SHOWN-MARKER');
    }
  });
});
