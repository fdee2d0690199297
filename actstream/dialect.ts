import type { Sequelize } from 'sequelize';

// How actstream's own hand-written reads (stream pages, referenced objects) are written per database.

/**
 * MySQL/MariaDB get values escaped into the SQL instead of bound: bound statements come back in the
 * binary protocol, which mysql2 decodes several times slower with the per-field type casting
 * Sequelize installs.
 */
export function inlinesValues(sequelize: Sequelize): boolean {
  const dialect = sequelize.getDialect();
  return dialect === 'mysql' || dialect === 'mariadb';
}

/**
 * A quoted table or column name. Double quotes on SQLite too: Sequelize's SQLite dialect reads a
 * backquoted table's schema (PRAGMA table_info) before every statement, which these reads do not need.
 */
export function quoteName(sequelize: Sequelize, name: string): string {
  return inlinesValues(sequelize) ? `\`${name}\`` : `"${name}"`;
}
