import { InvalidCursorError } from './errors.js';

/** A keyset position: the last action of a page, by (timestamp, id). */
export interface Position {
  timestamp: Date;
  id: number;
}

export function encodeCursor({ timestamp, id }: Position): string {
  return Buffer.from(JSON.stringify([timestamp.getTime(), id])).toString('base64url');
}

/** The position in a cursor; `parameter` names where it came from in the error. */
export function decodeCursor(cursor: string, parameter: 'before' | 'after' = 'before'): Position {
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) {
    throw new InvalidCursorError('expected the "next" value of a previous page', parameter);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor a page produced', parameter);
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !Number.isSafeInteger(parsed[0]) ||
    !Number.isSafeInteger(parsed[1]) ||
    parsed[1] < 0
  ) {
    throw new InvalidCursorError('not a cursor a page produced', parameter);
  }
  const timestamp = new Date(parsed[0] as number);
  if (Number.isNaN(timestamp.getTime())) throw new InvalidCursorError('timestamp out of range', parameter);
  return { timestamp, id: parsed[1] as number };
}
