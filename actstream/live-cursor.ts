import { InvalidCursorError } from './errors.js';
import { decodePosition, encodePosition, type LogPosition } from './live-position.js';

// A live stream's place in the three logs it reads (actions, notifications, change log), as one
// SSE event id: the three positions joined by `-`, e.g. `101.99-7-40`. An id of one part (what
// earlier versions sent) is a place in the actions log only: the other two start from now.

export interface LiveCursor {
  actions: LogPosition;
  notifications: LogPosition;
  changes: LogPosition;
}

/** A resume point: the parts a cursor named (a missing part starts from the reader's position). */
export type LiveCursorFrom = Pick<LiveCursor, 'actions'> & Partial<Omit<LiveCursor, 'actions'>>;

export function encodeCursor({ actions, notifications, changes }: LiveCursor): string {
  return [actions, notifications, changes].map(encodePosition).join('-');
}

export function decodeCursor(cursor: string): LiveCursorFrom {
  if (typeof cursor !== 'string' || cursor.length > 6000) throw new InvalidCursorError('expected the id of an event this server sent', 'lastEventId');
  const parts = cursor.split('-');
  if (parts.length === 1) return { actions: decodePosition(parts[0]) };
  if (parts.length !== 3) throw new InvalidCursorError('not an event id this server sent', 'lastEventId');
  const [actions, notifications, changes] = parts.map(decodePosition);
  return { actions, notifications, changes };
}
