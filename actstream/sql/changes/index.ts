import type { Sequelize } from 'sequelize';
import type { ChangeWatcher, ChangeWatchOptions } from './contract.js';
import { pollForChanges } from './poll.js';
import { listenForChanges } from './postgres.js';
import { watchSqliteFile } from './sqlite.js';

export type { ChangeWatcher, ChangeWatchOptions } from './contract.js';

interface SequelizeConfig {
  options: { storage?: string };
  config: { host?: string; port?: string | number; username?: string; password?: string | null; database?: string; ssl?: unknown; dialectOptions?: { ssl?: unknown } };
}

/** The wake-up signal for live streams on this database (see contract.ts). */
export async function watchChanges(sequelize: Sequelize, options: ChangeWatchOptions): Promise<ChangeWatcher> {
  const { options: settings, config } = sequelize as unknown as SequelizeConfig;
  switch (sequelize.getDialect()) {
    case 'sqlite': {
      const file = settings.storage;
      // An in-memory database has no file a second connection could watch.
      return file && file !== ':memory:' && !file.startsWith('file::memory:') ? watchSqliteFile(file, options) : pollForChanges({ pollMs: 50, ...options });
    }
    case 'postgres':
      return listenForChanges(
        {
          host: config.host,
          port: config.port === undefined ? undefined : Number(config.port),
          user: config.username,
          password: config.password ?? undefined,
          database: config.database,
          ssl: config.dialectOptions?.ssl ?? config.ssl,
        },
        options,
      );
    default:
      return pollForChanges(options);
  }
}
