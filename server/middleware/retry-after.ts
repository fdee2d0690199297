import type { RequestHandler } from 'express';
import { RETRY_AFTER_SECONDS } from '../../db/errors.js';

/** Every 503 the app sends carries Retry-After, whichever router produced it. */
export const retryAfterOn503: RequestHandler = (_req, res, next) => {
  const writeHead = res.writeHead;
  res.writeHead = function (this: typeof res, ...args: Parameters<typeof res.writeHead>) {
    const status = typeof args[0] === 'number' ? args[0] : res.statusCode;
    if (status === 503 && !res.headersSent && !res.getHeader('Retry-After')) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    return writeHead.apply(this, args);
  } as typeof res.writeHead;
  next();
};
