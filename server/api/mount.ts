import type { Express } from 'express';
import type { Sequelize } from 'sequelize';
import { sessionMiddleware } from '../auth/session.js';
import type { ServerConfig } from '../config.js';
import { feedsRouter } from '../feeds/router.js';
import { pagesRouter } from '../pages/router.js';
import { apiRouter } from './router.js';

/** Mounts the JSON API at /api, the feeds at /feeds and the public pages (after the admin). */
export function mountStreamsHttp(app: Express, { sequelize, config }: { sequelize: Sequelize; config: ServerConfig }): void {
  const session = sessionMiddleware(sequelize, config);
  app.use('/api', apiRouter(session));
  app.use('/feeds', feedsRouter());
  app.use(pagesRouter(session));
}
