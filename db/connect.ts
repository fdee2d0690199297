import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Sequelize, type Options } from 'sequelize';

interface DatabaseSettings extends Options {
  url?: string;
}

const require = createRequire(import.meta.url);
const { settings } = require('../config/database.cjs') as { settings: (url?: string) => DatabaseSettings };

/**
 * Opens the database named by `url` (default: DATABASE_URL, else the SQLite file under data/).
 * SQLite runs in WAL mode with a busy timeout so concurrent writers wait instead of failing.
 */
export async function connect(url: string | undefined = process.env.DATABASE_URL, extra: Options = {}): Promise<Sequelize> {
  const { url: connectionUrl, ...options } = settings(url);
  const merged: Options = { ...options, ...extra };
  if (merged.dialect === 'sqlite' && merged.storage && merged.storage !== ':memory:') {
    mkdirSync(dirname(merged.storage), { recursive: true });
  }
  if (merged.dialect === 'mysql') merged.dialectOptions = { ...merged.dialectOptions, dateStrings: false };
  const sequelize = connectionUrl ? new Sequelize(connectionUrl, merged) : new Sequelize(merged);
  if (merged.dialect === 'sqlite') {
    await sequelize.query('PRAGMA journal_mode = WAL');
    await sequelize.query('PRAGMA busy_timeout = 5000');
    await sequelize.query('PRAGMA foreign_keys = ON');
  } else {
    await sequelize.authenticate();
  }
  return sequelize;
}
