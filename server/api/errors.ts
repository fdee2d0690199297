import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { ActstreamArgumentError, InvalidCursorError, NotRegisteredError } from '../../actstream/index.js';
import { logServerError } from '../logging.js';
import { isDatabaseUnavailable, UNAVAILABLE_MESSAGE } from '../unavailable.js';

/** The JSON body of every API error. */
export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

/** An error the client caused (or may know about): its status, a stable code and a message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

export const notFound = (what: string, details: unknown = null) => new HttpError(404, 'not_found', `${what} not found`, details);
export const unauthorized = () => new HttpError(401, 'unauthorized', 'Log in (POST /api/session) or send a bearer token');
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);

/** Errors from body-parser and Express itself (e.g. a bad %-escape in the path) carry a type and/or status. */
interface ClientError {
  type?: string;
  status?: number;
}

function isClientError(error: unknown): error is ClientError {
  if (typeof error !== 'object' || error === null) return false;
  const { type, status } = error as ClientError;
  return typeof type === 'string' || (typeof status === 'number' && status >= 400 && status < 500);
}

/** Maps anything thrown by a route to an HttpError; unknown errors become a bare 500 (logged, never shown). */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ZodError) {
    const details = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    const first = details[0];
    const message = first ? `Invalid ${first.path || 'input'}: ${first.message}` : 'Invalid input';
    return new HttpError(400, 'invalid_request', message, details);
  }
  if (error instanceof NotRegisteredError) return new HttpError(404, 'unknown_type', error.message, { type: error.modelName });
  if (error instanceof InvalidCursorError) return new HttpError(400, 'invalid_cursor', error.message, { parameter: 'before' });
  if (error instanceof ActstreamArgumentError) return new HttpError(400, 'invalid_request', error.message);
  if (error instanceof RangeError) return new HttpError(400, 'invalid_request', error.message);
  if (isClientError(error)) {
    if (error.type === 'entity.parse.failed') return new HttpError(400, 'malformed_json', 'The request body is not valid JSON');
    if (error.type === 'entity.too.large') return new HttpError(413, 'body_too_large', 'The request body is too large');
    if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
      return new HttpError(415, 'unsupported_encoding', 'Unsupported body encoding or charset');
    }
    if (error.status && error.status >= 400 && error.status < 500) {
      return new HttpError(error.status, 'bad_request', 'The request could not be read');
    }
  }
  if (isDatabaseUnavailable(error)) return new HttpError(503, 'database_unavailable', UNAVAILABLE_MESSAGE);
  return new HttpError(500, 'internal_error', 'Something went wrong on our side');
}

export function errorBody(error: HttpError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details } };
}

/** The API's last middleware: every error answers as `{ error: { code, message, details } }`. */
export const jsonErrorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) return next(error);
  const http = toHttpError(error);
  if (http.status >= 500) logServerError(req, error);
  res.status(http.status).json(errorBody(http));
};

export const jsonNotFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `No route ${req.method} ${req.baseUrl}${req.path}`));
};
