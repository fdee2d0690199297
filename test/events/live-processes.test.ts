import { expect } from 'chai';
import { join } from 'node:path';
import { createToken } from '../../auth/tokens.js';
import { follow } from 'actstream';
import { User } from '../../models/index.js';
import { startServer, type ServerProcess } from '../../scripts/load/server-process.js';
import { databaseUrl, resetDatabase } from '../helpers/database.js';
import { SseClient } from '../helpers/sse.js';
import { readJsonLog, scratchDir } from '../reliability/helpers.js';

// Two real server processes on one database (PostgreSQL in CI's second run, a SQLite file here):
// an action written through A reaches a client of B (LISTEN/NOTIFY, or SQLite's data_version);
// SIGTERM ends every stream with a last event and the process exits 0.

describe('live streams across server processes', function () {
  this.timeout(120_000);
  let a: ServerProcess;
  let b: ServerProcess;
  let logB: string;
  let ann: User;
  let bob: User;

  before(async () => {
    const url = await databaseUrl();
    await resetDatabase();
    const dir = scratchDir('actstream-live-');
    logB = join(dir, 'b.log');
    const env = { ADMIN_EMAIL: 'staff@example.com', ADMIN_PASSWORD: 'a-long-password-1', SHUTDOWN_TIMEOUT_MS: '5000' };
    a = await startServer({ databaseUrl: url, logFile: join(dir, 'a.log'), env });
    b = await startServer({ databaseUrl: url, logFile: logB, env });
    ann = await User.create({ email: 'ann-live@example.com', name: 'Ann Live' });
    bob = await User.create({ email: 'bob-live@example.com', name: 'Bob Live' });
    await follow(bob, ann, { sendAction: false });
  });

  after(async () => {
    for (const server of [a, b]) if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('an action sent through process A reaches a client connected to process B', async () => {
    const client = await SseClient.open(`${b.baseUrl}/api/events?streams=user`, { authorization: `Bearer ${(await createToken(bob, 'live', 'api')).token}` });
    expect(client.status).to.equal(200);
    const res = await fetch(`${a.baseUrl}/api/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${(await createToken(ann, 'live', 'api')).token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ verb: 'waved from A' }),
    });
    expect(res.status).to.equal(201);
    const sent = (await res.json()) as { id: number };
    const [event] = await client.atLeast('action', 1);
    expect(JSON.parse(event.data)).to.include({ id: sent.id, verb: 'waved from A' });
    client.close();
  });

  it('SIGTERM ends every open stream with a shutdown event, and the process exits 0', async () => {
    const clients = await Promise.all([1, 2, 3].map(() => SseClient.open(`${b.baseUrl}/api/events?streams=model:User`)));
    for (const client of clients) expect(client.status).to.equal(200);
    expect(await b.stop()).to.equal(0);
    for (const client of clients) {
      await client.closed();
      expect(client.of('shutdown')).to.have.length(1);
    }
    expect(readJsonLog(logB).some((line) => line.msg === 'stopped' && line.code === 0)).to.equal(true);
  });
});
