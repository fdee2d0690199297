import type { ChangeWatcher, ChangeWatchOptions } from './contract.js';

/**
 * For databases with no cheap change signal (MariaDB/MySQL, or an in-memory SQLite database that
 * no second connection can open): the read itself is the check, every `pollMs` (default 200 ms).
 * Reading past the newest id is one primary-key probe.
 */
export function pollForChanges({ onChange, pollMs = 200 }: ChangeWatchOptions): ChangeWatcher {
  const timer = setInterval(onChange, pollMs);
  timer.unref();
  return {
    kind: 'poll',
    async close() {
      clearInterval(timer);
    },
  };
}
