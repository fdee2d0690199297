// `npm start`: opens (and migrates) the database, seeds demo data once, and serves the app on PORT
// (HOST: all interfaces unless set). JSON logs on stdout; SIGTERM/SIGINT stop it gracefully.
import type { AddressInfo } from 'node:net';
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { initModels, trackAppModels } from '../models/index.js';
import { createApp } from './app.js';
import { configFromEnv } from '../config/server.js';
import { seedDemoData } from './demo-data.js';
import { createLogger, routeConsoleToLogger } from './logging.js';
import { shutdownGracefully, stopOnSignals } from './shutdown.js';
import { ensureStaffUser } from '../auth/users.js';

const logger = createLogger();
// Modules that print with console.* (the admin's recording failures) still write JSON lines.
routeConsoleToLogger(logger);
const config = configFromEnv();
const sequelize = await connect();
const ran = await migrate(sequelize);
if (ran.length) logger.info({ migrations: ran }, 'migrated');
initModels(sequelize);
trackAppModels();
if (await seedDemoData()) logger.info('seeded demo data');
if (config.adminEmail && config.adminPassword) {
  const admin = await ensureStaffUser(config.adminEmail, config.adminPassword);
  logger.info({ email: admin.email }, 'staff user ready');
}

const app = await createApp({ sequelize, config, logger });
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST || undefined;
const listening = () => {
  const { port: actual } = server.address() as AddressInfo;
  logger.info({ port: actual, url: `http://${host ?? 'localhost'}:${actual}` }, 'listening');
};
const server = host ? app.listen(port, host, listening) : app.listen(port, listening);
const timeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000);
stopOnSignals(shutdownGracefully(server, { logger, release: () => sequelize.close(), timeoutMs }));
