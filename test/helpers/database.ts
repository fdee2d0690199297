import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sequelize } from 'sequelize';
import { connect } from '../../db/connect.js';
import { migrate } from '../../db/migrate.js';
import { initModels } from '../../models/index.js';

let opened: Promise<Sequelize> | undefined;
let openedUrl: string | undefined;

/**
 * The per-user write limit of the apps most tests build: on (its store runs in every test) but out
 * of the way (test/http/write-limit.test.ts tests the limit itself).
 */
export const GENEROUS_WRITE_LIMIT = { limit: 1_000_000, windowMs: 60_000 };

/** The database the suite runs on: DATABASE_URL (CI's PostgreSQL / MariaDB), else a fresh SQLite file. */
export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'actstream-test-')), 'test.sqlite')}`;
}

/** One migrated database with the app's models for the whole run. */
export function database(): Promise<Sequelize> {
  opened ??= (async () => {
    openedUrl = testDatabaseUrl();
    const sequelize = await connect(openedUrl);
    await migrate(sequelize);
    initModels(sequelize);
    return sequelize;
  })();
  return opened;
}

/** The URL of the database() (for other processes that must share it). */
export async function databaseUrl(): Promise<string> {
  await database();
  return openedUrl!;
}

// Children before parents, so foreign keys never object.
const TABLES = [
  'rate_limits', 'api_tokens', 'actstream_change_log', 'actstream_feed_items', 'actstream_feed_horizons', 'actstream_feed_hot_objects', 'actstream_notification_overrides', 'actstream_notification_markers', 'actstream_notifications',
  'actstream_actions', 'actstream_follows', 'concerts', 'comments', 'locations', 'bands', 'groups', 'users',
];

/** Empties every table the suite writes to (extra: test-only tables). */
export async function resetDatabase(extra: string[] = []): Promise<void> {
  const sequelize = await database();
  const qi = sequelize.getQueryInterface();
  for (const table of [...extra, ...TABLES]) {
    await sequelize.query(`DELETE FROM ${qi.quoteIdentifier(table)}`);
  }
}

/** Forgets every rate-limit counter (they live in the database, shared by every app built on it). */
export async function clearRateLimits(): Promise<void> {
  const sequelize = await database();
  await sequelize.query(`DELETE FROM ${sequelize.getQueryInterface().quoteIdentifier('rate_limits')}`);
}
