import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { hasValidCsrfToken, isSafeMethod } from '../../auth/csrf.js';
import { hasSessionCookie } from '../../auth/sessions.js';
import { tokenOwner } from '../../auth/tokens.js';
import { User } from '../../models/index.js';
import { HttpError, unauthorized } from '../shared/errors.js';

// Who is calling is worked out only when a route asks: a public GET with no Authorization header
// reads no session and looks up no user. A bearer token, when sent, is checked at once, so a bad one
// is a 401 on every route.

export type AuthMethod = 'token' | 'session';

export interface Caller {
  user: User;
  method: AuthMethod;
  /** The bearer token's id, when a token was used. */
  tokenId?: number;
}

interface Pending {
  sessions: RequestHandler;
  res: Response;
  caller?: Promise<Caller | null>;
}

const pending = new WeakMap<Request, Pending>();

function run(middleware: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => middleware(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
}

/** The admin's session (from @adminjs/express) names its user; accept it so one login counts on both sides. */
function sessionUserId(req: Request): number | undefined {
  if (typeof req.session?.userId === 'number') return req.session.userId;
  const admin = (req.session as unknown as { adminUser?: { id?: unknown } } | undefined)?.adminUser;
  const id = Number(admin?.id);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

async function resolve(req: Request, { sessions, res }: Pending): Promise<Caller | null> {
  const header = req.get('authorization');
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const owner = match ? await tokenOwner(match[1], 'api') : null;
    if (!owner) throw new HttpError(401, 'invalid_token', 'The bearer token is unknown or revoked');
    return { user: owner.user, method: 'token', tokenId: owner.record.id };
  }
  if (!req.session && !hasSessionCookie(req.headers.cookie)) return null;
  await run(sessions, req, res);
  const id = sessionUserId(req);
  const user = id === undefined ? null : await User.findByPk(id);
  return user ? { user, method: 'session' } : null;
}

/**
 * Makes `caller(req)` work on the routes below, with `sessions` as the session middleware to run
 * when (and only when) a route needs the session.
 */
export function callers(sessions: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const entry: Pending = { sessions, res };
    pending.set(req, entry);
    if (req.get('authorization') === undefined) return next();
    caller(req).then(() => next(), next);
  };
}

/** Who is calling (memoised per request); null when anonymous. */
export function caller(req: Request): Promise<Caller | null> {
  const entry = pending.get(req);
  if (!entry) return Promise.resolve(null);
  entry.caller ??= resolve(req, entry);
  return entry.caller;
}

/** Loads the session (creating an empty one in memory when there is none), for routes that write to it: login. */
export async function ensureSession(req: Request): Promise<void> {
  const entry = pending.get(req);
  if (!req.session && entry) await run(entry.sessions, req, entry.res);
}

/** The calling user, if any. */
export async function optionalUser(req: Request): Promise<User | undefined> {
  return (await caller(req))?.user;
}

/** The calling user; 401 when anonymous, 403 for a cookie-authenticated change without the CSRF token. */
export async function requireUser(req: Request): Promise<User> {
  const found = await caller(req);
  if (!found) throw unauthorized();
  if (found.method === 'session' && !isSafeMethod(req.method) && !hasValidCsrfToken(req)) {
    throw new HttpError(403, 'csrf_failed', 'Missing or wrong X-CSRF-Token header (get it from GET /api/session)');
  }
  return found.user;
}
