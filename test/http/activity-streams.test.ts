import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { seedWorld, testApp, type World } from './fixtures.js';

const AS2 = 'application/activity+json';
const CONTEXT = 'https://www.w3.org/ns/activitystreams';

interface As2Activity {
  type: string;
  id: string;
  actor: { type: string; id: string; name: string };
  object?: { type: string; id: string; name: string; formerType?: string };
  target?: { type: string; id: string; name: string };
  published: string;
  summary: string;
}

/** The path part of an absolute URL, to fetch it again from the test app. */
const pathOf = (url: string) => {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
};

describe('HTTP: Activity Streams 2.0 by Accept', () => {
  let app: Express;
  let w: World;

  before(async () => {
    ({ app } = await testApp());
  });
  beforeEach(async () => {
    w = await seedWorld();
  });

  it('answers a stream as an OrderedCollectionPage of Activities', async () => {
    const res = await request(app).get(`/api/streams/actor/Band/${w.band.id}`).set('Accept', AS2).expect(200);
    expect(res.headers['content-type']).to.match(/^application\/activity\+json/);
    expect(res.headers.vary).to.match(/Accept/);
    const page = JSON.parse(res.text);
    expect(page['@context']).to.equal(CONTEXT);
    expect(page.type).to.equal('OrderedCollectionPage');
    expect(page.id).to.match(new RegExp(`^http://[^/]+/api/streams/actor/Band/${w.band.id}$`));
    expect(page.partOf).to.equal(page.id);
    expect(page).not.to.have.property('next');
    const [activity] = page.orderedItems as As2Activity[];
    expect(activity.type).to.equal('Activity');
    expect(activity.id).to.match(new RegExp(`/api/actions/${w.sent.booked.id}$`));
    expect(activity.actor).to.deep.include({ type: 'Object', name: 'The Seeds' });
    expect(activity.actor.id).to.match(new RegExp(`/streams/Band/${w.band.id}$`));
    expect(activity.object).to.deep.include({ type: 'Object', name: 'Spring opener' });
    expect(activity.target).to.deep.include({ type: 'Object', name: 'Town Hall, Ghent' });
    expect(activity.published).to.equal('2026-11-01T12:04:00.000Z');
    expect(activity.summary).to.equal('The Seeds booked Spring opener on Town Hall, Ghent');
  });

  it('links pages with next (a URL that works) and partOf', async () => {
    const first = JSON.parse((await request(app).get('/api/streams/model/User?limit=3').set('Accept', AS2).expect(200)).text);
    expect(first.orderedItems).to.have.length(3);
    expect(first.next).to.be.a('string').and.match(/before=/);
    const second = JSON.parse((await request(app).get(pathOf(first.next)).set('Accept', AS2).expect(200)).text);
    // supertest serves each request on a new port: compare paths.
    expect(pathOf(second.id)).to.equal(pathOf(first.next));
    expect(pathOf(second.partOf)).to.equal(pathOf(first.partOf));
    expect(second.orderedItems.map((a: As2Activity) => a.summary)).to.deep.equal(['Ann reached level 10']);
    expect(second).not.to.have.property('next');
  });

  it('uses Person for users, leaves out absent roles and shows deleted objects as Tombstones', async () => {
    await w.concert.destroy();
    const page = JSON.parse((await request(app).get(`/api/streams/any/User/${w.bob.id}`).set('Accept', AS2).expect(200)).text);
    const [liked] = page.orderedItems as As2Activity[];
    expect(liked.actor.type).to.equal('Person');
    expect(liked).not.to.have.property('target');
    expect(liked.object).to.deep.include({ type: 'Tombstone', formerType: 'Object', name: `Concert ${w.concert.id}` });
  });

  it('answers one action as an Activity document, and plain JSON without the Accept', async () => {
    const res = await request(app).get(`/api/actions/${w.sent.joined.id}`).set('Accept', `${AS2}, application/json;q=0.5`).expect(200);
    const activity = JSON.parse(res.text);
    expect(activity).to.deep.include({ '@context': CONTEXT, type: 'Activity', summary: 'Ann joined Climbers' });
    expect(activity).not.to.have.property('object');
    const plain = await request(app).get(`/api/actions/${w.sent.joined.id}`).expect(200).expect('Content-Type', /application\/json/);
    expect(plain.body.verb).to.equal('joined');
  });

  it('keeps private actions out', async () => {
    const res = await request(app).get(`/api/streams/any/Group/${w.climbers.id}`).set('Accept', AS2).expect(200);
    expect(res.text).not.to.include('secretly').and.not.to.include('PRIVATE-MARKER');
    await request(app).get(`/api/actions/${w.sent.secret.id}`).set('Accept', AS2).expect(404);
  });
});
