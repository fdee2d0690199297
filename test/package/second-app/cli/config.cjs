// sequelize-cli's settings for the host app: SQLite at DATABASE_FILE.
module.exports = { development: { dialect: 'sqlite', storage: process.env.DATABASE_FILE, logging: false } };
