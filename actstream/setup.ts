import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { ActstreamArgumentError } from './errors.js';
import { Action, Follow, defineModels } from './models.js';
import { defineChangeLogModel, installChangeLog } from './change-log.js';
import { installNotificationCleanup } from './notification-cleanup.js';
import { defineNotificationModels } from './notification-models.js';
import { storeSettings } from './settings.js';
import type { SqlMode } from './sql/index.js';
import { useTransactionContext } from './transactions.js';

export interface SetupOptions {
  /** The model whose instances follow things (and act, usually). */
  userModel: ModelStatic<Model>;
  /**
   * How actstream's own statements run: 'fast' (prepared statements on the driver connections
   * Sequelize hands out, where actstream has a backend for the driver) or 'portable' (everything
   * through `sequelize.query`, `findAll` and `bulkCreate`). Default: the ACTSTREAM_SQL environment
   * variable, else 'fast'.
   */
  sql?: SqlMode;
}

function checkMode(mode: unknown, source: string): SqlMode {
  if (mode === 'fast' || mode === 'portable') return mode;
  throw new ActstreamArgumentError(`${source} must be 'fast' or 'portable', got ${JSON.stringify(mode)}`);
}

/**
 * Defines Action and Follow (and the notification models) on `sequelize`. Their tables come from
 * actstream's migrations (actstream/migrations/*.cjs) or, in a quick prototype, `await sequelize.sync()`.
 * Also turns on Sequelize's CLS (unless the app chose a namespace already), so that inside
 * `sequelize.transaction(async () => …)` or `atomically(…)` every write, and every action recorded
 * for it, uses that transaction. Calling it again with the same Sequelize instance changes only the
 * options (the models and their hooks stay).
 */
export function setup(sequelize: Sequelize, options: SetupOptions): { Action: typeof Action; Follow: typeof Follow } {
  // Streams compare timestamps in SQL with values written as Sequelize writes them in UTC.
  const { timezone } = (sequelize as unknown as { options: { timezone?: string } }).options;
  if (timezone !== undefined && timezone !== '+00:00') {
    throw new ActstreamArgumentError(`actstream needs Sequelize's default timezone '+00:00', got '${timezone}'`);
  }
  const sql = options.sql !== undefined ? checkMode(options.sql, 'sql') : process.env.ACTSTREAM_SQL ? checkMode(process.env.ACTSTREAM_SQL, 'ACTSTREAM_SQL') : 'fast';
  if (Action.sequelize !== sequelize || Follow.sequelize !== sequelize) {
    defineModels(sequelize);
    defineNotificationModels(sequelize);
    defineChangeLogModel(sequelize);
    installNotificationCleanup();
    installChangeLog();
  }
  useTransactionContext(sequelize.constructor as typeof Sequelize);
  storeSettings({ sequelize, userModel: options.userModel, sql });
  return { Action, Follow };
}
