import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { ActstreamArgumentError, NotSetUpError } from './errors.js';
import { Action, Follow, defineModels } from './models.js';
import { installNotificationCleanup } from './notification-cleanup.js';
import { defineNotificationModels } from './notification-models.js';
import { useTransactionContext } from './transactions.js';

export interface SetupOptions {
  /** The model whose instances follow things (and act, usually). */
  userModel: ModelStatic<Model>;
}

interface Settings extends SetupOptions {
  sequelize: Sequelize;
}

let settings: Settings | undefined;

/**
 * Defines Action and Follow (and the notification models) on `sequelize`. Their tables come from
 * actstream's migrations (actstream/migrations/*.cjs) or, in a quick prototype, `await sequelize.sync()`.
 * Also turns on Sequelize's CLS (unless the app chose a namespace already), so that inside
 * `sequelize.transaction(async () => …)` or `atomically(…)` every write, and every action recorded
 * for it, uses that transaction.
 */
export function setup(sequelize: Sequelize, options: SetupOptions): { Action: typeof Action; Follow: typeof Follow } {
  // Streams compare timestamps in SQL with values written as Sequelize writes them in UTC (rows.ts).
  const { timezone } = (sequelize as unknown as { options: { timezone?: string } }).options;
  if (timezone !== undefined && timezone !== '+00:00') {
    throw new ActstreamArgumentError(`actstream needs Sequelize's default timezone '+00:00', got '${timezone}'`);
  }
  defineModels(sequelize);
  defineNotificationModels(sequelize);
  installNotificationCleanup();
  useTransactionContext(sequelize.constructor as typeof Sequelize);
  settings = { sequelize, userModel: options.userModel };
  return { Action, Follow };
}

/** What setup was given; throws NotSetUpError before setup. */
export function currentSettings(): Settings {
  if (!settings) throw new NotSetUpError();
  return settings;
}
