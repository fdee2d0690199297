import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { NotSetUpError } from './errors.js';
import { sqlBackend, type SqlBackend, type SqlMode } from './sql/index.js';

// What setup() was given, for every module of the library to read (kept apart from setup.ts, which
// installs hooks whose modules read these settings in turn).

export interface Settings {
  sequelize: Sequelize;
  userModel: ModelStatic<Model>;
  sql: SqlMode;
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
