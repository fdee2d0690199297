import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { ActstreamArgumentError } from './errors.js';
import { installFeedHooks } from './feed.js';
import { Action, Follow, defineModels } from './models.js';
import { defineChangeLogModel, installChangeLog } from './change-log.js';
import { installNotificationCleanup } from './notification-cleanup.js';
import { defineNotificationModels } from './notification-models.js';
import { storeSettings, type FeedMode, type FeedSettings } from './settings.js';
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
  /**
   * The user feed: 'read' (default) reads it from the follows at every page; 'write' copies each
   * public action into its followers' feeds when it is sent (actstream/feed.ts), so a page is one
   * index range however many objects the user follows. Needs the create-feed-items migration.
   * Default: the ACTSTREAM_FEED environment variable, else 'read'.
   */
  feed?: FeedMode;
  /** With feed 'write': items kept per user, the newest (default ACTSTREAM_FEED_KEEP, else 1000). */
  feedKeep?: number;
  /** With feed 'write': objects with more follows than this are read at read time (default ACTSTREAM_FEED_HOT_FOLLOWERS, else 10,000). */
  feedHotFollowers?: number;
}

/** A whole number from the option, else the environment variable, else the default. */
function count(name: string, value: number | undefined, variable: string, fallback: number): number {
  const env = process.env[variable];
  const given = value !== undefined ? value : env ? Number(env) : fallback;
  if (!Number.isInteger(given) || given < 1) throw new ActstreamArgumentError(`${value !== undefined ? name : variable} must be a positive integer`);
  return given;
}

/** The feed options; each defaults to its environment variable (ACTSTREAM_FEED, …), then to read fan-out. */
function checkFeed(options: SetupOptions): FeedSettings {
  const mode = options.feed ?? process.env.ACTSTREAM_FEED ?? 'read';
  if (mode !== 'read' && mode !== 'write') throw new ActstreamArgumentError(`feed (ACTSTREAM_FEED) must be 'read' or 'write', got ${JSON.stringify(mode)}`);
  return {
    mode,
    keep: count('feedKeep', options.feedKeep, 'ACTSTREAM_FEED_KEEP', 1000),
    hotFollowers: count('feedHotFollowers', options.feedHotFollowers, 'ACTSTREAM_FEED_HOT_FOLLOWERS', 10_000),
  };
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
  const feed = checkFeed(options);
  const sql = options.sql !== undefined ? checkMode(options.sql, 'sql') : process.env.ACTSTREAM_SQL ? checkMode(process.env.ACTSTREAM_SQL, 'ACTSTREAM_SQL') : 'fast';
  if (Action.sequelize !== sequelize || Follow.sequelize !== sequelize) {
    defineModels(sequelize);
    defineNotificationModels(sequelize);
    defineChangeLogModel(sequelize);
    installNotificationCleanup();
    installChangeLog();
    installFeedHooks();
  }
  useTransactionContext(sequelize.constructor as typeof Sequelize);
  storeSettings({ sequelize, userModel: options.userModel, sql, feed });
  return { Action, Follow };
}
