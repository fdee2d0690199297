import { expect } from 'chai';
import { join } from 'node:path';
import { startServer, type ServerProcess } from '../../scripts/load/server-process.js';
import { readJsonLog, scratchDir, scratchSqliteUrl } from '../reliability/helpers.js';

// npm start with WORKERS=2: one primary prepares the database, two workers serve the same port,
// a dead worker is replaced, and SIGTERM drains them all.

function pidsServing(logFile: string, path: string): Set<number> {
  const lines = readJsonLog(logFile).filter((l) => (l.req as { url?: string } | undefined)?.url === path);
  return new Set(lines.map((l) => Number(l.pid)));
}

async function listeningWorkers(logFile: string, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (readJsonLog(logFile).filter((l) => l.msg === 'listening').length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} workers listening after 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm start as a cluster (WORKERS=2)', function () {
  this.timeout(120_000);
  let server: ServerProcess | undefined;
  let logFile: string;

  before(async () => {
    const dir = scratchDir();
    logFile = join(dir, 'server.log');
    server = await startServer({ databaseUrl: scratchSqliteUrl(dir), logFile, env: { WORKERS: '2', ADMIN_EMAIL: 'staff@example.com', ADMIN_PASSWORD: 'a-long-password-1' } });
    // Ready means one worker answers; wait for the second too.
    await listeningWorkers(logFile, 2);
  });
  after(() => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('prepares once in the primary, then two workers answer on the one port', async () => {
    const log = readJsonLog(logFile);
    expect(log.filter((l) => l.msg === 'migrated')).to.have.length(1);
    expect(log.filter((l) => l.msg === 'seeded demo data')).to.have.length(1);
    // Keep-alive would pin every request to one worker: a fresh connection each time.
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${server!.baseUrl}/api/streams/model/Group`, { headers: { connection: 'close' } });
      expect(res.status).to.equal(200);
      expect(((await res.json()) as { actions: unknown[] }).actions.length).to.be.above(0);
    }
    await new Promise((r) => setTimeout(r, 200));
    const pids = pidsServing(logFile, '/api/streams/model/Group');
    expect(pids.size).to.equal(2);
    expect(pids.has(server!.child.pid!)).to.equal(false);
  });

  it('replaces a worker that dies', async () => {
    const [victim] = [...pidsServing(logFile, '/api/streams/model/Group')];
    process.kill(victim, 'SIGKILL');
    await listeningWorkers(logFile, 3);
    expect(readJsonLog(logFile).some((l) => l.msg === 'worker died; starting another' && l.worker === victim && l.pid === server!.child.pid)).to.equal(true);
    for (let i = 0; i < 10; i++) {
      expect((await fetch(`${server!.baseUrl}/healthz`, { headers: { connection: 'close' } })).status).to.equal(200);
    }
  });

  it('SIGTERM stops every worker gracefully and the primary exits 0', async () => {
    expect(await server!.stop()).to.equal(0);
    const log = readJsonLog(logFile);
    expect(log.filter((l) => l.msg === 'stopped' && l.code === 0).length).to.equal(2);
    expect(log.some((l) => l.msg === 'all workers stopped' && l.code === 0)).to.equal(true);
  });
});
