import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sequelize, QueryTypes } from 'sequelize';
import { startServer, type ServerProcess } from '../../scripts/load/server-process.js';
import { readJsonLog, scratchDir, scratchSqliteUrl } from './helpers.js';

const STAFF = { email: 'logs@example.com', password: 'Pa55-word-only-in-this-test' };
const WRONG_PASSWORD = 'Wr0ng-password-only-in-this-test';
const SESSION_SECRET = 'session-secret-only-in-this-test-0123456789';

function cookieOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((line) => line.split(';', 1)[0])
    .join('; ');
}

describe('reliability: structured logs', function () {
  this.timeout(90_000);
  let server: ServerProcess | undefined;
  let logFile: string;
  let databaseUrl: string;
  const requestIds: string[] = [];
  const secrets: Record<string, string> = { password: STAFF.password, wrongPassword: WRONG_PASSWORD, sessionSecret: SESSION_SECRET };

  before(async () => {
    const dir = scratchDir();
    logFile = join(dir, 'server.log');
    databaseUrl = scratchSqliteUrl(dir);
    server = await startServer({
      databaseUrl,
      logFile,
      env: { ADMIN_EMAIL: STAFF.email, ADMIN_PASSWORD: STAFF.password, SESSION_SECRET, LOG_LEVEL: 'info' },
    });
    const base = server.baseUrl;
    const call = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(base + path, { redirect: 'manual', ...init });
      const id = res.headers.get('x-request-id');
      expect(id, `X-Request-Id on ${path}`).to.be.a('string');
      requestIds.push(id!);
      return res;
    };
    const json = { 'content-type': 'application/json' };

    // A full run: a failed and a good login, tokens, actions by token and by cookie, a feed by its
    // token in the URL, the admin's login and an admin edit.
    expect((await call('/api/session', { method: 'POST', headers: json, body: JSON.stringify({ email: STAFF.email, password: WRONG_PASSWORD }) })).status).to.equal(401);
    const login = await call('/api/session', { method: 'POST', headers: json, body: JSON.stringify(STAFF) });
    expect(login.status).to.equal(200);
    const cookie = cookieOf(login);
    secrets.sessionCookie = cookie.split('=')[1]!;
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    secrets.csrf = csrf;
    const withSession = { ...json, cookie, 'x-csrf-token': csrf };
    const api = await call('/api/tokens', { method: 'POST', headers: withSession, body: JSON.stringify({ name: 'cli' }) });
    secrets.apiToken = ((await api.json()) as { token: string }).token;
    const feed = await call('/api/tokens', { method: 'POST', headers: withSession, body: JSON.stringify({ name: 'reader', scope: 'feed' }) });
    secrets.feedToken = ((await feed.json()) as { token: string }).token;
    for (const token of [secrets.apiToken, secrets.feedToken]) secrets[`hash of ${token.slice(0, 4)}`] = createHash('sha256').update(token).digest('hex');

    const bearer = { ...json, authorization: `Bearer ${secrets.apiToken}` };
    expect((await call('/api/actions', { method: 'POST', headers: bearer, body: JSON.stringify({ verb: 'logged by token' }) })).status).to.equal(201);
    expect((await call('/api/actions', { method: 'POST', headers: withSession, body: JSON.stringify({ verb: 'logged by cookie' }) })).status).to.equal(201);
    expect((await call('/api/streams/user', { headers: bearer })).status).to.equal(200);
    expect((await call(`/feeds/user/${secrets.feedToken}.atom`)).status).to.equal(200);
    expect((await call(`/api/streams/user?token=${secrets.apiToken}`, { headers: { authorization: 'Bearer ast_not-a-real-token' } })).status).to.equal(401);

    const adminLogin = await call('/admin/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(STAFF).toString(),
    });
    expect(adminLogin.status).to.equal(302);
    const adminCookie = cookieOf(adminLogin);
    secrets.adminCookie = adminCookie.split('=')[1]!;
    const created = await call('/admin/api/resources/groups/actions/new', {
      method: 'POST',
      headers: { cookie: adminCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'Loggers' }).toString(),
    });
    expect(created.status).to.equal(200);

    const given = await call('/healthz', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(given.headers.get('x-request-id')).to.equal('trace-abc.123');
    const hostile = await call('/healthz', { headers: { 'x-request-id': 'evil id with spaces {"level":60}' } });
    expect(hostile.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);

    expect(await server.stop()).to.equal(0);
    // The password hash, read from the database after the run.
    const db = new Sequelize(databaseUrl.replace(/^sqlite:/, 'sqlite:'), { dialect: 'sqlite', storage: databaseUrl.replace(/^sqlite:/, ''), logging: false });
    const [row] = await db.query<{ passwordHash: string }>('SELECT "passwordHash" FROM users WHERE email = :email', {
      replacements: { email: STAFF.email },
      type: QueryTypes.SELECT,
    });
    await db.close();
    secrets.passwordHash = row!.passwordHash;
  });
  after(() => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('writes one JSON object per line', () => {
    expect(readJsonLog(logFile).length).to.be.greaterThan(requestIds.length);
  });

  it('logs every request with its id, which is also the X-Request-Id response header', () => {
    const lines = readJsonLog(logFile);
    // startServer's own readiness probes are logged too; the rest are this test's requests.
    const requestLines = lines.filter((l) => l.req !== undefined && (l.req as { url: string }).url !== '/readyz');
    expect(requestLines.length).to.equal(requestIds.length);
    for (const line of requestLines) {
      expect(line.reqId, JSON.stringify(line)).to.be.a('string').and.equal((line.req as { id: string }).id);
    }
    expect(requestLines.map((l) => l.reqId)).to.have.members(requestIds);
  });

  it('never logs a password, password hash, token, token hash, session secret, cookie or CSRF token', () => {
    const text = readFileSync(logFile, 'utf8');
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret, name).to.be.a('string').with.length.above(8);
      expect(text.includes(secret), `${name} appears in the log`).to.equal(false);
    }
    // The feed was logged, with its token blanked out.
    expect(text).to.include('/feeds/user/asf_[redacted].atom');
  });
});
