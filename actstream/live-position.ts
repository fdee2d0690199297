import { InvalidCursorError } from './errors.js';

// Where a live stream stands in the actions log, and the cursor (the SSE event id) that says so.
//
// Ids are handed out when a row is inserted, but transactions commit in any order: id 100 may
// commit after 101 was read and sent (PostgreSQL, MariaDB). A position is therefore not one id but
// `high` (every id at or below it has been looked at) and `gaps`: ids below `high` that were not
// committed when looked at (in flight, or rolled back). Whatever commits later in a gap is still
// delivered, live or on resume, and nothing at or below `high` outside the gaps is sent twice. A
// gap that stays empty for the settle window (live-tail.ts) is taken as rolled back and forgotten.

export interface LogPosition {
  /** Every id at or below this has been looked at. */
  high: number;
  /** Ids below `high` not committed when looked at, ascending. */
  gaps: number[];
}

/** Gaps a cursor carries at most (the newest kept): a bound on its size. */
export const MAX_CURSOR_GAPS = 100;

/** `<high>` then `.<gap>` for each gap, e.g. `101.99.100`. */
export function encodePosition({ high, gaps }: LogPosition): string {
  const kept = gaps.length > MAX_CURSOR_GAPS ? gaps.slice(gaps.length - MAX_CURSOR_GAPS) : gaps;
  return [high, ...kept].join('.');
}

/** The position in a cursor (a Last-Event-ID); InvalidCursorError when it is not one we wrote. */
export function decodePosition(cursor: string): LogPosition {
  if (typeof cursor !== 'string' || cursor.length > 2000 || !/^\d{1,15}(\.\d{1,15})*$/.test(cursor)) {
    throw new InvalidCursorError('expected the id of an event this server sent', 'lastEventId');
  }
  const [high, ...gaps] = cursor.split('.').map(Number);
  if (gaps.length > MAX_CURSOR_GAPS || gaps.some((gap, i) => gap >= high || (i > 0 && gap <= gaps[i - 1]))) {
    throw new InvalidCursorError('not an event id this server sent', 'lastEventId');
  }
  return { high, gaps };
}

/** What the log looked like after a read: the reader's position, and the ids the read found committed. */
export interface LogRead {
  /** The tail's position after the read: `high` is as far as it looked, `gaps` what it still waits for. */
  after: LogPosition;
  /** Ids found committed by the read (above the previous high or in its gaps), ascending. */
  committed: ReadonlySet<number>;
}

/**
 * Whether a stream at `position` has yet to see id `id` (and the read may deliver it).
 */
export function isUnseen(position: LogPosition, id: number): boolean {
  return id > position.high || position.gaps.includes(id);
}

/**
 * A stream's position once it has been handed every committed id of `read` up to and including
 * `upTo` (all of them when `upTo` is omitted). What it has not seen stays unseen: ids below the
 * new high that are still in flight (the read's gaps), or committed in this read above `upTo`, or
 * beyond what the read looked at (a stream ahead of this process's tail keeps its own gaps there).
 * Ids it had not seen that the read found neither committed nor in flight were rolled back or
 * outlived the settle window: they are dropped.
 */
export function advance(position: LogPosition, read: LogRead, upTo = Number.POSITIVE_INFINITY): LogPosition {
  const { after, committed } = read;
  const high = Math.max(position.high, Math.min(upTo, after.high));
  const inFlight = new Set(after.gaps);
  const gaps = new Set<number>();
  for (const id of [...position.gaps, ...after.gaps]) {
    if (id >= high || !isUnseen(position, id)) continue;
    if (committed.has(id) ? id > upTo : id > after.high || inFlight.has(id)) gaps.add(id);
  }
  return { high, gaps: [...gaps].sort((a, b) => a - b) };
}
