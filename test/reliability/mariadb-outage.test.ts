import { freePort } from '../../scripts/load/server-process.js';
import { OwnMariadbServer, mariadbTools } from '../helpers/mariadb-server.js';
import { loadThroughAnOutage } from './outage.js';

// Runs on its own MariaDB server (own data directory, port and socket) whatever DATABASE_URL says:
// the outage must never touch the shared one. Skipped only where MariaDB's server is not installed.
describe('reliability: MariaDB stopped in the middle of the load', function () {
  this.timeout(240_000);
  const tools = mariadbTools();
  let server: OwnMariadbServer | undefined;

  before(async function () {
    if (!tools) return this.skip();
    server = new OwnMariadbServer(tools, await freePort());
    await server.init();
    await server.start();
    await server.createDatabase();
  });
  after(async () => {
    await server?.destroy();
  });

  it('answers 503 with Retry-After and a message during the outage, recovers without a restart and loses no acknowledged write', async () => {
    await loadThroughAnOutage(server!);
  });
});
