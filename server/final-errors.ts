import type { ErrorRequestHandler } from 'express';
import { DatabaseError } from 'sequelize';
import { logServerError } from './logging.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from './unavailable.js';

// PostgreSQL's class 22 (data exceptions: NUL or bad encoding in text, value too long) and their
// MySQL/MariaDB counterparts: the client sent a value the column cannot hold.
const DATA_ERROR_CODES = new Set(['ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', 'ER_DATA_TOO_LONG', 'ER_TRUNCATED_WRONG_VALUE', 'ER_WARN_DATA_OUT_OF_RANGE']);

function isUnstorableData(error: unknown): boolean {
  if (!(error instanceof DatabaseError)) return false;
  const code = (error.original as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (/^22[0-9A-Z]{3}$/.test(code) || DATA_ERROR_CODES.has(code));
}

/**
 * The app's last error handler, for errors no router answered (the admin's, a bad %-escape in a
 * path): a 503 with Retry-After when the database is out, a 400 for a value the database cannot
 * store, the client's 4xx when it sent something unreadable, else a bare 500. Never a stack trace
 * (Express's default handler shows one outside production). Mounted last.
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
  if (isUnstorableData(error)) {
    res.status(400).type('text/plain').send('The data could not be stored as sent (a NUL character, a bad encoding or a value too long).');
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
