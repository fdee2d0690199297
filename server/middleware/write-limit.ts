import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import type { WriteLimitSettings } from '../../config/server.js';
import { HttpError } from '../shared/errors.js';
import { optionalUser } from './caller.js';

/**
 * The per-user limit on writes (sending actions, following, unfollowing, making tokens): past
 * `limit` in `windowMs`, a 429 with Retry-After and the usual error JSON, before the route writes
 * anything. Counted per user in `store` (the database's, so every process shares the count);
 * anonymous requests are not counted (the route answers them 401).
 */
export function writeLimit(store: Store, { limit, windowMs }: WriteLimitSettings): RequestHandler {
  const window = windowMs % 1000 === 0 ? `${windowMs / 1000} s` : `${windowMs} ms`;
  return rateLimit({
    windowMs,
    limit,
    store,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Who is calling decides; the address is never used (no X-Forwarded-For to trust or distrust).
    validate: { xForwardedForHeader: false, keyGeneratorIpFallback: false },
    skip: async (req) => (await optionalUser(req)) === undefined,
    keyGenerator: async (req) => String((await optionalUser(req))!.id),
    handler: (_req, res, next) => {
      const retryAfter = Number(res.getHeader('Retry-After'));
      next(new HttpError(429, 'rate_limited', `Too many writes: at most ${limit} per ${window}. Retry in ${retryAfter} s.`, { limit, windowMs, retryAfter }));
    },
  });
}
