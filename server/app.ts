import express, { type Express } from 'express';
import type { Sequelize } from 'sequelize';
import { createAdmin } from '../admin/admin.js';
import { adminRouter } from '../admin/router.js';
import { mountStreamsHttp } from './api/mount.js';
import type { ServerConfig } from './config.js';
import { finalErrorHandler } from './final-errors.js';
import { requestLogging, silentLogger, type Logger } from './logging.js';
import { refuseNulInRecords, rejectNulInUrl } from './nul-characters.js';
import { rejectCrossSiteWrites, securityHeaders } from './security.js';
import { retryAfterOn503 } from './unavailable.js';

export interface AppOptions {
  sequelize: Sequelize;
  config: ServerConfig;
  /** Request logs (pino); apps built in tests log nothing unless given one. */
  logger?: Logger;
}

/** The Express app: the admin at /admin, the API at /api, feeds and pages. Tests build it on any database. */
export async function createApp({ sequelize, config, logger }: AppOptions): Promise<Express> {
  const app = express();
  app.disable('x-powered-by');
  if (config.production) app.set('trust proxy', 1);
  refuseNulInRecords(sequelize);
  // First: a request id and log line for everything, Retry-After on every 503, helmet's headers, and
  // refusals that need no route (cross-site cookie writes, NUL in the URL).
  app.use(requestLogging(logger ?? silentLogger()), retryAfterOn503, securityHeaders({ production: config.production }), rejectCrossSiteWrites, rejectNulInUrl);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await sequelize.authenticate();
      res.json({ status: 'ready' });
    } catch {
      res.status(503).set('Retry-After', '5').json({ status: 'unavailable', error: 'database unreachable' });
    }
  });

  // The admin parses its own bodies: mounted before any body parser.
  const admin = await createAdmin();
  app.use(admin.options.rootPath, adminRouter(admin, { sequelize, config }));

  // JSON API, feeds and pages
  mountStreamsHttp(app, { sequelize, config });
  // Last: errors no router answered (the admin's) become a 503 or a bare 500, never a stack trace.
  app.use(finalErrorHandler);

  return app;
}
