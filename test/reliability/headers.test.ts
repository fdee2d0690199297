import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Action, Follow } from 'actstream';
import { Group } from '../../models/index.js';
import { createApp } from '../../server/app.js';
import { database, clearRateLimits } from '../helpers/database.js';
import { loggedIn as adminLoggedIn, makeUser, STAFF_PASSWORD } from '../admin/helpers.js';
import { loggedIn, PASSWORD, seedWorld, testApp, type World } from '../http/fixtures.js';

function cookieLine(res: request.Response): string {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const line = lines.find((l) => l.startsWith('actstream.sid='));
  expect(line, `session cookie in ${JSON.stringify(lines)}`).to.be.a('string');
  return line!;
}

describe('reliability: sessions, security headers, CSRF and redirects', function () {
  this.timeout(60_000);
  let app: Express;
  let w: World;

  before(async () => {
    ({ app } = await testApp());
  });
  beforeEach(async () => {
    w = await seedWorld();
  });

  describe('security headers (helmet)', () => {
    it('are on pages, API answers and feeds, with a CSP that allows no inline script', async () => {
      for (const path of ['/streams', '/api/streams/model/User', `/feeds/object/Group/${w.climbers.id}.atom`, '/nowhere']) {
        const res = await request(app).get(path);
        expect(res.headers['x-content-type-options'], path).to.equal('nosniff');
        expect(res.headers['x-frame-options'], path).to.equal('SAMEORIGIN');
        expect(res.headers['referrer-policy'], path).to.equal('same-origin');
        const csp = String(res.headers['content-security-policy']);
        if (path === '/nowhere') {
          // Express's own 404 page sends the strictest policy there is.
          expect(csp, path).to.equal("default-src 'none'");
        } else {
          expect(csp, path).to.match(/script-src 'self'(;|$)/).and.match(/frame-ancestors 'none'/).and.match(/object-src 'none'/);
        }
        expect(csp, path).not.to.include('unsafe-eval');
        expect(res.headers['x-powered-by'], path).to.equal(undefined);
        // Served over plain HTTP in development: no HSTS, no upgrade of requests.
        expect(res.headers['strict-transport-security'], path).to.equal(undefined);
      }
    });

    it('the admin gets the inline scripts and styles AdminJS needs, and nothing from other origins', async () => {
      const res = await request(app).get('/admin/login').expect(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).to.match(/script-src 'self' 'unsafe-inline'(;|$)/).and.match(/frame-ancestors 'none'/).and.match(/default-src 'self'/);
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
    });

    it('production adds HSTS and upgrade-insecure-requests', async () => {
      const prod = await createApp({ sequelize: await database(), config: { sessionSecret: 'production-secret-for-tests', production: true } });
      const res = await request(prod).get('/streams').set('X-Forwarded-Proto', 'https');
      expect(res.headers['strict-transport-security']).to.match(/max-age=31536000/);
      expect(String(res.headers['content-security-policy'])).to.include('upgrade-insecure-requests');
    });
  });

  describe('session cookies', () => {
    it('are HttpOnly and SameSite=Lax, and not Secure over plain HTTP in development', async () => {
      const api = cookieLine(await request(app).post('/api/session').send({ email: 'ann@example.com', password: PASSWORD }).expect(200));
      await makeUser('staff@example.com', true);
      const admin = cookieLine(await request(app).post('/admin/login').type('form').send({ email: 'staff@example.com', password: STAFF_PASSWORD }).expect(302));
      for (const line of [api, admin]) {
        expect(line).to.match(/; HttpOnly/i).and.match(/; SameSite=Lax/i);
        expect(line).not.to.match(/; Secure/i);
      }
    });

    it('are Secure in production (behind the TLS proxy named by TRUST_PROXY)', async () => {
      const prod = await createApp({ sequelize: await database(), config: { sessionSecret: 'production-secret-for-tests', production: true, trustProxy: 1 } });
      const line = cookieLine(
        await request(prod).post('/api/session').set('X-Forwarded-Proto', 'https').send({ email: 'ann@example.com', password: PASSWORD }).expect(200),
      );
      expect(line).to.match(/; Secure/i).and.match(/; HttpOnly/i).and.match(/; SameSite=Lax/i);
    });
  });

  describe('login rate limits', () => {
    beforeEach(clearRateLimits);
    it('API: after 10 failed logins from one address the 11th is 429, even with the right password', async () => {
      const fresh = await createApp({ sequelize: await database(), config: { sessionSecret: 'rate-limit-test', production: false } });
      for (let i = 0; i < 10; i++) await request(fresh).post('/api/session').send({ email: 'ann@example.com', password: 'wrong' }).expect(401);
      const blocked = await request(fresh).post('/api/session').send({ email: 'ann@example.com', password: PASSWORD });
      expect(blocked.status).to.equal(429);
      expect(blocked.headers['set-cookie']).to.equal(undefined);
    });
    it('a spoofed X-Forwarded-For does not reset the count: no proxy is trusted unless TRUST_PROXY says so', async () => {
      const fresh = await createApp({ sequelize: await database(), config: { sessionSecret: 'rate-limit-test', production: true } });
      for (let i = 0; i < 10; i++) {
        await request(fresh).post('/api/session').set('X-Forwarded-For', `203.0.113.${i}`).send({ email: 'ann@example.com', password: 'wrong' }).expect(401);
      }
      const blocked = await request(fresh).post('/api/session').set('X-Forwarded-For', '198.51.100.7').send({ email: 'ann@example.com', password: PASSWORD });
      expect(blocked.status).to.equal(429);
      expect(blocked.text).to.match(/too many failed logins/i);
    });

    it('is shared by every process serving the app (counted in the database)', async () => {
      const first = await createApp({ sequelize: await database(), config: { sessionSecret: 'rate-limit-test', production: false } });
      const second = await createApp({ sequelize: await database(), config: { sessionSecret: 'rate-limit-test', production: false } });
      for (let i = 0; i < 10; i++) await request(i % 2 ? first : second).post('/api/session').send({ email: 'ann@example.com', password: 'wrong' }).expect(401);
      const blocked = await request(second).post('/api/session').send({ email: 'ann@example.com', password: PASSWORD });
      expect(blocked.status).to.equal(429);
      expect(blocked.text).to.match(/too many failed logins/i);
    });

    it('behind a trusted proxy the limit is per client address', async () => {
      const fresh = await createApp({ sequelize: await database(), config: { sessionSecret: 'rate-limit-test', production: true, trustProxy: 1 } });
      for (let i = 0; i < 10; i++) {
        await request(fresh).post('/api/session').set('X-Forwarded-For', '203.0.113.9').send({ email: 'ann@example.com', password: 'wrong' }).expect(401);
      }
      expect((await request(fresh).post('/api/session').set('X-Forwarded-For', '203.0.113.9').send({ email: 'ann@example.com', password: PASSWORD })).status).to.equal(429);
      const other = await request(fresh).post('/api/session').set('X-Forwarded-For', '198.51.100.7').send({ email: 'ann@example.com', password: PASSWORD }).expect(200);
      expect(other.body.user.label).to.equal('Ann');
    });
    // The admin's limit: test/admin/login.test.ts ("rate limit").
  });

  describe('CSRF on cookie-authenticated changes', () => {
    it('the admin refuses a cross-site POST with the staff cookie, and records nothing', async () => {
      await makeUser('staff@example.com', true);
      const agent = await adminLoggedIn(app, 'staff@example.com');
      const groups = await Group.count();
      for (const headers of [{ Origin: 'https://evil.example' }, { Origin: 'null' }, { 'Sec-Fetch-Site': 'cross-site' }]) {
        const res = await agent.post('/admin/api/resources/groups/actions/new').set(headers).type('form').send({ name: 'Forged' });
        expect(res.status, JSON.stringify(headers)).to.equal(403);
      }
      expect(await Group.count()).to.equal(groups);
      // The same request from the admin's own pages goes through.
      const host = new URL(String(agent.get('/').url)).host;
      const ok = await agent.post('/admin/api/resources/groups/actions/new').set('Origin', `http://${host}`).type('form').send({ name: 'Genuine' });
      expect(ok.status).to.equal(200);
      expect(ok.body.notice.type).to.equal('success');
    });

    it('the API refuses a cookie-authenticated change from another site even with the CSRF token', async () => {
      const { agent, csrf } = await loggedIn(app, 'ann@example.com');
      const actions = await Action.count();
      const follows = await Follow.count();
      const res = await agent.post('/api/actions').set('X-CSRF-Token', csrf).set('Origin', 'https://evil.example').send({ verb: 'forged' });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('cross_site_request');
      await agent.post('/api/follows').set('X-CSRF-Token', csrf).set('Sec-Fetch-Site', 'cross-site').send({ type: 'Band', id: w.band.id }).expect(403);
      expect(await Action.count()).to.equal(actions);
      expect(await Follow.count()).to.equal(follows);
    });

    it('the pages log out only with the form token', async () => {
      const { agent } = await loggedIn(app, 'ann@example.com');
      await agent.post('/logout').type('form').send({ _csrf: 'forged' }).expect(303);
      await agent.get('/api/session').expect(200); // still logged in
    });
    // The API's X-CSRF-Token rules: test/http/auth.test.ts ("CSRF for cookie-authenticated changes").
  });

  describe('no open redirect', () => {
    const evil = ['https://evil.example', '//evil.example', '/\\evil.example', 'https:evil.example', '%2F%2Fevil.example'];
    const params = ['next', 'redirect', 'redirectTo', 'returnTo', 'return_to', 'url', 'continue'];

    const REDIRECTS = [301, 302, 303, 307, 308];

    /**
     * `res` goes nowhere off this site. `expected` says whether this request redirects ('redirect':
     * a 3xx with a Location on this host), answers in place ('answer': no Location, no refresh to
     * elsewhere), or may do either (odd paths).
     */
    function expectLocal(res: request.Response, what: string, expected: 'redirect' | 'answer' | 'either'): void {
      const location = res.headers.location as string | undefined;
      const shown = `${what}: ${res.status} ${location ?? '(no Location)'}`;
      expect(res.text, shown).not.to.match(/http-equiv=["']?refresh[^>]*evil\.example|location(\.href)?\s*=\s*["'][^"']*evil\.example/i);
      if (location === undefined) {
        expect(expected, shown).not.to.equal('redirect');
        expect(REDIRECTS, shown).not.to.include(res.status);
        return;
      }
      expect(expected, shown).not.to.equal('answer');
      expect(REDIRECTS, shown).to.include(res.status);
      const resolved = new URL(location, 'http://app.test');
      expect(resolved.host, `${what} redirected to ${location}`).to.equal('app.test');
      expect(location, what).not.to.match(/^\/[\\/]/);
    }

    it('from any login, logout or admin URL, whatever the query asks', async () => {
      await makeUser('staff@example.com', true);
      const admin = await adminLoggedIn(app, 'staff@example.com');
      const { agent: user } = await loggedIn(app, 'ann@example.com');
      // What each anonymous page does: the admin sends strangers to its login page, the rest answer.
      const anonymous = {
        '/admin/login': 'answer',
        '/admin': 'redirect',
        '/admin/logout': 'redirect',
        '/login': 'answer',
        '/api/session': 'answer',
        '/streams': 'answer',
        '/admin/resources/groups': 'redirect',
      } as const;
      for (const target of evil) {
        for (const param of params) {
          const q = `?${param}=${encodeURIComponent(target)}`;
          for (const [path, expected] of Object.entries(anonymous)) {
            expectLocal(await request(app).get(path + q).set('Host', 'app.test'), `anonymous GET ${path}${q}`, expected);
          }
          expectLocal(
            await request(app).post(`/admin/login${q}`).set('Host', 'app.test').type('form').send({ email: 'staff@example.com', password: STAFF_PASSWORD }),
            `admin login ${q}`,
            'redirect',
          );
          // The pages' login form, as a browser posts it: with the token from the form.
          const browser = request.agent(app);
          const form = await browser.get('/login').set('Host', 'app.test').expect(200);
          const _csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
          expectLocal(await browser.post(`/login${q}`).set('Host', 'app.test').type('form').send({ email: 'ann@example.com', password: PASSWORD, _csrf }), `login ${q}`, 'redirect');
          expectLocal(await admin.get(`/admin${q}`).set('Host', 'app.test'), `staff GET /admin${q}`, 'answer');
          expectLocal(await user.post(`/logout${q}`).set('Host', 'app.test').type('form').send({}), `logout ${q}`, 'redirect');
        }
      }
      // Paths that look like another host: answered or sent somewhere on this site, never elsewhere.
      for (const path of ['//evil.example/', '/admin//evil.example', '/%2F%2Fevil.example', '/admin/frontend/assets/..%2F..%2F', '/streams/', '/admin/']) {
        expectLocal(await request(app).get(path).set('Host', 'app.test'), `GET ${path}`, 'either');
      }
    });

    it('an anonymous admin visit remembers only a path of this site for after login', async () => {
      await makeUser('staff@example.com', true);
      const agent = request.agent(app);
      await agent.get('/admin/resources/groups?next=https://evil.example').set('Host', 'app.test');
      const res = await agent.post('/admin/login').set('Host', 'app.test').type('form').send({ email: 'staff@example.com', password: STAFF_PASSWORD });
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.match(/^\/admin/);
    });
  });
});
