import type { Action } from './models.js';
import type { LogPosition, LogRead } from './live-position.js';
import { actionFromRow } from './rows.js';
import { currentBackend } from './settings.js';
import { logHead, logRowsAfter } from './sql/statements.js';

// A table read as a log, in id order (see live-position.ts for why a position has gaps): the
// actions, and for live streams also the notifications and the change log (live-logs.ts).

/** How long an id below the high mark may stay uncommitted before it is taken as rolled back. */
export const DEFAULT_SETTLE_MS = 60_000;
/** Ids a new tail looks back over for gaps that may still commit. */
const START_WINDOW = 1000;
/** Gaps a tail waits for at most (the oldest are given up first): bounds the read's IN list. */
const MAX_PENDING = 1000;
/** Rows one read takes at most. */
export const READ_LIMIT = 500;

/** A table read as a log by its increasing id: the rows after a position, and the newest ids. */
export interface LogSource<T extends { id: number }> {
  /** Rows with an id above `high` or among `gaps`, in id order, at most `limit`. */
  rowsAfter(high: number, gaps: readonly number[], limit: number): Promise<T[]>;
  /** The newest `count` ids, newest first. */
  head(count: number): Promise<number[]>;
}

/** The actions table as a log. */
export const actionsLog: LogSource<Action> = {
  async rowsAfter(high, gaps, limit) {
    const backend = currentBackend();
    const rows = await backend.session(undefined, 'read', (session) => session.selectArrays(logRowsAfter(backend.sql, high, gaps, limit)));
    return rows.map(actionFromRow);
  },
  async head(count) {
    const backend = currentBackend();
    const rows = await backend.session(undefined, 'read', (session) => session.select(logHead(backend.sql, count)));
    return rows.map((row) => Number(row.id));
  },
};

/**
 * One process's reader of a log: where it has read to, and the gaps it waits for (each with the
 * time it was first seen, to drop it after the settle window). Reads run one at a time (the caller
 * serialises them).
 */
export class LogTail<T extends { id: number }> {
  private high = 0;
  private readonly pending = new Map<number, number>();

  constructor(
    private readonly source: LogSource<T>,
    private readonly settleMs = DEFAULT_SETTLE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  position(): LogPosition {
    return { high: this.high, gaps: [...this.pending.keys()].sort((a, b) => a - b) };
  }

  /** Starts at the newest row; ids missing among the newest START_WINDOW may still commit: they are gaps. */
  async start(): Promise<void> {
    const ids = await this.source.head(START_WINDOW);
    if (ids.length === 0) return;
    this.high = ids[0];
    const present = new Set(ids);
    const since = this.now();
    for (let id = Math.max(1, ids[ids.length - 1], this.high - MAX_PENDING); id < this.high; id++) if (!present.has(id)) this.pending.set(id, since);
  }

  /**
   * Reads what committed since the last read (at most `limit` rows: `more` says whether to read
   * again at once): the actions in id order, and the read for advancing streams' positions.
   */
  async read(limit = READ_LIMIT): Promise<{ rows: T[]; read: LogRead; more: boolean }> {
    const before = this.high;
    const actions = await this.source.rowsAfter(this.high, [...this.pending.keys()], limit);
    const committed = new Set<number>();
    const now = this.now();
    for (const action of actions) {
      committed.add(action.id);
      this.pending.delete(action.id);
      if (action.id > this.high) this.high = action.id;
    }
    // (A jump in ids, such as an explicit id far ahead, leaves at most MAX_PENDING gaps.)
    for (let id = Math.max(before + 1, this.high - MAX_PENDING); id < this.high; id++) if (!committed.has(id)) this.pending.set(id, now);
    for (const [id, since] of this.pending) if (now - since > this.settleMs) this.pending.delete(id);
    // Map order is insertion order: the oldest gaps go first.
    for (const id of this.pending.keys()) {
      if (this.pending.size <= MAX_PENDING) break;
      this.pending.delete(id);
    }
    return { rows: actions, read: { after: this.position(), committed }, more: actions.length === limit };
  }
}

/** The actions log's tail. */
export class ActionLogTail extends LogTail<Action> {
  constructor(settleMs = DEFAULT_SETTLE_MS, now: () => number = Date.now) {
    super(actionsLog, settleMs, now);
  }
}

/**
 * What a stream at `from` has not seen, up to the tail's position `to`: its gaps that committed and
 * every action above its high up to `to.high`, in id order, and the read to advance it by. At most
 * `maxRows` rows are read; `complete` is false when there was more (the stream is too far behind).
 */
export async function readSince<T extends { id: number } = Action>(
  from: LogPosition,
  to: LogPosition,
  maxRows: number,
  source: LogSource<T> = actionsLog as unknown as LogSource<T>,
): Promise<{ rows: T[]; read: LogRead; complete: boolean }> {
  const actions: T[] = [];
  const committed = new Set<number>();
  let high = from.high;
  let gaps = from.gaps.filter((gap) => gap <= to.high);
  let complete = true;
  while (high < to.high || gaps.length) {
    const page = await source.rowsAfter(high, gaps, READ_LIMIT);
    for (const action of page) {
      if (action.id > to.high) break;
      actions.push(action);
      committed.add(action.id);
    }
    const last = page[page.length - 1];
    if (page.length < READ_LIMIT || last.id >= to.high) break;
    if (actions.length >= maxRows) {
      complete = false;
      break;
    }
    // The next page starts after the last row, among the gaps or above the high mark.
    gaps = gaps.filter((gap) => gap > last.id);
    high = Math.max(high, last.id);
  }
  return { rows: actions, read: { after: to, committed }, complete };
}
