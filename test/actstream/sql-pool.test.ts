import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/load/server-process.js';
import { OwnPostgresCluster, postgresBinDir } from '../helpers/pg-cluster.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./scripts/pg-pool.ts', import.meta.url));

interface Report {
  concurrent: 'timed out' | { fulfilled: number; rejected: string[] };
  actions: { expected: number; stored: number };
  poolAfterLoad: { size: number; available: number; using: number; waiting: number };
  poolMax: number;
  killedFast: { name: string; code?: string; message: string; unavailable: boolean };
  killedSequelize: { name: string; code?: string; message: string; unavailable: boolean };
  readsAfterKill: number;
  poolAfterKill: { using: number; waiting: number; size: number };
  lru: { limit: number; distinct: number; answersRight: boolean; onServer: number; again: number; keptByActstream: number; keptByPg: number };
}

// On a PostgreSQL cluster of its own (whatever DATABASE_URL says: it kills connections), in a
// process of its own (actstream's setup is one per process). Skipped only where PostgreSQL's
// server binaries are not installed.
describe('actstream/sql on PostgreSQL: the pool, lost connections, prepared statements', function () {
  this.timeout(180_000);
  const bin = postgresBinDir();
  let cluster: OwnPostgresCluster | undefined;
  let report: Report;

  before(async function () {
    if (!bin) return this.skip();
    cluster = new OwnPostgresCluster(bin, await freePort());
    await cluster.init();
    await cluster.start();
    await cluster.createDatabase();
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, cluster.url], { timeout: 150_000 });
    report = JSON.parse(stdout) as Report;
  });
  after(async () => {
    await cluster?.destroy();
  });

  it('runs 200 concurrent sends and reads on a pool of 5 without a deadlock or a leaked connection', () => {
    expect(report.concurrent).to.deep.equal({ fulfilled: 200, rejected: [] });
    expect(report.actions.stored).to.equal(report.actions.expected);
    expect(report.poolAfterLoad.using).to.equal(0);
    expect(report.poolAfterLoad.waiting).to.equal(0);
    expect(report.poolAfterLoad.size).to.be.within(1, report.poolMax);
    expect(report.poolAfterLoad.available).to.equal(report.poolAfterLoad.size);
  });

  it('surfaces a connection killed mid-statement as the error Sequelize raises, which the app answers with 503', () => {
    expect(report.killedSequelize.name).to.equal('SequelizeDatabaseError');
    expect(report.killedFast).to.deep.equal(report.killedSequelize);
    expect(report.killedFast.code).to.equal('57P01');
    expect(report.killedFast.unavailable).to.equal(true);
  });

  it('lets the pool drop the broken connections: reads go on, nothing is left in use', () => {
    expect(report.readsAfterKill).to.equal(20);
    expect(report.poolAfterKill.using).to.equal(0);
    expect(report.poolAfterKill.waiting).to.equal(0);
  });

  it('keeps at most PREPARED_PER_CONNECTION statements prepared on a connection, on the server and in pg', () => {
    const { lru } = report;
    expect(lru.answersRight).to.equal(true);
    expect(lru.distinct).to.be.greaterThan(2 * lru.limit);
    expect(lru.keptByActstream).to.equal(lru.limit);
    expect(lru.keptByPg).to.be.at.most(lru.limit);
    // The statement counting them, and the one it evicted (deallocated before the next statement).
    expect(lru.onServer).to.be.at.most(lru.limit + 1);
    expect(lru.again).to.equal(0);
  });
});
