// `npm start`: prepares the database once (migrations under a lock, demo data, the staff user, the
// admin bundle), then serves the app on PORT with WORKERS processes (default: one per CPU; they
// share the port through node:cluster). JSON logs on stdout; SIGTERM/SIGINT stop every worker
// gracefully.
import cluster from 'node:cluster';
import { PREBUILT_ENV } from '../admin/bundle.js';
import { configFromEnv } from '../config/server.js';
import { connect } from '../db/connect.js';
import { initModels, trackAppModels } from '../models/index.js';
import { runCluster, workerCount } from './cluster.js';
import { createLogger, routeConsoleToLogger } from './logging.js';
import { prepare } from './prepare.js';
import { serve } from './serve.js';

const logger = createLogger();
// Modules that print with console.* still write JSON lines.
routeConsoleToLogger(logger);
const config = configFromEnv();
const workers = workerCount();

if (cluster.isPrimary) {
  const sequelize = await connect();
  await prepare(sequelize, config, logger);
  if (workers === 1) {
    await serve(sequelize, config, logger);
  } else {
    await sequelize.close();
    runCluster({ workers, logger, env: { [PREBUILT_ENV]: '1' }, shutdownTimeoutMs: Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000) });
  }
} else {
  const sequelize = await connect();
  initModels(sequelize);
  trackAppModels();
  await serve(sequelize, config, logger);
}
