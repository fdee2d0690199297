import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Action, Follow, isFollowing } from 'actstream';
import { FAILURE_KINDS, breakRecording, repairRecording } from '../helpers/recording-failure.js';
import { bearerFor, seedWorld, testApp, type World } from './fixtures.js';

// Issue 9, item 3, over HTTP: when an action cannot be recorded, the API says so and saves nothing.
describe('HTTP writes: the change and its actions, both or neither', () => {
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
  afterEach(() => repairRecording());

  const internalError = { error: { code: 'internal_error', message: 'Something went wrong on our side', details: null } };

  for (const kind of FAILURE_KINDS) {
    describe(`when writing an action fails (${kind})`, () => {
      it('POST /api/actions answers 500 with the error JSON, saves nothing, and a retry saves once', async () => {
        await breakRecording(kind);
        const failed = await request(app).post('/api/actions').set('Authorization', ann).send({ verb: 'retried', target: { type: 'Group', id: w.climbers.id } });
        expect(failed.status).to.equal(500);
        expect(failed.body).to.deep.equal(internalError);
        await repairRecording();
        expect(await Action.count({ where: { verb: 'retried' } })).to.equal(0);

        const retried = await request(app).post('/api/actions').set('Authorization', ann).send({ verb: 'retried', target: { type: 'Group', id: w.climbers.id } }).expect(201);
        const saved = await Action.findAll({ where: { verb: 'retried' } });
        expect(saved.map((a) => a.id)).to.deep.equal([retried.body.id]);
      });

      it('POST /api/follows answers 500 with the error JSON, follows nothing, and a retry follows once with one action', async () => {
        const follows = await Follow.count();
        await breakRecording(kind);
        const failed = await request(app).post('/api/follows').set('Authorization', ann).send({ type: 'Band', id: w.band.id });
        expect(failed.status).to.equal(500);
        expect(failed.body).to.deep.equal(internalError);
        await repairRecording();
        expect(await Follow.count()).to.equal(follows);
        expect(await isFollowing(w.ann, w.band)).to.equal(false);
        expect(await Action.count({ where: { verb: 'started following', targetType: 'Band' } })).to.equal(0);

        const retried = await request(app).post('/api/follows').set('Authorization', ann).send({ type: 'Band', id: w.band.id }).expect(201);
        expect(retried.body).to.deep.include({ created: true, flag: '', actorOnly: true });
        expect(await Follow.count()).to.equal(follows + 1);
        const recorded = await Action.findAll({ where: { verb: 'started following', targetType: 'Band', targetId: String(w.band.id) } });
        expect(recorded.map((a) => [a.actorType, a.actorId])).to.deep.equal([['User', String(w.ann.id)]]);
      });

      it('DELETE /api/follows records no action, so it cannot half-fail: it unfollows', async () => {
        await breakRecording(kind);
        const res = await request(app).delete('/api/follows').set('Authorization', await bearerFor(w.bob)).send({ type: 'User', id: w.ann.id }).expect(200);
        expect(res.body).to.deep.equal({ removed: 1 });
        expect(await isFollowing(w.bob, w.ann)).to.equal(false);
      });
    });
  }
});
