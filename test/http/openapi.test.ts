import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { action } from 'actstream';
import { bearerFor, loggedIn, PASSWORD, seedWorld, testApp, type World } from './fixtures.js';

type Json = Record<string, unknown>;
const DOC_ID = 'https://actstream.test/openapi.json';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
  requestBody?: { content: Record<string, { schema: Json }> };
}

/** The operation whose path template (e.g. /api/streams/any/{type}/{id}) matches `path`. */
function operationFor(doc: Json, method: string, path: string): Operation {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const bare = path.split('?')[0];
  // Literal paths win over templates (/api/streams/user before /api/streams/{kind}...).
  const templates = Object.keys(paths).sort((a, b) => (a.includes('{') ? 1 : 0) - (b.includes('{') ? 1 : 0));
  const template = templates.find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare));
  expect(template, `${method} ${bare} is documented`).to.be.a('string');
  const operation = paths[template!][method.toLowerCase()];
  expect(operation, `${method} ${template} is documented`).to.be.an('object');
  return operation;
}

describe('HTTP: OpenAPI document', () => {
  let app: Express;
  let w: World;
  let doc: Json;
  let ajv: Ajv2020;

  const schemaOf = (schema: Json) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${DOC_ID}#/$defs/`)) as Json;

  /** Checks one real response against the schema the document gives for its method, path, status and type. */
  function conforms(method: string, path: string, res: request.Response): void {
    const operation = operationFor(doc, method, path);
    const documented = operation.responses[String(res.status)];
    expect(documented, `${method} ${path} documents status ${res.status}`).to.be.an('object');
    if (!documented.content) {
      expect(res.text ?? '', `${method} ${path} has no body`).to.equal('');
      return;
    }
    const type = String(res.headers['content-type']).split(';')[0];
    const media = documented.content[type];
    expect(media, `${method} ${path} ${res.status} documents ${type}`).to.be.an('object');
    const validate = ajv.compile(schemaOf(media.schema));
    const body = type === 'application/json' ? res.body : JSON.parse(res.text);
    expect(validate(body), `${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
  }

  before(async () => {
    ({ app } = await testApp());
    doc = (await request(app).get('/api/openapi.json').expect(200)).body;
    ajv = new Ajv2020({ strict: true, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: DOC_ID, $defs: schemaOf((doc.components as Json).schemas as Json) });
  });
  beforeEach(async () => {
    w = await seedWorld();
  });

  it('is an OpenAPI 3.1 document whose schemas compile', () => {
    expect(doc.openapi).to.equal('3.1.0');
    const schemas = (doc.components as Json).schemas as Json;
    expect(schemas).to.include.keys(['Action', 'ObjectRef', 'StreamPage', 'Error', 'Follow', 'Session', 'Token', 'NewToken']);
    expect(schemas).to.include.keys(['ActionGroup', 'GroupedStreamPage', 'Notification', 'NotificationPage', 'GroupedNotificationPage', 'UnreadCount', 'ReadMarker']);
    for (const [name, schema] of Object.entries(schemas)) {
      expect(() => ajv.compile(schemaOf(schema as Json)), name).not.to.throw();
    }
  });

  it('describes every GET response the API gives, errors included', async () => {
    const bob = await bearerFor(w.bob);
    for (const verb of ['waved', 'waved']) await action.send(w.ann, { verb, actionObject: w.concert, target: w.climbers, notify: [w.bob] });
    await w.concert.destroy(); // deleted references must fit the schema too
    const gets: [string, string | null, string | null][] = [
      [`/api/streams/actor/User/${w.ann.id}`, null, null],
      [`/api/streams/target/Group/${w.climbers.id}?limit=1`, null, null],
      [`/api/streams/action-object/Concert/${w.concert.id}`, null, null],
      [`/api/streams/any/User/${w.bob.id}`, null, null],
      [`/api/streams/any/User/${w.bob.id}`, null, 'application/activity+json'],
      ['/api/streams/model/User?limit=2', null, null],
      ['/api/streams/model/User?limit=2', null, 'application/activity+json'],
      ['/api/streams/user?withUserActivity=true', bob, null],
      ['/api/streams/user', null, null],
      [`/api/actions/${w.sent.booked.id}`, null, null],
      [`/api/actions/${w.sent.booked.id}`, null, 'application/activity+json'],
      [`/api/actions/${w.sent.secret.id}`, null, null],
      [`/api/followers/User/${w.ann.id}`, bob, null],
      [`/api/following/${w.bob.id}`, bob, null],
      ['/api/tokens', bob, null],
      ['/api/session', null, null],
      ['/api/streams/any/Nope/1', null, null],
      ['/api/streams/model/User?limit=0', null, null],
      ['/api/streams/model/User?before=zzz', null, null],
      [`/api/streams/target/Group/${w.climbers.id}?grouped=true`, null, null],
      [`/api/streams/any/Group/${w.climbers.id}?grouped=true`, null, 'application/activity+json'],
      ['/api/streams/user?grouped=true&withUserActivity=true', bob, null],
      ['/api/notifications', bob, null],
      ['/api/notifications?unread=true&limit=1', bob, null],
      ['/api/notifications?grouped=true', bob, null],
      ['/api/notifications', bob, 'application/activity+json'],
      ['/api/notifications?grouped=true', bob, 'application/activity+json'],
      ['/api/notifications', null, null],
      ['/api/notifications?limit=0', bob, null],
      ['/api/notifications/unread-count', bob, null],
      ['/api/notifications/unread-count', null, null],
    ];
    for (const [path, auth, accept] of gets) {
      const req = request(app).get(path);
      if (auth) req.set('Authorization', auth);
      if (accept) req.set('Accept', accept);
      conforms('GET', path, await req);
    }
  });

  it('describes the responses of state changes, and the request bodies it documents are the ones accepted', async () => {
    const { agent, csrf } = await loggedIn(app, 'ann@example.com');
    const session = await request(app).post('/api/session').send({ email: 'ann@example.com', password: PASSWORD });
    conforms('POST', '/api/session', session);
    conforms('POST', '/api/session', await request(app).post('/api/session').send({ email: 'ann@example.com', password: 'x' }));
    conforms('GET', '/api/session', await agent.get('/api/session'));

    const sendBody = { verb: 'reviewed', actionObject: { type: 'Band', id: w.band.id }, target: { type: 'Location', id: String(w.hall.id) }, data: { stars: 5 } };
    const bodySchema = ajv.compile(schemaOf(operationFor(doc, 'POST', '/api/actions').requestBody!.content['application/json'].schema));
    expect(bodySchema(sendBody), ajv.errorsText(bodySchema.errors)).to.equal(true);
    expect(bodySchema({ verb: 'x', surprise: true })).to.equal(false);
    conforms('POST', '/api/actions', await agent.post('/api/actions').set('X-CSRF-Token', csrf).send(sendBody));
    conforms('POST', '/api/actions', await agent.post('/api/actions').set('X-CSRF-Token', csrf).send({ verb: '' }));
    conforms('POST', '/api/actions', await agent.post('/api/actions').send({ verb: 'no csrf' }));
    conforms('POST', '/api/actions', await request(app).post('/api/actions').send({ verb: 'anonymous' }));
    conforms(
      'POST',
      '/api/actions',
      await agent.post('/api/actions').set('X-CSRF-Token', csrf).set('Content-Type', 'application/json').send('{oops'),
    );
    conforms('POST', '/api/actions', await agent.post('/api/actions').set('X-CSRF-Token', csrf).send({ verb: 'x', data: { s: 'x'.repeat(70_000) } }));

    conforms('POST', '/api/follows', await agent.post('/api/follows').set('X-CSRF-Token', csrf).send({ type: 'Band', id: w.band.id }));
    conforms('POST', '/api/follows', await agent.post('/api/follows').set('X-CSRF-Token', csrf).send({ type: 'Band', id: w.band.id }));
    conforms('POST', '/api/follows', await agent.post('/api/follows').set('X-CSRF-Token', csrf).send({ type: 'Band', id: 1, user: { type: 'User', id: w.bob.id } }));
    conforms('DELETE', '/api/follows', await agent.delete('/api/follows').set('X-CSRF-Token', csrf).send({ type: 'Band', id: w.band.id }));

    const token = await agent.post('/api/tokens').set('X-CSRF-Token', csrf).send({ name: 'feed reader', scope: 'feed' });
    conforms('POST', '/api/tokens', token);
    conforms('DELETE', `/api/tokens/${token.body.id}`, await agent.delete(`/api/tokens/${token.body.id}`).set('X-CSRF-Token', csrf));
    conforms('DELETE', `/api/tokens/${token.body.id}`, await agent.delete(`/api/tokens/${token.body.id}`).set('X-CSRF-Token', csrf));
    conforms('DELETE', '/api/tokens', await agent.delete('/api/tokens').set('X-CSRF-Token', csrf));
    await action.send(w.bob, { verb: 'waved', target: w.climbers, notify: [w.ann] });
    const [notification] = (await agent.get('/api/notifications')).body.items as { id: number }[];
    conforms('POST', '/api/notifications/read', await agent.post('/api/notifications/read').set('X-CSRF-Token', csrf).send({ upTo: notification.id }));
    conforms('POST', '/api/notifications/read', await agent.post('/api/notifications/read').set('X-CSRF-Token', csrf).send({}));
    conforms('POST', '/api/notifications/read', await agent.post('/api/notifications/read').send({ upTo: notification.id }));
    conforms('POST', '/api/notifications/read', await request(app).post('/api/notifications/read').send({ upTo: 1 }));
    conforms('DELETE', `/api/notifications/${notification.id}/read`, await agent.delete(`/api/notifications/${notification.id}/read`).set('X-CSRF-Token', csrf));
    conforms('POST', `/api/notifications/${notification.id}/read`, await agent.post(`/api/notifications/${notification.id}/read`).set('X-CSRF-Token', csrf));
    conforms('POST', '/api/notifications/999999/read', await agent.post('/api/notifications/999999/read').set('X-CSRF-Token', csrf));
    conforms('POST', '/api/notifications/x/read', await agent.post('/api/notifications/x/read').set('X-CSRF-Token', csrf));

    conforms('DELETE', '/api/session', await agent.delete('/api/session').set('X-CSRF-Token', csrf));
  });
});
