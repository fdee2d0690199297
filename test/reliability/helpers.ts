import { Action, Follow } from 'actstream';
import { ApiToken, Band, Group, User } from '../../models/index.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory for one test's files (SQLite database, server log). */
export function scratchDir(prefix = 'actstream-rel-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fresh SQLite database URL in its own directory. */
export function scratchSqliteUrl(dir = scratchDir()): string {
  return `sqlite:${join(dir, 'app.sqlite')}`;
}

/** The server's log, one parsed JSON object per line; a line that is not JSON is an error. */
export function readJsonLog(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line.slice(0, 300)}`);
      }
    });
}

/** Row counts of every table a request can write, to show a refused request wrote nothing. */
export function rowCounts(): Promise<number[]> {
  return Promise.all([Action.count(), Follow.count(), ApiToken.count(), User.count(), Group.count(), Band.count()]);
}
