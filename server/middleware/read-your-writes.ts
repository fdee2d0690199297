import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { isSafeMethod } from '../../auth/csrf.js';
import { readsFromPrimary } from '../../db/replicas.js';

// Read-your-writes with read replicas: a caller who has just written reads from the primary for
// `windowMs`, so what they wrote is there even while a replica lags (replicas further behind than
// their limit are skipped altogether: db/replicas.ts). A browser carries the window in a cookie,
// so every worker process honours it; a bearer-token caller is remembered in this process.

const COOKIE = 'actstream_primary';
const COOKIE_PATTERN = new RegExp(`(?:^|;\\s*)${COOKIE}=1(?:;|$)`);
// Token callers remembered at most; past it, the expired are swept first, then the oldest go.
const REMEMBERED = 10_000;

function tokenKey(req: Request): string | undefined {
  const header = req.get('authorization');
  return header === undefined ? undefined : createHash('sha256').update(header).digest('base64url').slice(0, 22);
}

/** Sends the reads of writes, and of callers who wrote in the last `windowMs`, to the primary. */
export function readYourWrites({ windowMs, secure }: { windowMs: number; secure: boolean }): RequestHandler {
  const pinnedUntil = new Map<string, number>();
  const remember = (key: string, until: number) => {
    pinnedUntil.delete(key);
    pinnedUntil.set(key, until);
    if (pinnedUntil.size <= REMEMBERED) return;
    const now = Date.now();
    for (const [k, t] of pinnedUntil) if (t <= now) pinnedUntil.delete(k);
    while (pinnedUntil.size > REMEMBERED) pinnedUntil.delete(pinnedUntil.keys().next().value!);
  };
  return (req, res, next) => {
    if (windowMs <= 0) return next();
    const key = tokenKey(req);
    if (!isSafeMethod(req.method)) {
      // Pinned whether or not the write succeeds: reading the primary a little longer is harmless.
      res.cookie(COOKIE, '1', { maxAge: windowMs, httpOnly: true, sameSite: 'lax', secure, path: '/' });
      if (key !== undefined) remember(key, Date.now() + windowMs);
      return readsFromPrimary(next);
    }
    const pinned = COOKIE_PATTERN.test(req.headers.cookie ?? '') || (key !== undefined && (pinnedUntil.get(key) ?? 0) > Date.now());
    return pinned ? readsFromPrimary(next) : next();
  };
}
