import BetterSqlite3 from 'better-sqlite3';
import type { ChangeWatcher, ChangeWatchOptions } from './contract.js';

/**
 * SQLite: `PRAGMA data_version` on a connection of our own changes whenever another connection
 * (this process's, or another worker's of `npm start`) commits to the file; a rolled-back write
 * leaves it alone. Checking it costs microseconds and touches no table, so it runs every `pollMs`
 * (default 20 ms) and calls onChange when it moved.
 */
export function watchSqliteFile(file: string, { onChange, pollMs = 20 }: ChangeWatchOptions): ChangeWatcher {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  let seen = db.pragma('data_version', { simple: true }) as number;
  const timer = setInterval(() => {
    const now = db.pragma('data_version', { simple: true }) as number;
    if (now !== seen) {
      seen = now;
      onChange();
    }
  }, pollMs);
  timer.unref();
  return {
    kind: 'sqlite-data-version',
    async close() {
      clearInterval(timer);
      db.close();
    },
  };
}
