import { Router } from 'express';
import type { Sequelize } from 'sequelize';
import { RETRY_AFTER_SECONDS } from '../db/errors.js';

/** GET /healthz while the process lives; GET /readyz while the database answers too. */
export function healthRoutes(sequelize: Sequelize): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await sequelize.authenticate();
      res.json({ status: 'ready' });
    } catch {
      res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS)).json({ status: 'unavailable', error: 'database unreachable' });
    }
  });
  return router;
}
