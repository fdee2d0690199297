import { ConnectionError, DatabaseError, TimeoutError } from 'sequelize';

/** Seconds a client is told to wait before retrying when the database is out. */
export const RETRY_AFTER_SECONDS = 5;

export const UNAVAILABLE_MESSAGE = 'The database is unreachable right now; please retry shortly.';

// Codes drivers use for a connection that is gone or refused (PostgreSQL SQLSTATE class 08 and
// 57P0x "the server is shutting down", MySQL/MariaDB, sockets), and SQLite's "locked for too long".
const UNAVAILABLE_CODES = new Set([
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ECONNCLOSED',
  'SQLITE_BUSY', 'SQLITE_LOCKED',
]);
const UNAVAILABLE_MESSAGES = /Connection terminated|connection is closed|Can't add new command when connection is in closed state|Client has encountered a connection error|the database system is (shutting down|starting up)|terminating connection/i;

function codeOf(error: object): unknown {
  const { code, original, parent } = error as { code?: unknown; original?: { code?: unknown }; parent?: { code?: unknown } };
  return code ?? original?.code ?? parent?.code;
}

/**
 * Whether `error` means the database could not be reached or was busy — a condition the client can
 * retry — rather than a bug: connection refused or lost, pool timeouts, a server shutting down.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
  const code = codeOf(error);
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const message = (error as { message?: unknown }).message;
  const original = (error as { original?: { message?: unknown } }).original?.message;
  return [message, original].some((text) => typeof text === 'string' && UNAVAILABLE_MESSAGES.test(text));
}

// PostgreSQL's class 22 (data exceptions: NUL or bad encoding in text, value too long) and their
// MySQL/MariaDB counterparts: the client sent a value the column cannot hold.
const DATA_ERROR_CODES = new Set(['ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', 'ER_DATA_TOO_LONG', 'ER_TRUNCATED_WRONG_VALUE', 'ER_WARN_DATA_OUT_OF_RANGE']);

/** Whether the database refused a value the client sent (a 400, not a 500). */
export function isUnstorableData(error: unknown): boolean {
  if (!(error instanceof DatabaseError)) return false;
  const code = (error.original as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (/^22[0-9A-Z]{3}$/.test(code) || DATA_ERROR_CODES.has(code));
}
