import { expect } from 'chai';
import type { Express } from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { bearerFor, seedWorld, testApp, type World } from '../http/fixtures.js';
import { rowCounts } from './helpers.js';

// Property: whatever path, query, headers and body arrive, the app answers below 500, shows no stack
// trace, and a refused request (4xx) changes nothing in the database.

const TYPES = ['User', 'Group', 'Comment', 'Band', 'Location', 'Concert', 'ApiToken', 'Action', 'actstream_actions', 'users'];
const NASTY = ["' OR '1'='1", 'a\u0000b', '"; DROP TABLE users; --', '%', '_', '\\', '..', '../..', '0', '-1', '1e99', '9007199254740993', 'null', '{}', '[]', '<script>x</script>', 'ä€𝄞', ' ', '1 UNION SELECT 1'];
// Raw (not re-encoded) path pieces: bad %-escapes, encoded slashes and dots, NUL.
const RAW = ['%', '%zz', '%E0%A4%A', '%00', '%2e%2e', '%2F', '..%2F..', '%ff', ';', '*'];

const segment = fc.oneof(
  fc.constantFrom(...TYPES).map(encodeURIComponent),
  fc.constantFrom(...NASTY).map(encodeURIComponent),
  fc.constantFrom(...RAW),
  fc.nat(100).map(String),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);

const route = fc.oneof(
  fc.tuple(fc.constantFrom('actor', 'target', 'action-object', 'any', 'model', 'nope'), segment, segment).map(([k, t, i]) => `/api/streams/${k}/${t}/${i}`),
  segment.map((t) => `/api/streams/model/${t}`),
  fc.constant('/api/streams/user'),
  segment.map((i) => `/api/actions/${i}`),
  fc.constantFrom('/api/actions', '/api/follows', '/api/tokens', '/api/session', '/api/openapi.json', '/api'),
  fc.tuple(segment, segment).map(([t, i]) => `/api/followers/${t}/${i}`),
  segment.map((i) => `/api/following/${i}`),
  segment.map((i) => `/api/tokens/${i}`),
  fc.tuple(segment, segment).map(([t, i]) => `/feeds/${t}/${i}.atom`),
  fc.tuple(segment, segment).map(([t, i]) => `/streams/${t}/${i}`),
  segment.map((i) => `/actions/${i}`),
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/api/${parts.join('/')}`),
);

const queryValue = fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 30 }), fc.nat().map(String), fc.constantFrom('true', '2026-01-01T00:00:00Z', 'eyJpZCI6MX0'));
const query = fc.dictionary(
  fc.oneof(fc.constantFrom('limit', 'before', 'verb', 'since', 'until', 'flag', 'withUserActivity', 'followFlag', 'onlyAfterFollow', 'next', 'type', 'id'), fc.string({ maxLength: 8 })),
  fc.oneof(queryValue, fc.array(queryValue, { maxLength: 2 })),
  { maxKeys: 4 },
);

const objectRef = fc.record({ type: fc.oneof(fc.constantFrom(...TYPES), fc.string()), id: fc.oneof(fc.nat(50), fc.constantFrom(...NASTY), fc.string()) }, { requiredKeys: [] });
const jsonBody = fc.oneof(
  fc.record(
    {
      verb: fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom(...NASTY), fc.integer()),
      actionObject: fc.oneof(objectRef, fc.constant(null), fc.string()),
      target: fc.oneof(objectRef, fc.constant(null)),
      description: fc.oneof(fc.string(), fc.constant(null)),
      public: fc.oneof(fc.boolean(), fc.string()),
      data: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(null)),
      actor: objectRef,
      type: fc.oneof(fc.constantFrom(...TYPES), fc.string()),
      id: fc.oneof(fc.nat(50), fc.string()),
      flag: fc.oneof(fc.string({ maxLength: 120 }), fc.integer()),
      actorOnly: fc.oneof(fc.boolean(), fc.string()),
      name: fc.string({ maxLength: 120 }),
      scope: fc.oneof(fc.constantFrom('api', 'feed'), fc.string()),
      email: fc.string(),
      password: fc.string(),
    },
    { requiredKeys: [] },
  ).map((body) => JSON.stringify(body)),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"verb":', 'null', '[]', '"x"', '{"verb":"x"}{', '\u0000'),
);

const headerText = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
const headers = fc.record(
  {
    accept: fc.oneof(fc.constantFrom('application/json', 'application/activity+json', 'text/html', '*/*', 'application/atom+xml'), headerText),
    'content-type': fc.oneof(fc.constantFrom('application/json', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'), headerText),
    'x-csrf-token': headerText,
    'x-request-id': headerText,
    authorization: fc.oneof(fc.constantFrom('Bearer', 'Bearer ast_', 'Basic Zm9vOmJhcg==', 'Bearer asf_x'), headerText),
  },
  { requiredKeys: [] },
);

const STACK = /\n\s+at |node_modules|\.ts:\d+|SequelizeDatabaseError|SQLITE_|ER_[A-Z_]+|syntax error at/;

describe('reliability: fuzzing every route (fast-check)', function () {
  this.timeout(120_000);
  let app: Express;
  let w: World;
  let bearer: string;

  before(async () => {
    ({ app } = await testApp());
    w = await seedWorld();
    bearer = await bearerFor(w.ann);
  });

  it('never answers 5xx or shows a stack trace, and a refused request writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'),
        route,
        query,
        headers,
        fc.option(jsonBody, { nil: undefined }),
        fc.boolean(),
        async (method, path, q, h, body, authenticated) => {
          const before = await rowCounts();
          let req = request(app)[method.toLowerCase() as 'get'](path).query(q);
          for (const [name, value] of Object.entries(h)) req = req.set(name, value);
          if (authenticated) req = req.set('Authorization', bearer);
          if (body !== undefined && method !== 'GET' && method !== 'HEAD') req = req.send(body);
          const res = await req;
          const shown = `${method} ${path} ${JSON.stringify(q)} -> ${res.status} ${res.text?.slice(0, 300)}`;
          expect(res.status, shown).to.be.below(500);
          expect(res.text ?? '', shown).not.to.match(STACK);
          if (res.status >= 400) expect(await rowCounts(), `a refused request wrote: ${shown}`).to.deep.equal(before);
        },
      ),
      { numRuns: 800, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
  });
});
