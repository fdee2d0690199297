import type { ErrorRequestHandler } from 'express';
import { logServerError } from './logging.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from './unavailable.js';

/**
 * The app's last error handler, for errors no router answered (the admin's, a bad %-escape in a
 * path): a 503 with Retry-After when the database is out, the client's 4xx when it sent something
 * unreadable, else a bare 500. Never a stack trace (Express's default handler shows one outside
 * production). Mounted last.
 */
export const finalErrorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) {
    // express-session reports a failed session save/touch while it is already ending the response:
    // the answer stands, so log it rather than let Express destroy the socket under it.
    if (res.writableEnded) return logServerError(req, error, 'failed after the response was sent');
    return next(error);
  }
  if (isDatabaseUnavailable(error)) {
    res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS)).type('text/plain').send(UNAVAILABLE_MESSAGE);
    return;
  }
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    res.status(status).type('text/plain').send('The request could not be read.');
    return;
  }
  logServerError(req, error);
  res.status(500).type('text/plain').send('Something went wrong on our side.');
};
