import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Options, Sequelize } from 'sequelize';
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { initModels } from '../models/index.js';

// Children before parents, so foreign keys never object.
const TABLES = [
  'rate_limits', 'api_tokens', 'sessions', 'actstream_feed_items', 'actstream_feed_horizons', 'actstream_feed_hot_objects', 'actstream_notification_overrides', 'actstream_notification_markers', 'actstream_notifications',
  'actstream_actions', 'actstream_follows', 'concerts', 'comments', 'locations', 'bands', 'groups', 'users',
];

/** Empties the app's tables; TRUNCATE where there is one, so sizes measured later count no dead rows. */
async function empty(sequelize: Sequelize): Promise<void> {
  const qi = sequelize.getQueryInterface();
  const names = TABLES.map((table) => qi.quoteIdentifier(table));
  const dialect = sequelize.getDialect();
  if (dialect === 'postgres') {
    await sequelize.query(`TRUNCATE ${names.join(', ')} RESTART IDENTITY`);
  } else if (dialect === 'mysql' || dialect === 'mariadb') {
    // One connection for all three statements: the foreign-key switch is per session.
    await sequelize.transaction(async (transaction) => {
      await sequelize.query('SET FOREIGN_KEY_CHECKS = 0', { transaction });
      for (const name of names) await sequelize.query(`TRUNCATE TABLE ${name}`, { transaction });
      await sequelize.query('SET FOREIGN_KEY_CHECKS = 1', { transaction });
    });
  } else {
    for (const name of names) await sequelize.query(`DELETE FROM ${name}`);
  }
}

export interface BenchDatabase {
  sequelize: Sequelize;
  /** The database's URL (DATABASE_URL, or the temporary SQLite file's), for a server started on it. */
  url: string;
  /** Closes the connection and removes the temporary SQLite file, if one was made. */
  close: () => Promise<void>;
}

/**
 * A fresh, migrated database with the app's models: DATABASE_URL emptied first, else a new SQLite
 * file in a temporary folder.
 */
export async function openBenchDatabase(options: Options = {}, url: string | undefined = process.env.DATABASE_URL): Promise<BenchDatabase> {
  let dir: string | undefined;
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), 'actstream-bench-'));
    url = `sqlite:${join(dir, 'bench.sqlite')}`;
  }
  const sequelize = await connect(url, { logging: false, ...options });
  await migrate(sequelize);
  initModels(sequelize);
  await empty(sequelize);
  return {
    sequelize,
    url,
    close: async () => {
      await sequelize.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
