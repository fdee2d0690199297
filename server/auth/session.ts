import session from 'express-session';
import type { RequestHandler } from 'express';
import type { Sequelize } from 'sequelize';
import type { ServerConfig } from '../config.js';
import { sessionOptions } from '../session.js';

declare module 'express-session' {
  interface SessionData {
    /** The user logged in through POST /api/session. */
    userId?: number;
    /** Sent back in X-CSRF-Token on cookie-authenticated state changes. */
    csrfToken?: string;
  }
}

/** The session middleware for the API and the pages: same cookie and store as the admin. */
export function sessionMiddleware(sequelize: Sequelize, config: ServerConfig): RequestHandler {
  return session(sessionOptions(sequelize, config.sessionSecret, config.production));
}
