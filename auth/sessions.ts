import session from 'express-session';
import type { RequestHandler } from 'express';
import type { Sequelize } from 'sequelize';
import { DatabaseSessionStore } from './session-store.js';

declare module 'express-session' {
  interface SessionData {
    /** The user logged in through POST /api/session or the pages' login form. */
    userId?: number;
    /** Sent back in X-CSRF-Token (or a form's _csrf field) on cookie-authenticated state changes. */
    csrfToken?: string;
    /** When the session's expiry was last pushed forward (ms since the epoch). */
    renewedAt?: number;
  }
}

export const SESSION_COOKIE = 'actstream.sid';
export const SESSION_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface SessionSettings {
  sequelize: Sequelize;
  secret: string;
  /** Secure cookies (HTTPS only). */
  production: boolean;
}

/** The one session setup of the app: the admin, the API and the pages share its cookie and store. */
export interface Sessions {
  /** express-session with the database store. */
  middleware: RequestHandler;
  options: session.SessionOptions;
  store: DatabaseSessionStore;
}

export function createSessions({ sequelize, secret, production }: SessionSettings): Sessions {
  const store = new DatabaseSessionStore(sequelize, { defaultMaxAgeMs: SESSION_MAX_AGE_MS });
  const options: session.SessionOptions = {
    name: SESSION_COOKIE,
    secret,
    store,
    // Nothing is stored until something is put in the session (a login), and an unchanged session is
    // never written back: reads cost one primary-key SELECT and no write.
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: production, maxAge: SESSION_MAX_AGE_MS },
  };
  const express = session(options);
  const middleware: RequestHandler = (req, res, next) => {
    if (req.session) return next();
    express(req, res, (error?: unknown) => {
      if (error) return next(error);
      renewWhenHalfSpent(req.session);
      next();
    });
  };
  return { middleware, options, store };
}

/**
 * A logged-in session lives SESSION_MAX_AGE_MS after its last renewal. Renewing on every request
 * would write on every read; renewing once half of it is spent keeps an active user logged in with
 * one write per half-lifetime.
 */
function renewWhenHalfSpent(current: (session.Session & Partial<session.SessionData>) | undefined): void {
  if (!current) return;
  const loggedIn = current.userId !== undefined || (current as { adminUser?: unknown }).adminUser !== undefined;
  if (!loggedIn) return;
  const now = Date.now();
  if (current.renewedAt === undefined || now - current.renewedAt > SESSION_MAX_AGE_MS / 2) current.renewedAt = now;
}

/** Whether the request carries a session cookie at all (without one there is no session to read). */
export function hasSessionCookie(cookieHeader: string | undefined): boolean {
  return cookieHeader !== undefined && cookieHeader.includes(`${SESSION_COOKIE}=`);
}

/** Gives the session a new id (the old row is deleted), keeping nothing of it: call at every login. */
export function regenerateSession(req: { session: session.Session & Partial<session.SessionData> }): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((error: unknown) => {
      if (error) return reject(error);
      req.session.renewedAt = Date.now();
      resolve();
    }),
  );
}

/** Ends the session and deletes its row: call at logout. */
export function destroySession(req: { session: session.Session }): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((error: unknown) => (error ? reject(error) : resolve())));
}
