import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Action, Follow, isFollowing } from 'actstream';
import { bearerFor, loggedIn, seedWorld, testApp, type World } from './fixtures.js';

describe('HTTP: POST /api/actions and follows', () => {
  let app: Express;
  let w: World;
  let ann: string;

  before(async () => {
    ({ app } = await testApp());
  });
  beforeEach(async () => {
    w = await seedWorld();
    ann = await bearerFor(w.ann);
  });

  describe('POST /api/actions', () => {
    it('sends an action with the caller as actor, objects by type and id', async () => {
      const res = await request(app)
        .post('/api/actions')
        .set('Authorization', ann)
        .send({
          verb: 'reviewed',
          actionObject: { type: 'Concert', id: w.concert.id },
          target: { type: 'Band', id: String(w.band.id) },
          description: 'Loud',
          data: { stars: 4 },
        })
        .expect(201);
      expect(res.headers.location).to.equal(`/api/actions/${res.body.id}`);
      expect(res.body).to.deep.include({ verb: 'reviewed', description: 'Loud', data: { stars: 4 }, public: true });
      expect(res.body.actor).to.deep.include({ type: 'User', id: String(w.ann.id) });
      const saved = await Action.findByPk(res.body.id);
      expect(saved).to.deep.include({ actorType: 'User', actorId: String(w.ann.id), actionObjectType: 'Concert', targetType: 'Band' });
      const got = await request(app).get(`/api/actions/${res.body.id}`).expect(200);
      expect(got.body.sentence).to.match(/^Ann reviewed Spring opener on The Seeds /);
    });

    it('refuses to act as someone else with 403, and saves nothing', async () => {
      const before = await Action.count();
      const res = await request(app)
        .post('/api/actions')
        .set('Authorization', ann)
        .send({ verb: 'confessed', actor: { type: 'User', id: w.bob.id } })
        .expect(403);
      expect(res.body.error.code).to.equal('forbidden');
      await request(app).post('/api/actions').set('Authorization', ann).send({ verb: 'x', actor: { type: 'Band', id: w.band.id } }).expect(403);
      expect(await Action.count()).to.equal(before);
      await request(app).post('/api/actions').set('Authorization', ann).send({ verb: 'ok', actor: { type: 'User', id: w.ann.id } }).expect(201);
    });

    it('keeps private actions out of GET /api/actions/:id for others, visible to the actor', async () => {
      const res = await request(app).post('/api/actions').set('Authorization', ann).send({ verb: 'hid', public: false }).expect(201);
      await request(app).get(`/api/actions/${res.body.id}`).expect(404);
      await request(app).get(`/api/actions/${res.body.id}`).set('Authorization', await bearerFor(w.bob)).expect(404);
      await request(app).get(`/api/actions/${res.body.id}`).set('Authorization', ann).expect(200);
    });

    const bad: [string, unknown, number, string, string][] = [
      ['an empty verb', { verb: '   ' }, 400, 'invalid_request', 'verb'],
      ['no verb', {}, 400, 'invalid_request', 'verb'],
      ['a too long verb', { verb: 'x'.repeat(256) }, 400, 'invalid_request', 'verb'],
      ['an unknown type', { verb: 'v', target: { type: 'Nope', id: 1 } }, 404, 'unknown_type', 'Nope'],
      ['a missing object', { verb: 'v', actionObject: { type: 'Group', id: 424242 } }, 404, 'not_found', 'Group 424242'],
      ['a non-integer id', { verb: 'v', actionObject: { type: 'Group', id: 'abc' } }, 404, 'not_found', 'Group abc'],
      ['data that is no object', { verb: 'v', data: [1, 2] }, 400, 'invalid_request', 'data'],
      ['public that is no boolean', { verb: 'v', public: 'no' }, 400, 'invalid_request', 'public'],
      ['an unknown field', { verb: 'v', timestamp: '2020-01-01' }, 400, 'invalid_request', 'timestamp'],
      ['a JSON array', [{ verb: 'v' }], 400, 'invalid_request', 'input'],
    ];
    for (const [what, body, status, code, mention] of bad) {
      it(`answers ${status} ${code} for ${what}, saving nothing`, async () => {
        const before = await Action.count();
        const res = await request(app).post('/api/actions').set('Authorization', ann).send(body as object).expect(status);
        expect(res.body.error.code).to.equal(code);
        expect(JSON.stringify(res.body.error)).to.include(mention);
        expect(await Action.count()).to.equal(before);
      });
    }
  });

  describe('follows', () => {
    it('POST follows as yourself (201, then 200), DELETE unfollows', async () => {
      const first = await request(app).post('/api/follows').set('Authorization', ann).send({ type: 'Band', id: w.band.id, flag: 'liking' }).expect(201);
      expect(first.body).to.deep.include({ flag: 'liking', actorOnly: true, created: true });
      expect(first.body.object).to.deep.include({ type: 'Band', id: String(w.band.id), label: 'The Seeds' });
      const again = await request(app).post('/api/follows').set('Authorization', ann).send({ type: 'Band', id: w.band.id, flag: 'liking', actorOnly: false }).expect(200);
      expect(again.body).to.deep.include({ created: false, actorOnly: false });
      expect(await isFollowing(w.ann, w.band, { flag: 'liking' })).to.equal(true);

      const gone = await request(app).delete('/api/follows').set('Authorization', ann).send({ type: 'Band', id: w.band.id }).expect(200);
      expect(gone.body).to.deep.equal({ removed: 1 });
      expect(await isFollowing(w.ann, w.band)).to.equal(false);
    });

    it('refuses following as someone else (403) and bad input (400/404)', async () => {
      const before = await Follow.count();
      await request(app).post('/api/follows').set('Authorization', ann).send({ type: 'Band', id: w.band.id, user: { type: 'User', id: w.bob.id } }).expect(403);
      await request(app).delete('/api/follows').set('Authorization', ann).send({ type: 'Group', id: w.climbers.id, user: { type: 'User', id: w.bob.id } }).expect(403);
      await request(app).post('/api/follows').set('Authorization', ann).send({ type: 'Nope', id: 1 }).expect(404);
      await request(app).post('/api/follows').set('Authorization', ann).send({ type: 'Band', id: 9999 }).expect(404);
      await request(app).post('/api/follows').set('Authorization', ann).send({ type: 'Band', id: w.band.id, flag: 'x'.repeat(101) }).expect(400);
      await request(app).post('/api/follows').set('Authorization', ann).send({ type: 'Band', id: w.band.id, actorOnly: 'yes' }).expect(400);
      expect(await Follow.count()).to.equal(before);
    });

    it('GET /api/followers and /api/following are public, and list references (labels, never emails)', async () => {
      const anonymous = await request(app).get(`/api/followers/User/${w.ann.id}`).expect(200);
      expect(anonymous.body.followers.map((r: { id: string }) => r.id)).to.deep.equal([String(w.bob.id)]);
      const anonymousFollowing = await request(app).get(`/api/following/${w.bob.id}`).expect(200);
      expect(anonymousFollowing.body.following.map((r: { type: string }) => r.type)).to.deep.equal(['User', 'Group']);
      const followersOfAnn = await request(app).get(`/api/followers/User/${w.ann.id}`).set('Authorization', ann).expect(200);
      expect(followersOfAnn.body.followers).to.have.length(1);
      expect(followersOfAnn.body.followers[0]).to.deep.include({ type: 'User', id: String(w.bob.id), label: 'Bob <b>&amp;' });
      expect(JSON.stringify(followersOfAnn.body)).not.to.include('@example.com');
      const bobFollows = await request(app).get(`/api/following/${w.bob.id}`).set('Authorization', ann).expect(200);
      expect(bobFollows.body.following.map((r: { type: string }) => r.type)).to.deep.equal(['User', 'Group']);
      const liking = await request(app).get(`/api/following/${w.bob.id}?flag=liking`).set('Authorization', ann).expect(200);
      expect(liking.body.following).to.deep.equal([]);
      await request(app).get('/api/following/abc').set('Authorization', ann).expect(404);
      await request(app).get('/api/followers/Nope/1').set('Authorization', ann).expect(404);
    });
  });
});
