import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { NotSetUpError } from './errors.js';
import { sqlBackend, type SqlBackend, type SqlMode } from './sql/index.js';

// What setup() was given, for every module of the library to read (kept apart from setup.ts, which
// installs hooks whose modules read these settings in turn).

/** How the user feed is read: from the follows at read time, or from rows written on send (feed.ts). */
export type FeedMode = 'read' | 'write';

export interface FeedSettings {
  mode: FeedMode;
  /** Items kept per user (the newest); older pages are read from the follows. */
  keep: number;
  /** Objects followed by more users than this are not copied into feeds (read at read time). */
  hotFollowers: number;
}

export interface Settings {
  sequelize: Sequelize;
  userModel: ModelStatic<Model>;
  sql: SqlMode;
  feed: FeedSettings;
}

let settings: Settings | undefined;

export function storeSettings(given: Settings): void {
  settings = given;
}

/** What setup was given; throws NotSetUpError before setup. */
export function currentSettings(): Settings {
  if (!settings) throw new NotSetUpError();
  return settings;
}

/** The backend actstream's statements run on now (see sql/index.ts). */
export function currentBackend(): SqlBackend {
  const { sequelize, sql } = currentSettings();
  return sqlBackend(sequelize, sql);
}
