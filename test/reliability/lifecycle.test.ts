import { expect } from 'chai';
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { Sequelize } from 'sequelize';
import request from 'supertest';
import { startServer, type ServerProcess } from '../../scripts/load/server-process.js';
import { createApp } from '../../server/app.js';
import { database } from '../helpers/database.js';
import { freePort } from '../../scripts/load/server-process.js';
import { readJsonLog, scratchDir, scratchSqliteUrl } from './helpers.js';

const STAFF = { email: 'lifecycle@example.com', password: 'lifecycle password 42' };

/** Resolves once nothing accepts connections on `port` any more (bounded number of tries). */
async function refusesConnections(port: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    if (refused) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function bodyOf(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.once('end', () => resolve(text));
    res.once('error', reject);
  });
}

describe('reliability: health, readiness and graceful shutdown', function () {
  this.timeout(90_000);

  describe('/healthz and /readyz', () => {
    it('both answer 200 when the database is reachable', async () => {
      const app = await createApp({ sequelize: await database(), config: { sessionSecret: 'lifecycle-test', production: false } });
      expect((await request(app).get('/healthz').expect(200)).body).to.deep.equal({ status: 'ok' });
      expect((await request(app).get('/readyz').expect(200)).body).to.deep.equal({ status: 'ready' });
    });

    it('/readyz is 503 with Retry-After when the database is unreachable; /healthz stays 200', async () => {
      await database(); // models initialised on the suite's database; this app's own connection goes nowhere
      const port = await freePort();
      const nowhere = new Sequelize(`postgres://postgres@127.0.0.1:${port}/none`, { logging: false, pool: { acquire: 3000 } });
      try {
        const app = await createApp({ sequelize: nowhere, config: { sessionSecret: 'lifecycle-test', production: false } });
        const res = await request(app).get('/readyz').expect(503);
        expect(res.headers['retry-after']).to.match(/^\d+$/);
        expect(res.body.status).to.equal('unavailable');
        expect(JSON.stringify(res.body)).not.to.match(/ECONNREFUSED|at .*\.js/);
        await request(app).get('/healthz').expect(200);
      } finally {
        await nowhere.close();
      }
    });
  });

  describe('SIGTERM', () => {
    let server: ServerProcess | undefined;
    let logFile: string;

    before(async () => {
      const dir = scratchDir();
      logFile = join(dir, 'server.log');
      server = await startServer({
        databaseUrl: scratchSqliteUrl(dir),
        logFile,
        env: { ADMIN_EMAIL: STAFF.email, ADMIN_PASSWORD: STAFF.password, SHUTDOWN_TIMEOUT_MS: '20000' },
      });
    });
    after(() => {
      if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    });

    it('stops accepting, finishes the request in flight (with a database write), closes the pool and exits 0', async () => {
      const { port } = server!;
      const body = JSON.stringify(STAFF);
      // The request is in flight once the server has read its headers (it answers 100 Continue);
      // its body arrives only after SIGTERM.
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/session',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
      });
      const response = once(req, 'response') as Promise<[IncomingMessage]>;
      req.flushHeaders();
      await once(req, 'continue');

      server!.child.kill('SIGTERM');
      expect(await refusesConnections(port), 'new connections refused after SIGTERM').to.equal(true);
      expect(server!.child.exitCode, 'still running while a request is in flight').to.equal(null);

      req.end(body);
      const [res] = await response;
      const text = await bodyOf(res);
      expect(res.statusCode, text).to.equal(200);
      expect(JSON.parse(text).user.label).to.equal('Admin');

      expect(await server!.exited).to.equal(0);
      const lines = readJsonLog(logFile);
      const messages = lines.map((l) => l.msg);
      expect(messages).to.include('shutting down: no new connections, finishing in-flight requests');
      expect(lines.find((l) => l.msg === 'stopped')).to.deep.include({ code: 0 });
      const login = lines.find((l) => (l.req as { url?: string } | undefined)?.url === '/api/session');
      expect(login?.res).to.deep.equal({ statusCode: 200 });
      // Everything after the signal: the login finished before the pool was closed.
      expect(messages.indexOf('stopped')).to.be.greaterThan(lines.indexOf(login!));
    });
  });
});
