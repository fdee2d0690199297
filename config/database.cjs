// Database settings, read by sequelize-cli (through .sequelizerc) and by the app (db/connect.ts),
// so both always talk to the same database.
const path = require('node:path');

const DEFAULT_SQLITE = path.resolve(__dirname, '..', 'data', 'actstream.sqlite');

/** Sequelize options for a DATABASE_URL (postgres://, mysql://, mariadb://, sqlite:<file>), or the SQLite default. */
function settings(url = process.env.DATABASE_URL) {
  if (!url) return { dialect: 'sqlite', storage: DEFAULT_SQLITE, logging: false };
  if (url.startsWith('sqlite:')) {
    return { dialect: 'sqlite', storage: url.replace(/^sqlite:(\/\/)?/, '') || DEFAULT_SQLITE, logging: false };
  }
  // MariaDB speaks the MySQL protocol; the mysql2 driver serves both.
  const normalised = url.replace(/^mariadb:/, 'mysql:');
  const dialect = normalised.slice(0, normalised.indexOf(':')).replace(/^postgresql$/, 'postgres');
  if (dialect === 'mysql') {
    // Statements with bind parameters are prepared server-side and cached per connection; keep that
    // cache small so many distinct statements (sendMany of varied sizes) never reach the server's
    // max_prepared_stmt_count.
    return { url: normalised, dialect, logging: false, dialectOptions: { maxPreparedStatements: 100 } };
  }
  return { url: normalised, dialect, logging: false };
}

const config = settings();
module.exports = { development: config, test: config, production: config, settings, DEFAULT_SQLITE };
