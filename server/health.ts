import { Router } from 'express';
import type { Sequelize } from 'sequelize';
import { RETRY_AFTER_SECONDS } from '../db/errors.js';
import { replicasOf } from '../db/replicas.js';

/**
 * GET /healthz while the process lives; GET /readyz while the database answers too. With read
 * replicas /readyz lists each one's state and lag, and says where reads go: a replica down or
 * lagging leaves the app ready (its reads fall back to the primary), only the primary makes it 503.
 */
export function healthRoutes(sequelize: Sequelize): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await sequelize.authenticate();
      const replicas = replicasOf(sequelize);
      if (!replicas) return void res.json({ status: 'ready' });
      res.json({ status: 'ready', reads: replicas.anyUsable() ? 'replicas' : 'primary', replicas: replicas.status() });
    } catch {
      res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS)).json({ status: 'unavailable', error: 'database unreachable' });
    }
  });
  return router;
}
