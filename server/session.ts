import connectSessionSequelize from 'connect-session-sequelize';
import session, { type SessionOptions } from 'express-session';
import type { Sequelize } from 'sequelize';

const SequelizeStore = connectSessionSequelize(session.Store);

export const SESSION_COOKIE = 'actstream.sid';

/**
 * express-session settings shared by the admin and the API: one cookie, one store (the `sessions`
 * table), so logging in on either side counts on both.
 */
export function sessionOptions(sequelize: Sequelize, secret: string, production: boolean): SessionOptions {
  const store = new SequelizeStore({ db: sequelize, tableName: 'sessions', checkExpirationInterval: 15 * 60 * 1000 });
  return {
    name: SESSION_COOKIE,
    secret,
    store,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: production, maxAge: 24 * 60 * 60 * 1000 },
  };
}
