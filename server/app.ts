import express, { type Express, type RequestHandler } from 'express';
import type { Sequelize } from 'sequelize';
import { createAdmin } from '../admin/admin.js';
import { adminRouter } from '../admin/router.js';
import { DatabaseRateLimitStore } from '../auth/rate-limit-store.js';
import { createSessions } from '../auth/sessions.js';
import { DEFAULT_READ_YOUR_WRITES_MS, DEFAULT_WRITE_LIMIT, type ServerConfig } from '../config/server.js';
import { replicasOf } from '../db/replicas.js';
import { apiRouter } from './api/router.js';
import { feedsRouter } from './feeds/router.js';
import { healthRoutes } from './health.js';
import { requestLogging, silentLogger, type Logger } from './logging.js';
import { rejectNulInUrl } from './middleware/nul-characters.js';
import { retryAfterOn503 } from './middleware/retry-after.js';
import { readYourWrites } from './middleware/read-your-writes.js';
import { writeLimit } from './middleware/write-limit.js';
import { rejectCrossSiteWrites, securityHeaders } from './middleware/security.js';
import { pagesRouter } from './pages/router.js';
import { LiveHub, registerLiveHub, type LiveHubOptions } from './events/hub.js';
import { asText, errorHandler } from './shared/errors.js';

export interface AppOptions {
  sequelize: Sequelize;
  config: ServerConfig;
  /** Request logs (pino); apps built in tests log nothing unless given one. */
  logger?: Logger;
  /** Live streams' limits and timings (tests shorten them). */
  live?: Omit<LiveHubOptions, 'sequelize' | 'logger'>;
}

/**
 * The Express app, in the order a request meets it: logging and headers, health checks, the admin
 * (which parses its own bodies, so before any body parser), the JSON API, the feeds, the pages, and
 * a last error handler. Tests build it on any database.
 */
export async function createApp({ sequelize, config, logger, live }: AppOptions): Promise<Express> {
  const app = express();
  app.disable('x-powered-by');
  // ETags are set where a page is cacheable (server/shared/freshness.ts), not hashed from every body.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy ?? false);
  app.use(requestLogging(logger ?? silentLogger()), retryAfterOn503, securityHeaders({ production: config.production }), rejectCrossSiteWrites, rejectNulInUrl);
  app.use(healthRoutes(sequelize));
  if (replicasOf(sequelize)) app.use(readYourWrites({ windowMs: config.readYourWritesMs ?? DEFAULT_READ_YOUR_WRITES_MS, secure: config.production }));

  const sessions = createSessions({ sequelize, secret: config.sessionSecret, production: config.production });
  const admin = await createAdmin();
  // Failed logins are counted in the database, per surface, so every worker shares the count.
  const loginStore = (surface: string) => new DatabaseRateLimitStore(sequelize, `login-${surface}:`);
  app.use(admin.options.rootPath, adminRouter(admin, { sessions, loginStore: loginStore('admin') }));
  const limitSettings = config.writeLimit ?? DEFAULT_WRITE_LIMIT;
  const writesLimited: RequestHandler =
    limitSettings === false ? (_req, _res, next) => next() : writeLimit(new DatabaseRateLimitStore(sequelize, 'writes:'), limitSettings);
  // One hub per app: it starts listening for changes at the first live stream, not before.
  const hub = new LiveHub({ sequelize, logger, ...live });
  registerLiveHub(app, hub);
  app.use('/api', apiRouter({ sessions: sessions.middleware, writesLimited, loginStore: loginStore('api'), live: hub }));
  app.use('/feeds', feedsRouter());
  app.use(pagesRouter({ sessions: sessions.middleware, secret: config.sessionSecret, loginStore: loginStore('pages'), writesLimited, liveCursor: () => hub.cursor() }));
  // Errors no router answered (the admin's): never a stack trace.
  app.use(errorHandler(asText));
  return app;
}
