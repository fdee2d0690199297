import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { DatabaseError, ValidationError as SequelizeValidationError } from 'sequelize';
import { ZodError } from 'zod';
import { ActstreamArgumentError, InvalidCursorError, NotRegisteredError } from 'actstream';
import { logServerError } from '../logging.js';
import { isDatabaseUnavailable, isUnstorableData, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from '../../db/errors.js';

// The one place errors become answers. Every surface (JSON API, feeds, pages, the app's last
// handler) maps what was thrown with toHttpError and only chooses how the body looks.

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
  statusCode?: number;
}

function clientStatus(error: unknown): { type?: string; status?: number } | null {
  if (typeof error !== 'object' || error === null) return null;
  const { type, status, statusCode } = error as ClientError;
  const code = status ?? statusCode;
  if (typeof type === 'string') return { type, status: code };
  return typeof code === 'number' && code >= 400 && code < 500 ? { status: code } : null;
}

function fromClientError({ type, status }: { type?: string; status?: number }): HttpError | null {
  if (type === 'entity.parse.failed') return new HttpError(400, 'malformed_json', 'The request body is not valid JSON');
  if (type === 'entity.too.large') return new HttpError(413, 'body_too_large', 'The request body is too large');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new HttpError(415, 'unsupported_encoding', 'Unsupported body encoding or charset');
  if (status !== undefined && status >= 400 && status < 500) return new HttpError(status, 'bad_request', 'The request could not be read');
  return null;
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
  if (error instanceof InvalidCursorError) return new HttpError(400, 'invalid_cursor', error.message, { parameter: error.parameter });
  if (error instanceof ActstreamArgumentError) return new HttpError(400, 'invalid_request', error.message);
  if (error instanceof RangeError) return new HttpError(400, 'invalid_request', error.message);
  if (error instanceof SequelizeValidationError && !(error instanceof DatabaseError)) {
    const details = error.errors.map((item) => ({ path: item.path ?? '', message: item.message }));
    return new HttpError(400, 'invalid_request', error.errors[0]?.message ?? 'Invalid input', details);
  }
  const client = clientStatus(error);
  const fromClient = client && fromClientError(client);
  if (fromClient) return fromClient;
  if (isDatabaseUnavailable(error)) return new HttpError(503, 'database_unavailable', UNAVAILABLE_MESSAGE);
  if (isUnstorableData(error)) {
    return new HttpError(400, 'unstorable_data', 'The data could not be stored as sent (a NUL character, a bad encoding or a value too long)');
  }
  return new HttpError(500, 'internal_error', 'Something went wrong on our side');
}

export function errorBody(error: HttpError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details } };
}

/** How one surface writes an error's body. */
export type ErrorFormat = (req: Request, res: Response, error: HttpError) => void;

export const asJson: ErrorFormat = (_req, res, error) => {
  res.status(error.status).json(errorBody(error));
};

/** Plain text: feed readers and the app's last handler. */
export const asText: ErrorFormat = (_req, res, error) => {
  res.status(error.status).type('text/plain').send(`${error.message}\n`);
};

/**
 * An error middleware answering in `format`: 5xx are logged (with the request id), 503 says when to
 * retry, and no stack trace ever reaches the client.
 */
export function errorHandler(format: ErrorFormat): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      // express-session reports a failed session save while it is already ending the response: the
      // answer stands, so log it rather than let Express destroy the socket under it.
      if (res.writableEnded) return logServerError(req, error, 'failed after the response was sent');
      return next(error);
    }
    const http = toHttpError(error);
    if (http.status >= 500) logServerError(req, error);
    if (http.status === 503) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    format(req, res, http);
  };
}

/** A 404 for whatever no route of this router answered. */
export function notFoundHandler(message: (req: Request) => string): RequestHandler {
  return (req, _res, next) => next(new HttpError(404, 'not_found', message(req)));
}

export const jsonErrorHandler = errorHandler(asJson);
export const jsonNotFound = notFoundHandler((req) => `No route ${req.method} ${req.baseUrl}${req.path}`);
