import { freePort } from '../../scripts/load/server-process.js';
import { loadThroughAnOutage } from './outage.js';
import { OwnPostgresCluster, postgresBinDir } from '../helpers/pg-cluster.js';

// Runs on its own PostgreSQL cluster whatever DATABASE_URL says: the outage must never touch the
// shared one. Skipped only where PostgreSQL's server binaries are not installed.
describe('reliability: PostgreSQL stopped in the middle of the load', function () {
  this.timeout(180_000);
  const bin = postgresBinDir();
  let cluster: OwnPostgresCluster | undefined;

  before(async function () {
    if (!bin) return this.skip();
    cluster = new OwnPostgresCluster(bin, await freePort());
    await cluster.init();
    await cluster.start();
    await cluster.createDatabase();
  });
  after(async () => {
    await cluster?.destroy();
  });

  it('answers 503 with Retry-After and a message during the outage, recovers without a restart and loses no acknowledged write', async () => {
    await loadThroughAnOutage(cluster!);
  });
});
