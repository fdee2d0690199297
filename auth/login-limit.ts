import type { Request, Response } from 'express';
import { rateLimit, type RateLimitRequestHandler, type Store } from 'express-rate-limit';

export interface LoginLimitOptions {
  /** Where failed attempts are counted: the database's store, so every process shares the count. */
  store: Store;
  /** Which responses count as a successful login (those are not counted). */
  succeeded: (req: Request, res: Response) => boolean;
  /** Failed attempts allowed per address and window (default 10). */
  limit?: number;
  windowMs?: number;
}

/** Limits repeated failed logins from one address; a success does not count against it. */
export function loginLimit({ store, succeeded, limit = 10, windowMs = 15 * 60 * 1000 }: LoginLimitOptions): RateLimitRequestHandler {
  return rateLimit({
    store,
    windowMs,
    limit,
    skipSuccessfulRequests: true,
    requestWasSuccessful: succeeded,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // X-Forwarded-For is believed only when TRUST_PROXY says so (config/server.ts); a spoofed one is simply ignored.
    validate: { xForwardedForHeader: false },
    handler: (_req, res) => {
      res.status(429).type('text/plain').send('Too many failed logins from this address; try again later.');
    },
  });
}
