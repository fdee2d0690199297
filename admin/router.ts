import { buildAuthenticatedRouter } from '@adminjs/express';
import type AdminJS from 'adminjs';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import session from 'express-session';
import type { Sequelize } from 'sequelize';
import type { ServerConfig } from '../server/config.js';
import { loginLimit } from '../server/login-limit.js';
import { SESSION_COOKIE, sessionOptions } from '../server/session.js';
import { authenticateStaff, stillStaff } from './auth.js';
import { adminRequestGuard } from './request-guard.js';

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
  const options = sessionOptions(sequelize, config.sessionSecret, config.production);
  const router = express.Router();
  // AdminJS answers a failed login with the login page (200) and a good one with a redirect.
  router.post('/login', loginLimit({ succeeded: (_req, res) => res.statusCode === 302, limit: loginAttempts }));
  // The session is read here first (AdminJS's own session middleware then sees it and steps aside),
  // so a session whose user was deleted or lost isStaff since logging in is dropped on its next request.
  router.use(session(options));
  router.use((req: Request, _res: Response, next: NextFunction) => {
    const current = (req.session as { adminUser?: { id?: string } }).adminUser;
    if (!current) return next();
    stillStaff(current.id)
      .then((ok) => {
        if (!ok) delete (req.session as { adminUser?: unknown }).adminUser;
        next();
      })
      .catch(next);
  });
  router.use(adminRequestGuard(admin));
  return buildAuthenticatedRouter(
    admin,
    { authenticate: authenticateStaff, cookieName: SESSION_COOKIE, cookiePassword: config.sessionSecret },
    router,
    options,
  );
}
