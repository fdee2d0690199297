import { DataTypes, type Sequelize } from 'sequelize';
import type { SqlBackend } from './contract.js';
import { MysqlBackend } from './mysql.js';
import { PortableBackend } from './portable.js';
import { PostgresBackend } from './postgres.js';
import { SqliteBackend } from './sqlite.js';

// The one place that asks which database Sequelize talks to.

export type { NewAction, Row, SqlBackend, SqlSession, SqlWriter, Statement } from './contract.js';

/** 'fast': the dialect's own backend where there is one; 'portable': everything through Sequelize. */
export type SqlMode = 'fast' | 'portable';

const fast = new WeakMap<Sequelize, SqlBackend>();
const portable = new WeakMap<Sequelize, SqlBackend>();

function fastBackend(sequelize: Sequelize): SqlBackend {
  switch (sequelize.getDialect()) {
    case 'sqlite':
      // node-sqlite3 connections (Sequelize's default module) have no prepared-statement API here.
      return SqliteBackend.serves(sequelize) ? new SqliteBackend(sequelize) : portableBackend(sequelize);
    case 'postgres':
      return PostgresBackend.serves(sequelize) ? new PostgresBackend(sequelize) : portableBackend(sequelize);
    case 'mysql':
      // (Sequelize's 'mariadb' dialect uses the mariadb connector, not mysql2: portable.)
      return new MysqlBackend(sequelize);
    default:
      return portableBackend(sequelize);
  }
}

function portableBackend(sequelize: Sequelize): SqlBackend {
  let backend = portable.get(sequelize);
  // The one SQL feature the portable statements use that not every database has (see feedHeads).
  const materialized = ['postgres', 'sqlite'].includes(sequelize.getDialect()) ? 'MATERIALIZED ' : '';
  if (!backend) portable.set(sequelize, (backend = new PortableBackend(sequelize, { materialized })));
  return backend;
}

/**
 * The backend actstream's statements run on. While `beforeQuery` / `afterQuery` hooks are
 * registered on the Sequelize instance, that is the portable one, so those hooks see every statement.
 */
export function sqlBackend(sequelize: Sequelize, mode: SqlMode): SqlBackend {
  if (mode === 'portable' || sequelize.hasHook('beforeQuery') || sequelize.hasHook('afterQuery')) return portableBackend(sequelize);
  let backend = fast.get(sequelize);
  if (!backend) fast.set(sequelize, (backend = fastBackend(sequelize)));
  return backend;
}

/** The type of Action's `data`: JSONB on PostgreSQL (json has no equality there), JSON elsewhere. */
export function actionDataType(sequelize: Sequelize): typeof DataTypes.JSON {
  return sequelize.getDialect() === 'postgres' ? DataTypes.JSONB : DataTypes.JSON;
}
