import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Sequelize, Transaction, type Options } from 'sequelize';
import { sqliteDriver } from 'actstream';
import { attachReplicas, replicaSettingsFromEnv, replicationOptions, type ReplicaSettings } from './replicas.js';

interface DatabaseSettings extends Options {
  url?: string;
}

const require = createRequire(import.meta.url);
const SQLITE_BUSY_TIMEOUT_MS = 5000;
const { settings } = require('../config/database.cjs') as { settings: (url?: string) => DatabaseSettings };

/**
 * Opens the database named by `url` (default: DATABASE_URL, else the SQLite file under data/).
 * SQLite runs in WAL mode with a busy timeout so concurrent writers wait instead of failing.
 * With `replicas` (default: DATABASE_REPLICA_URLS, PostgreSQL only) reads outside transactions go
 * to the replicas that keep up (db/replicas.ts).
 */
export async function connect(
  url: string | undefined = process.env.DATABASE_URL,
  extra: Options = {},
  replicas: ReplicaSettings | null = url === process.env.DATABASE_URL ? replicaSettingsFromEnv() : null,
): Promise<Sequelize> {
  const { url: connectionUrl, ...options } = settings(url);
  const merged: Options = { ...options, ...extra };
  if (replicas) {
    if (merged.dialect !== 'postgres' || !connectionUrl) throw new Error('DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL');
    merged.replication = replicationOptions(connectionUrl, replicas);
  }
  if (merged.dialect === 'sqlite' && merged.storage && merged.storage !== ':memory:') {
    mkdirSync(dirname(merged.storage), { recursive: true });
  }
  if (merged.dialect === 'sqlite') {
    merged.dialectModule ??= sqliteDriver;
    // Writers queue for the one write lock up front instead of failing when a read upgrades.
    merged.transactionType ??= Transaction.TYPES.IMMEDIATE;
  }
  const sequelize = connectionUrl ? new Sequelize(connectionUrl, merged) : new Sequelize(merged);
  if (merged.dialect === 'sqlite') {
    configureSqliteConnections(sequelize);
    await sequelize.query('PRAGMA journal_mode = WAL');
  } else {
    await sequelize.authenticate();
  }
  if (replicas) await attachReplicas(sequelize, connectionUrl!, replicas);
  return sequelize;
}

interface SqliteConnection {
  configure(option: 'busyTimeout', value: number): void;
  run(sql: string): void;
}

interface SqliteConnectionManager {
  getConnection(options: object): Promise<SqliteConnection>;
}

/**
 * Sequelize opens a new SQLite connection for every transaction and applies no per-connection
 * settings, so each connection gets them here: wait up to 5 s for the write lock rather than fail
 * with SQLITE_BUSY, and sync at checkpoints only (WAL + NORMAL: a crash of the process loses
 * nothing committed; a power cut may lose the last commits, never the file).
 */
function configureSqliteConnections(sequelize: Sequelize): void {
  const manager = sequelize.connectionManager as unknown as SqliteConnectionManager;
  const getConnection = manager.getConnection.bind(manager);
  const configured = new WeakSet<SqliteConnection>();
  manager.getConnection = async (options) => {
    const connection = await getConnection(options);
    if (!configured.has(connection)) {
      configured.add(connection);
      connection.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
      connection.run('PRAGMA synchronous = NORMAL');
    }
    return connection;
  };
}
