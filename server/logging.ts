import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { format } from 'node:util';
import type { Request, RequestHandler } from 'express';
import { pino, type DestinationStream, type Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/errors.js';

export type { Logger } from 'pino';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A caller's own request id is kept only when it is short and plain (no log injection). */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Bearer and feed tokens (ast_…, asf_…) may appear in URLs (feed links): never in a log line. */
const TOKEN_PATTERN = /\b(ast|asf)_[A-Za-z0-9_-]+/g;
const SECRET_QUERY_KEY = /token|password|secret|key|sid|csrf/i;

/** The URL without tokens and without the values of query parameters that look secret. */
export function safeUrl(url: string): string {
  const [path, query] = url.split('?', 2) as [string, string | undefined];
  const cleanPath = path.replace(TOKEN_PATTERN, '$1_[redacted]');
  if (query === undefined) return cleanPath;
  const cleanQuery = query
    .split('&')
    .map((pair) => {
      const [key] = pair.split('=', 1) as [string];
      return SECRET_QUERY_KEY.test(key) ? `${key}=[redacted]` : pair.replace(TOKEN_PATTERN, '$1_[redacted]');
    })
    .join('&');
  return `${cleanPath}?${cleanQuery}`;
}

/**
 * Errors keep only their type, message, code and stack: Sequelize errors carry the SQL and its
 * bound values (a password hash, a token hash), which must not reach the log.
 */
function errorSerializer(error: unknown): object {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code ?? (error as { original?: { code?: unknown } }).original?.code;
  return {
    type: error.constructor?.name ?? 'Error',
    message: error.message.replace(TOKEN_PATTERN, '$1_[redacted]').slice(0, 1000),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    stack: error.stack,
  };
}

function requestSerializer(req: IncomingMessage & { id?: unknown }): object {
  const express = req as Partial<Request>;
  return {
    id: req.id,
    method: req.method,
    url: safeUrl(express.originalUrl ?? req.url ?? ''),
    remoteAddress: req.socket?.remoteAddress,
  };
}

function responseSerializer(res: ServerResponse): object {
  return { statusCode: res.statusCode };
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go (default stdout). Tests pass a stream they read. */
  destination?: DestinationStream;
}

/**
 * The app's JSON logger. Headers, bodies and sessions are never serialised; the redact list is a
 * second line of defence for anything logged by hand.
 */
export function createLogger({ level = process.env.LOG_LEVEL ?? 'info', destination }: LoggerOptions = {}): Logger {
  const options = {
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: errorSerializer, error: errorSerializer, req: requestSerializer, res: responseSerializer },
    redact: {
      paths: [
        'password',
        'passwordHash',
        'token',
        'tokenHash',
        'secret',
        'sessionSecret',
        'csrfToken',
        'authorization',
        'cookie',
        '*.password',
        '*.passwordHash',
        '*.token',
        '*.tokenHash',
        '*.sessionSecret',
        '*.csrfToken',
        '*.authorization',
        '*.cookie',
        '*.headers',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything (the default for apps built in tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** What the request-logging middleware leaves on each request. */
interface Logged {
  id: string;
  logger: Logger;
}

const logged = new WeakMap<IncomingMessage, Logged>();

/** The request's id (the X-Request-Id it was answered with), once requestLogging has seen it. */
export function requestId(req: IncomingMessage): string | undefined {
  return logged.get(req)?.id;
}

/**
 * One JSON line per finished request (id, method, path, status, time) and a request id (the
 * caller's X-Request-Id when plain, else a new UUID) echoed in the X-Request-Id header. Written
 * straight to the app's logger: a child logger per request (as pino-http makes) cost ~15% of a
 * stream request's CPU.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && ACCEPTABLE_REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, id);
    logged.set(req, { id, logger });
    (req as IncomingMessage & { id?: string }).id = id;
    const started = process.hrtime.bigint();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      // A response that closed before it ended (the client went away, or the socket was cut) is a warning.
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 || !res.writableEnded ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const responseTime = Number(process.hrtime.bigint() - started) / 1e6;
      logger[level](
        { reqId: id, req, res, responseTime: Math.round(responseTime * 100) / 100 },
        res.writableEnded ? 'request completed' : 'request aborted',
      );
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

/**
 * Logs a server-side failure with the request's id when there is one. A database outage is a
 * warning without a stack: the client got a 503 and every request says the same.
 */
export function logServerError(req: Request, error: unknown, message = 'request failed'): void {
  const entry = logged.get(req);
  if (!entry) {
    console.error(error);
  } else if (isDatabaseUnavailable(error)) {
    const { message: reason, code } = errorSerializer(error) as { message: string; code?: unknown };
    entry.logger.warn({ reqId: entry.id, reason, code }, `database unavailable (${message})`);
  } else {
    entry.logger.error({ reqId: entry.id, err: error }, message);
  }
}

/**
 * Sends what modules print with console.* to the JSON log instead (one JSON object per line).
 * Errors go through the error serialiser, so a Sequelize error's SQL and bound values never print.
 */
export function routeConsoleToLogger(logger: Logger): void {
  const line = (args: unknown[]) => {
    const errors = args.filter((a): a is Error => a instanceof Error);
    const text = format(...args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : a)));
    return [errors.length ? { err: errors[0] } : {}, text.replace(TOKEN_PATTERN, '$1_[redacted]')] as const;
  };
  console.error = (...args: unknown[]) => logger.error(...line(args));
  console.warn = (...args: unknown[]) => logger.warn(...line(args));
  console.info = (...args: unknown[]) => logger.info(...line(args));
  console.log = (...args: unknown[]) => logger.info(...line(args));
}
