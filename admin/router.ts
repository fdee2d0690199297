import { buildAuthenticatedRouter } from '@adminjs/express';
import type AdminJS from 'adminjs';
import express, { type Router } from 'express';
import type { Sequelize } from 'sequelize';
import type { ServerConfig } from '../server/config.js';
import { loginLimit } from '../server/login-limit.js';
import { SESSION_COOKIE, sessionOptions } from '../server/session.js';
import { authenticateStaff } from './auth.js';

export interface AdminRouterOptions {
  sequelize: Sequelize;
  config: ServerConfig;
  /** Failed logins allowed per address and window (default: login-limit's). */
  loginAttempts?: number;
}

/**
 * The admin behind a staff login, sessions in the database (the cookie the API shares). Mount it
 * before any body parser: AdminJS parses its own bodies.
 */
export function adminRouter(admin: AdminJS, { sequelize, config, loginAttempts }: AdminRouterOptions): Router {
  const router = express.Router();
  // AdminJS answers a failed login with the login page (200) and a good one with a redirect.
  router.post('/login', loginLimit({ succeeded: (_req, res) => res.statusCode === 302, limit: loginAttempts }));
  return buildAuthenticatedRouter(
    admin,
    { authenticate: authenticateStaff, cookieName: SESSION_COOKIE, cookiePassword: config.sessionSecret },
    router,
    sessionOptions(sequelize, config.sessionSecret, config.production),
  );
}
