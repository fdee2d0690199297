import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Action } from 'actstream';
import { bearerFor, seedWorld, testApp, type World } from './fixtures.js';

describe('HTTP: request bodies and errors', () => {
  let app: Express;
  let w: World;
  let auth: string;

  before(async () => {
    ({ app } = await testApp());
  });
  beforeEach(async () => {
    w = await seedWorld();
    auth = await bearerFor(w.ann);
  });

  it('answers malformed JSON with 400 malformed_json, no stack trace', async () => {
    const res = await request(app)
      .post('/api/actions')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send('{"verb": "waved",')
      .expect(400);
    expect(res.body.error.code).to.equal('malformed_json');
    expect(res.text).not.to.match(/at .+\.(js|ts):\d+/);
  });

  it('answers a JSON string or number body with 400', async () => {
    for (const body of ['"waved"', '42', 'null']) {
      const res = await request(app).post('/api/actions').set('Authorization', auth).set('Content-Type', 'application/json').send(body);
      expect(res.status, body).to.equal(400);
    }
  });

  it('answers an oversized body with 413 and saves nothing', async () => {
    const before = await Action.count();
    const res = await request(app)
      .post('/api/actions')
      .set('Authorization', auth)
      .send({ verb: 'big', data: { blob: 'x'.repeat(100_000) } })
      .expect(413);
    expect(res.body.error.code).to.equal('body_too_large');
    expect(await Action.count()).to.equal(before);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await request(app).post('/api/session').set('Content-Type', 'text/plain').send('email=a').expect(415);
    expect(res.body.error.code).to.equal('unsupported_media_type');
  });

  it('never answers 500 to odd input', async () => {
    const odd = [
      '/api/streams/any/User/%00',
      "/api/streams/any/User/1'%20OR%201=1",
      '/api/streams/any/User/-1',
      '/api/streams/any/constructor/1',
      '/api/streams/any/__proto__/1',
      '/api/streams/model/toString',
      '/api/streams/model/User?before=' + 'A'.repeat(300),
      '/api/streams/model/User?before=' + Buffer.from('[1e400,1]').toString('base64url'),
      '/api/streams/model/User?since[$gt]=1',
      '/api/streams/model/User?verb[]=a&verb[]=b',
      '/api/actions/abc',
      '/api/actions/99999999999999999999',
      '/api/actions/-3',
      '/api/followers/User/%E0%A4%A',
    ];
    for (const url of odd) {
      const res = await request(app).get(url).set('Authorization', auth);
      expect(res.status, url).to.be.within(400, 499);
      expect(res.body.error, url).to.have.keys(['code', 'message', 'details']);
    }
  });

  it('answers unknown methods and paths under /api with a JSON 404', async () => {
    const res = await request(app).put('/api/actions/1').set('Authorization', auth).send({}).expect(404);
    expect(res.body.error.code).to.equal('not_found');
  });
});
