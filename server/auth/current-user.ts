import type { NextFunction, Request, Response } from 'express';
import { User } from '../../models/index.js';
import { HttpError, unauthorized } from '../api/errors.js';
import { hasValidCsrfToken, isSafeMethod } from './csrf.js';
import { tokenOwner } from './tokens.js';

export type AuthMethod = 'token' | 'session';

interface Authenticated {
  user: User;
  method: AuthMethod;
  /** The bearer token's id, when a token was used. */
  tokenId?: number;
}

const authenticated = new WeakMap<Request, Authenticated>();

/** The admin's session (from @adminjs/express) names its user; accept it so one login counts on both sides. */
function sessionUserId(req: Request): number | undefined {
  if (typeof req.session?.userId === 'number') return req.session.userId;
  const admin = (req.session as unknown as { adminUser?: { id?: unknown } } | undefined)?.adminUser;
  const id = Number(admin?.id);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/**
 * Finds who is calling: a bearer token (Authorization header) wins; else the session cookie. A bad
 * token is a 401 even with a cookie. Cookie-authenticated state changes need the CSRF header.
 */
export async function identify(req: Request, _res: Response, next: NextFunction): Promise<void> {
  try {
    const header = req.get('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const owner = match ? await tokenOwner(match[1], 'api') : null;
      if (!owner) throw new HttpError(401, 'invalid_token', 'The bearer token is unknown or revoked');
      authenticated.set(req, { user: owner.user, method: 'token', tokenId: owner.record.id });
      return next();
    }
    const id = sessionUserId(req);
    const user = id === undefined ? null : await User.findByPk(id);
    if (user) authenticated.set(req, { user, method: 'session' });
    next();
  } catch (error) {
    next(error);
  }
}

/** The calling user, if any. */
export function optionalUser(req: Request): User | undefined {
  return authenticated.get(req)?.user;
}

/** The calling user; 401 when anonymous, 403 for a cookie-authenticated change without the CSRF token. */
export function requireUser(req: Request): User {
  const found = authenticated.get(req);
  if (!found) throw unauthorized();
  if (found.method === 'session' && !isSafeMethod(req.method) && !hasValidCsrfToken(req)) {
    throw new HttpError(403, 'csrf_failed', 'Missing or wrong X-CSRF-Token header (get it from GET /api/session)');
  }
  return found.user;
}

/** The id of the bearer token the request came with, if any. */
export function currentTokenId(req: Request): number | undefined {
  return authenticated.get(req)?.tokenId;
}

export function authMethod(req: Request): AuthMethod | undefined {
  return authenticated.get(req)?.method;
}
