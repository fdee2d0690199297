import express, { type Express } from 'express';
import type { Sequelize } from 'sequelize';
import { createAdmin } from '../admin/admin.js';
import { adminRouter } from '../admin/router.js';
import { mountStreamsHttp } from './api/mount.js';
import type { ServerConfig } from './config.js';

export interface AppOptions {
  sequelize: Sequelize;
  config: ServerConfig;
}

/** The Express app: the admin at /admin, the API at /api, feeds and pages. Tests build it on any database. */
export async function createApp({ sequelize, config }: AppOptions): Promise<Express> {
  const app = express();
  app.disable('x-powered-by');
  if (config.production) app.set('trust proxy', 1);

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

  return app;
}
