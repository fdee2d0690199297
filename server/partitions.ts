import type { Sequelize } from 'sequelize';
import { ensureActionPartitions, isActionsTablePartitioned } from 'actstream';
import type { Logger } from './logging.js';

const DAY_MS = 86_400_000;

/** On a partitioned actions table, makes the months ahead (a no-op on a plain table). */
export async function keepActionPartitions(sequelize: Sequelize, logger: Logger): Promise<void> {
  if (!(await isActionsTablePartitioned(sequelize))) return;
  const made = await ensureActionPartitions(sequelize);
  if (made.length) logger.info({ partitions: made }, 'made action partitions');
}

/** Checks daily, so a server that runs for months never reaches the end of its partitions. */
export function keepActionPartitionsDaily(sequelize: Sequelize, logger: Logger): void {
  const timer = setInterval(() => {
    keepActionPartitions(sequelize, logger).catch((error: unknown) => logger.warn({ err: error }, 'could not make action partitions'));
  }, DAY_MS);
  timer.unref();
}
