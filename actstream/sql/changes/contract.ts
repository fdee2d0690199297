// Live streams learn "something was written" from the database, never what: the database is the
// log (live-tail.ts reads it), a change signal only says when to read it. One watcher per dialect
// (sqlite.ts, postgres.ts, poll.ts); index.ts picks one. A watcher may signal more often than
// anything changed (a spurious read finds nothing), never less: a change it cannot see is caught
// by the read that follows its next signal.

export interface ChangeWatchOptions {
  /** Called after something was committed (possibly several commits at once, possibly none). */
  onChange: () => void;
  /** A problem the watcher is recovering from (a dropped LISTEN connection), for the logs. */
  onError?: (error: unknown) => void;
  /** How often the polling watchers look, in ms (SQLite's data_version check, MariaDB's poll). */
  pollMs?: number;
}

export interface ChangeWatcher {
  /** Which mechanism: 'sqlite-data-version', 'postgres-listen', 'poll'. For logs and tests. */
  readonly kind: string;
  /** Stops watching; no onChange after it resolves. */
  close(): Promise<void>;
}
