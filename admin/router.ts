import { buildAuthenticatedRouter } from '@adminjs/express';
import type AdminJS from 'adminjs';
import type { Store } from 'express-rate-limit';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { loginLimit } from '../auth/login-limit.js';
import { SESSION_COOKIE, type Sessions } from '../auth/sessions.js';
import { actionLogExport } from './action-log-export.js';
import { authenticateStaff, stillStaff } from './auth.js';
import { adminRequestGuard } from './request-guard.js';

export interface AdminRouterOptions {
  /** The app's sessions (one cookie and store for the admin, the API and the pages). */
  sessions: Sessions;
  /** Where failed logins are counted (shared by every process). */
  loginStore: Store;
  /** Failed logins allowed per address and window (default: login-limit's). */
  loginAttempts?: number;
}

/**
 * The admin behind a staff login. Mount it before any body parser: AdminJS parses its own bodies.
 */
export function adminRouter(admin: AdminJS, { sessions, loginStore, loginAttempts }: AdminRouterOptions): Router {
  const router = express.Router();
  // AdminJS answers a failed login with the login page (200) and a good one with a redirect.
  router.post('/login', loginLimit({ store: loginStore, succeeded: (_req, res) => res.statusCode === 302, limit: loginAttempts }));
  // The session is read here first (AdminJS's own session middleware then sees it and steps aside),
  // so a session whose user was deleted or lost isStaff since logging in is dropped on its next request.
  router.use(sessions.middleware);
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
  router.use(actionLogExport());
  return buildAuthenticatedRouter(
    admin,
    { authenticate: authenticateStaff, cookieName: SESSION_COOKIE, cookiePassword: String(sessions.options.secret) },
    router,
    sessions.options,
  );
}
