import type { Sequelize } from 'sequelize';
import { createAdmin } from '../admin/admin.js';
import { ensureStaffUser } from '../auth/users.js';
import type { ServerConfig } from '../config/server.js';
import { migrate } from '../db/migrate.js';
import { readsFromPrimary } from '../db/replicas.js';
import { initModels, trackAppModels } from '../models/index.js';
import { seedDemoData } from './demo-data.js';
import { keepActionPartitions } from './partitions.js';
import type { Logger } from './logging.js';

/**
 * What runs once per start, before anything serves: migrations (under a lock, so other processes
 * wait), demo data on an empty database, the staff user from the environment, and the admin's
 * component bundle. Leaves the models set up and tracked on `sequelize`.
 */
export function prepare(sequelize: Sequelize, config: ServerConfig, logger: Logger): Promise<void> {
  // Start-up reads what it has just written (seeds, the staff user): all of it on the primary.
  return readsFromPrimary(() => prepareOnPrimary(sequelize, config, logger));
}

async function prepareOnPrimary(sequelize: Sequelize, config: ServerConfig, logger: Logger): Promise<void> {
  const ran = await migrate(sequelize);
  if (ran.length) logger.info({ migrations: ran }, 'migrated');
  // A partitioned actions table gets its months ahead here; serve.ts keeps them coming daily.
  await keepActionPartitions(sequelize, logger);
  initModels(sequelize);
  trackAppModels();
  if (await seedDemoData()) logger.info('seeded demo data');
  if (config.adminEmail && config.adminPassword) {
    const admin = await ensureStaffUser(config.adminEmail, config.adminPassword);
    logger.info({ email: admin.email }, 'staff user ready');
  }
  await createAdmin();
}
