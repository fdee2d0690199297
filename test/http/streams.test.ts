import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { bearerFor, seedWorld, testApp, type World } from './fixtures.js';

interface ActionBody {
  id: number;
  verb: string;
  sentence: string;
  actor: { type: string; id: string; label: string; url: string; deleted?: true };
  actionObject: { type: string; id: string; deleted?: true } | null;
  target: { type: string; id: string; deleted?: true } | null;
}

const verbsOf = (body: { actions: ActionBody[] }) => body.actions.map((a) => a.verb);

describe('HTTP: GET /api/streams', () => {
  let app: Express;
  let w: World;

  before(async () => {
    ({ app } = await testApp());
  });
  beforeEach(async () => {
    w = await seedWorld();
  });

  it('answers an object stream per role, newest first, public only', async () => {
    const actor = await request(app).get(`/api/streams/actor/User/${w.ann.id}`).expect(200);
    expect(verbsOf(actor.body)).to.deep.equal(['posted', 'joined', 'reached level 10']);
    expect(actor.body.next).to.equal(null);
    const target = await request(app).get(`/api/streams/target/Group/${w.climbers.id}`).expect(200);
    expect(verbsOf(target.body)).to.deep.equal(['posted', 'joined']);
    const object = await request(app).get(`/api/streams/action-object/Concert/${w.concert.id}`).expect(200);
    expect(verbsOf(object.body)).to.deep.equal(['liked', 'booked']);
    const any = await request(app).get(`/api/streams/any/Band/${w.band.id}`).expect(200);
    expect(verbsOf(any.body)).to.deep.equal(['booked']);
  });

  it('writes each action with its sentence and references as { type, id, label, url }', async () => {
    const res = await request(app).get(`/api/streams/actor/Band/${w.band.id}`).expect(200);
    const [booked] = res.body.actions;
    expect(booked).to.include({ id: w.sent.booked.id, verb: 'booked', description: 'Tickets soon', public: true });
    expect(booked.timestamp).to.equal('2026-11-01T12:04:00.000Z');
    expect(booked.sentence, booked.sentence).to.match(/^The Seeds booked Spring opener on Town Hall, Ghent .+ ago$/);
    expect(booked.actor).to.deep.include({ type: 'Band', id: String(w.band.id), label: 'The Seeds' });
    expect(booked.actor.url).to.match(new RegExp(`/streams/Band/${w.band.id}$`));
    expect(booked.actionObject).to.deep.include({ type: 'Concert', id: String(w.concert.id), label: 'Spring opener' });
    expect(booked.target).to.deep.include({ type: 'Location', id: String(w.hall.id), label: 'Town Hall, Ghent' });
    expect(booked.url).to.match(new RegExp(`/actions/${w.sent.booked.id}$`));
  });

  it('marks references to deleted objects with deleted: true', async () => {
    await w.concert.destroy();
    const res = await request(app).get(`/api/streams/actor/User/${w.bob.id}`).expect(200);
    expect(res.body.actions[0].actionObject).to.deep.include({ type: 'Concert', id: String(w.concert.id), deleted: true });
    expect(res.body.actions[0].actionObject.label).to.equal(`Concert ${w.concert.id}`);
  });

  it('pages by cursor with limit until next is null', async () => {
    const seen: string[] = [];
    let url: string | null = `/api/streams/model/User?limit=2`;
    let pages = 0;
    while (url) {
      const res: request.Response = await request(app).get(url).expect(200);
      expect(res.body.actions.length).to.be.at.most(2);
      seen.push(...verbsOf(res.body));
      url = res.body.next ? `/api/streams/model/User?limit=2&before=${encodeURIComponent(res.body.next)}` : null;
      pages += 1;
    }
    expect(pages).to.equal(2);
    expect(seen).to.deep.equal(['liked', 'posted', 'joined', 'reached level 10']);
  });

  it('filters by verb, since and until', async () => {
    const verb = await request(app).get(`/api/streams/model/User?verb=joined`).expect(200);
    expect(verbsOf(verb.body)).to.deep.equal(['joined']);
    const range = await request(app)
      .get('/api/streams/model/User')
      .query({ since: '2026-11-01T12:02:00Z', until: '2026-11-01T12:03:00.000+00:00' })
      .expect(200);
    expect(verbsOf(range.body)).to.deep.equal(['posted', 'joined']);
  });

  describe('bad input', () => {
    const cases: [string, number, string][] = [
      ['/api/streams/any/Nope/1', 404, 'unknown_type'],
      ['/api/streams/any/sequelize/1', 404, 'unknown_type'],
      // Sequelize models that are not registered with actstream are not types here.
      ['/api/streams/any/ApiToken/1', 404, 'unknown_type'],
      ['/api/streams/any/Action/1', 404, 'unknown_type'],
      ['/api/streams/model/Follow', 404, 'unknown_type'],
      ['/api/streams/any/user/1', 404, 'unknown_type'],
      ['/api/streams/model/Nope', 404, 'unknown_type'],
      ['/api/streams/any/User/999999', 404, 'not_found'],
      ['/api/streams/any/User/abc', 404, 'not_found'],
      ['/api/streams/any/User/1.5', 404, 'not_found'],
      ['/api/streams/any/User/99999999999999999999', 404, 'not_found'],
      ['/api/streams/sideways/User/1', 404, 'not_found'],
      ['/api/streams/model/User?limit=0', 400, 'invalid_request'],
      ['/api/streams/model/User?limit=101', 400, 'invalid_request'],
      ['/api/streams/model/User?limit=ten', 400, 'invalid_request'],
      ['/api/streams/model/User?before=not-a-cursor!', 400, 'invalid_cursor'],
      ['/api/streams/model/User?before=abc', 400, 'invalid_cursor'],
      ['/api/streams/model/User?since=yesterday', 400, 'invalid_request'],
      ['/api/streams/model/User?until=2026-13-01T00:00:00Z', 400, 'invalid_request'],
      ['/api/streams/model/User?verb=', 400, 'invalid_request'],
      ['/api/streams/model/User?limit=1&limit=2', 400, 'invalid_request'],
      ['/api/streams/model/User?colour=red', 400, 'invalid_request'],
      ['/api/nowhere', 404, 'not_found'],
    ];
    for (const [url, status, code] of cases) {
      it(`${url} → ${status} ${code}`, async () => {
        const res = await request(app).get(url).expect(status).expect('Content-Type', /json/);
        expect(res.body.error.code).to.equal(code);
        expect(res.body.error.message).to.be.a('string').and.not.match(/\n\s+at /);
        expect(res.body.error).to.have.property('details');
      });
    }

    it('names the bad parameter in the message and details', async () => {
      const res = await request(app).get('/api/streams/model/User?limit=500').expect(400);
      expect(res.body.error.message).to.include('limit');
      expect(res.body.error.details[0].path).to.equal('limit');
    });
  });

  describe('/api/streams/user', () => {
    it('is 401 without a user', async () => {
      const res = await request(app).get('/api/streams/user').expect(401);
      expect(res.body.error.code).to.equal('unauthorized');
    });

    it("is the user's feed: what they follow, and actions on what they follow with actorOnly false", async () => {
      const res = await request(app).get('/api/streams/user').set('Authorization', await bearerFor(w.bob)).expect(200);
      expect(verbsOf(res.body)).to.deep.equal(['posted', 'joined', 'reached level 10']);
    });

    it('adds their own actions, private ones included, with withUserActivity', async () => {
      const auth = await bearerFor(w.bob);
      const res = await request(app).get('/api/streams/user?withUserActivity=true').set('Authorization', auth).expect(200);
      expect(verbsOf(res.body)).to.deep.equal(['privately liked', 'liked', 'posted', 'joined', 'reached level 10']);
      // Ann's private action never shows in Bob's feed, though he follows her.
      expect(verbsOf(res.body)).not.to.include('secretly joined');
    });

    it('honours followFlag and onlyAfterFollow', async () => {
      const auth = await bearerFor(w.bob);
      const flagged = await request(app).get('/api/streams/user?followFlag=liking').set('Authorization', auth).expect(200);
      expect(flagged.body.actions).to.deep.equal([]);
      const after = await request(app).get('/api/streams/user?onlyAfterFollow=true').set('Authorization', auth).expect(200);
      // The follows started after every seeded action (seeded in the past).
      expect(after.body.actions).to.deep.equal([]);
      const bad = await request(app).get('/api/streams/user?withUserActivity=maybe').set('Authorization', auth).expect(400);
      expect(bad.body.error.message).to.include('withUserActivity');
    });
  });
});
