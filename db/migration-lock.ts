import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import type { Sequelize } from 'sequelize';

// Several processes may start at once (a cluster on one machine, or several machines on one
// PostgreSQL/MariaDB): migrations run in exactly one of them at a time; the others wait, then find
// nothing left to run. The lock is held on a connection of its own, so the migrations themselves
// run as usual on the pool.

const LOCK_NAME = 'actstream:migrations';
// pg_advisory_lock takes a 64-bit key: any fixed number of our own.
const PG_LOCK_KEY = 731_771_517;
const WAIT_MS = 10 * 60 * 1000;

interface PgClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

interface MysqlConnection {
  query(sql: string, values: unknown[], callback: (error: Error | null, rows?: { locked: number | null }[]) => void): void;
}

interface ConnectionManager {
  getConnection(options?: object): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
}

async function onOwnConnection<T>(sequelize: Sequelize, fn: (connection: unknown) => Promise<T>): Promise<T> {
  const manager = sequelize.connectionManager as unknown as ConnectionManager;
  const connection = await manager.getConnection({ type: 'write' });
  try {
    return await fn(connection);
  } finally {
    await manager.releaseConnection(connection);
  }
}

function mysqlQuery(connection: MysqlConnection, sql: string, values: unknown[]): Promise<{ locked: number | null }[]> {
  return new Promise((resolve, reject) => connection.query(sql, values, (error, rows) => (error ? reject(error) : resolve(rows ?? []))));
}

/** A lock directory beside the SQLite file: mkdir is atomic; one left by a crashed process goes stale. */
async function withLockDirectory<T>(storage: string, fn: () => Promise<T>): Promise<T> {
  const dir = `${storage}.migrating`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = statSync(dir, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > WAIT_MS) rmdirSync(dir);
      if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS} ms for ${dir}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmdirSync(dir);
  }
}

/** Runs `fn` (the migrations) while holding the database's migration lock. */
export async function withMigrationLock<T>(sequelize: Sequelize, fn: () => Promise<T>): Promise<T> {
  const dialect = sequelize.getDialect();
  if (dialect === 'postgres') {
    return onOwnConnection(sequelize, async (connection) => {
      const client = connection as PgClient;
      await client.query('SELECT pg_advisory_lock($1)', [PG_LOCK_KEY]);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [PG_LOCK_KEY]);
      }
    });
  }
  if (dialect === 'mysql' || dialect === 'mariadb') {
    return onOwnConnection(sequelize, async (connection) => {
      const mysql = connection as MysqlConnection;
      const [row] = await mysqlQuery(mysql, 'SELECT GET_LOCK(?, ?) AS locked', [LOCK_NAME, WAIT_MS / 1000]);
      if (row?.locked !== 1) throw new Error(`could not take the ${LOCK_NAME} lock within ${WAIT_MS} ms`);
      try {
        return await fn();
      } finally {
        await mysqlQuery(mysql, 'SELECT RELEASE_LOCK(?) AS locked', [LOCK_NAME]);
      }
    });
  }
  const { storage } = (sequelize as unknown as { options: { storage?: string } }).options;
  if (dialect === 'sqlite' && storage && storage !== ':memory:') return withLockDirectory(storage, fn);
  return fn();
}
