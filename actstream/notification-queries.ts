import type { Sequelize } from 'sequelize';
import { inlinesValues, quoteName } from './dialect.js';
import { timestampParameter } from './rows.js';

// The SQL of notifications: the fan-out's INSERTs and the reads of a user's page and unread count.
// Portable SQL (TRUE/FALSE, COALESCE, derived tables with LIMIT); names and values go through
// dialect.ts as the stream statements' do. Every read is one short range of a primary key or of
// actstream_notifications_user, joined to the actions by primary key, so a notification whose action
// is gone is never shown or counted.

export interface Statement {
  sql: string;
  bind: unknown[];
}

const NOTIFICATIONS = 'actstream_notifications';
const MARKERS = 'actstream_notification_markers';
const OVERRIDES = 'actstream_notification_overrides';
const ACTIONS = 'actstream_actions';
const FOLLOWS = 'actstream_follows';

/** Rows per fan-out INSERT: 3 bind parameters each, well under every database's limit (32766 on SQLite). */
export const FAN_OUT_BATCH = 5000;

class Builder {
  readonly bind: unknown[] = [];
  private readonly inline: boolean;

  /** `bindAlways`: writes bind on every database (as actions are inserted); reads inline where dialect.ts says so. */
  constructor(
    readonly sequelize: Sequelize,
    bindAlways = false,
  ) {
    this.inline = !bindAlways && inlinesValues(sequelize);
  }

  name(identifier: string): string {
    return quoteName(this.sequelize, identifier);
  }

  col(alias: string, column: string): string {
    return `${alias}.${this.name(column)}`;
  }

  value(value: string | number): string {
    if (this.inline) return this.sequelize.escape(value);
    this.bind.push(value);
    return `$${this.bind.length}`;
  }

  time(date: Date): string {
    const value = timestampParameter(this.sequelize, date);
    if (this.inline) return this.sequelize.escape(value instanceof Date ? value.toISOString() : value);
    this.bind.push(value);
    return `$${this.bind.length}`;
  }

  /**
   * "`alias` is the user's", and the newest-first order of the user's index (userId, id). Written as
   * a range on userId, not an equality, and ordered by both columns: a planner that sees userId as a
   * constant may walk the primary key backwards instead and filter (PostgreSQL does, when one user
   * holds many notifications with low ids: it then reads every newer one of everybody else).
   */
  userRange(alias: string, userId: string): { where: string[]; newestFirst: string } {
    const user = this.col(alias, 'userId');
    return {
      where: [`${user} >= ${this.value(userId)}`, `${user} <= ${this.value(userId)}`],
      newestFirst: `ORDER BY ${user} DESC, ${this.col(alias, 'id')} DESC`,
    };
  }

  /** `alias`'s action still exists. */
  joinAction(notification: string, action: string): string {
    return `JOIN ${this.name(ACTIONS)} ${action} ON ${this.col(action, 'id')} = ${this.col(notification, 'actionId')}`;
  }
}

/** One INSERT of notifications: `rows` of (userId, actionId), all notified at `at`. */
export function insertNotifications(sequelize: Sequelize, rows: { userId: string; actionId: number }[], at: Date): Statement {
  const b = new Builder(sequelize, true);
  const tuples = rows.map((row) => `(${b.value(row.userId)}, ${b.value(row.actionId)}, ${b.time(at)})`);
  const columns = ['userId', 'actionId', 'timestamp'].map((c) => b.name(c)).join(', ');
  return { sql: `INSERT INTO ${b.name(NOTIFICATIONS)} (${columns}) VALUES ${tuples.join(', ')}`, bind: b.bind };
}

export interface FollowersFanOut {
  actionId: number;
  type: string;
  id: string;
  flag?: string;
  except: string[];
  /** Skip users who already have this action (false when the action was just written). */
  skipExisting: boolean;
}

/**
 * The fan-out to an object's followers in one statement: INSERT … SELECT from the follows' object
 * index, each follower once (someone may follow under several flags).
 */
export function insertFollowersNotifications(sequelize: Sequelize, fanOut: FollowersFanOut, at: Date): Statement {
  const b = new Builder(sequelize, true);
  const f = (column: string) => b.col('f', column);
  const conditions = [`${f('contentType')} = ${b.value(fanOut.type)}`, `${f('objectId')} = ${b.value(fanOut.id)}`];
  if (fanOut.flag !== undefined) conditions.push(`${f('flag')} = ${b.value(fanOut.flag)}`);
  if (fanOut.except.length > 0) conditions.push(`${f('userId')} NOT IN (${fanOut.except.map((id) => b.value(id)).join(', ')})`);
  const actionId = b.value(fanOut.actionId);
  const at_ = b.time(at);
  const followers = `SELECT DISTINCT ${f('userId')} AS ${b.name('userId')} FROM ${b.name(FOLLOWS)} f WHERE ${conditions.join(' AND ')}`;
  let sql =
    `INSERT INTO ${b.name(NOTIFICATIONS)} (${b.name('userId')}, ${b.name('actionId')}, ${b.name('timestamp')}) ` +
    `SELECT d.${b.name('userId')}, ${actionId}, ${at_} FROM (${followers}) d`;
  if (fanOut.skipExisting) {
    sql += ` WHERE NOT EXISTS (SELECT 1 FROM ${b.name(NOTIFICATIONS)} x WHERE ${b.col('x', 'actionId')} = ${b.value(fanOut.actionId)} AND ${b.col('x', 'userId')} = d.${b.name('userId')})`;
  }
  return { sql, bind: b.bind };
}

/** Which of `userIds` already have a notification of the action. */
export function existingRecipients(sequelize: Sequelize, actionId: number, userIds: string[]): Statement {
  const b = new Builder(sequelize);
  const sql =
    `SELECT n.${b.name('userId')} AS ${b.name('userId')} FROM ${b.name(NOTIFICATIONS)} n ` +
    `WHERE ${b.col('n', 'actionId')} = ${b.value(actionId)} AND ${b.col('n', 'userId')} IN (${userIds.map((id) => b.value(id)).join(', ')})`;
  return { sql, bind: b.bind };
}

/**
 * The user's read state: the marker (null if they never marked anything) and how many notifications
 * they marked read one by one (those are always above the marker: markRead drops the ones it passes).
 */
export function readState(sequelize: Sequelize, userId: string): Statement {
  const b = new Builder(sequelize);
  const marker = `(SELECT m.${b.name('readUpTo')} FROM ${b.name(MARKERS)} m WHERE m.${b.name('userId')} = ${b.value(userId)})`;
  const readOnes = `(SELECT COUNT(*) FROM ${b.name(OVERRIDES)} o WHERE ${b.col('o', 'userId')} = ${b.value(userId)} AND ${b.col('o', 'isRead')} = TRUE)`;
  return { sql: `SELECT ${marker} AS ${b.name('readUpTo')}, ${readOnes} AS ${b.name('readOnes')}`, bind: b.bind };
}

export interface RangeOptions {
  /** Only notifications after this id (the marker: the unread ones and those marked read one by one). */
  above?: number;
  /** Only notifications before this id (the cursor). */
  below?: number;
  /** Rows at most. */
  size: number;
}

/**
 * The newest notification ids of the user in a range: a plain read of the user's index range,
 * newest first, alone in a derived table (with its LIMIT) so the joins around it cannot change how
 * it is read.
 */
function userRange(b: Builder, userId: string, range: RangeOptions, branch: number): string {
  const user = b.userRange('r', userId);
  const where = [...user.where];
  if (range.above !== undefined) where.push(`${b.col('r', 'id')} > ${b.value(range.above)}`);
  if (range.below !== undefined) where.push(`${b.col('r', 'id')} < ${b.value(range.below)}`);
  const ids = `SELECT ${b.col('r', 'id')} AS ${b.name('id')} FROM ${b.name(NOTIFICATIONS)} r WHERE ${where.join(' AND ')} ${user.newestFirst} LIMIT ${range.size}`;
  return `SELECT x${branch}.${b.name('id')}, ${branch} AS ${b.name('branch')} FROM (${ids}) x${branch}`;
}

/** The user's notifications marked unread one by one (all below the marker), newest first. */
function markedUnread(b: Builder, userId: string, range: RangeOptions, branch: number): string {
  const where = [`${b.col('u', 'userId')} = ${b.value(userId)}`, `${b.col('u', 'isRead')} = FALSE`];
  if (range.above !== undefined) where.push(`${b.col('u', 'notificationId')} <= ${b.value(range.above)}`);
  if (range.below !== undefined) where.push(`${b.col('u', 'notificationId')} < ${b.value(range.below)}`);
  const ids =
    `SELECT ${b.col('u', 'notificationId')} AS ${b.name('id')} FROM ${b.name(OVERRIDES)} u ` +
    `WHERE ${where.join(' AND ')} ORDER BY ${b.col('u', 'notificationId')} DESC LIMIT ${range.size}`;
  return `SELECT x${branch}.${b.name('id')}, ${branch} AS ${b.name('branch')} FROM (${ids}) x${branch}`;
}

/**
 * Rows of notifications (from the ranges in `ids`) with their actions and read overrides, newest
 * first. The action is LEFT JOINed: a row whose action is gone comes back with a null action id, so
 * the caller can tell how far each range went and skip it.
 */
function withActions(b: Builder, ids: string, whole = true): string {
  // `whole`: every column of the action; else only whether it exists (its id), for counting.
  const action = whole ? `n.${b.name('timestamp')} AS ${b.name('notifiedAt')}, a.*` : `${b.col('a', 'id')} AS ${b.name('id')}`;
  return (
    `SELECT u.${b.name('branch')} AS ${b.name('branch')}, n.${b.name('id')} AS ${b.name('notificationId')}, ` +
    `o.${b.name('isRead')} AS ${b.name('override')}, ${action} ` +
    `FROM (${ids}) u JOIN ${b.name(NOTIFICATIONS)} n ON ${b.col('n', 'id')} = u.${b.name('id')} ` +
    `LEFT JOIN ${b.name(ACTIONS)} a ON ${b.col('a', 'id')} = ${b.col('n', 'actionId')} ` +
    `LEFT JOIN ${b.name(OVERRIDES)} o ON ${b.col('o', 'userId')} = ${b.col('n', 'userId')} AND ${b.col('o', 'notificationId')} = ${b.col('n', 'id')} ` +
    `ORDER BY ${b.col('n', 'id')} DESC`
  );
}

/** Up to `size` of the user's notifications below `below`, newest first (branch 1). */
export function notificationsPage(sequelize: Sequelize, userId: string, range: RangeOptions): Statement {
  const b = new Builder(sequelize);
  return { sql: withActions(b, userRange(b, userId, { below: range.below, size: range.size }, 1)), bind: b.bind };
}

/**
 * Candidates for a page of unread notifications: up to `size` above the marker (branch 1; those
 * marked read one by one are among them, so the caller asks for that many more) and up to `size`
 * marked unread below it (branch 2). `whole: false` reads only what counting them needs.
 */
export function unreadPage(sequelize: Sequelize, userId: string, range: RangeOptions, whole = true): Statement {
  const b = new Builder(sequelize);
  const ids = `${userRange(b, userId, range, 1)} UNION ALL ${markedUnread(b, userId, range, 2)}`;
  return { sql: withActions(b, ids, whole), bind: b.bind };
}

/** The user's newest notification id at or below `upTo`. */
export function newestAtOrBelow(sequelize: Sequelize, userId: string, upTo: number): Statement {
  const b = new Builder(sequelize);
  const user = b.userRange('n', userId);
  const sql =
    `SELECT ${b.col('n', 'id')} AS ${b.name('id')} FROM ${b.name(NOTIFICATIONS)} n ` +
    `WHERE ${[...user.where, `${b.col('n', 'id')} <= ${b.value(upTo)}`].join(' AND ')} ${user.newestFirst} LIMIT 1`;
  return { sql, bind: b.bind };
}

/** The user's notification `id`, if it is theirs and its action still exists. */
export function ownNotification(sequelize: Sequelize, userId: string, id: number): Statement {
  const b = new Builder(sequelize);
  const sql =
    `SELECT ${b.col('n', 'id')} AS ${b.name('id')} FROM ${b.name(NOTIFICATIONS)} n ${b.joinAction('n', 'a')} ` +
    `WHERE ${b.col('n', 'id')} = ${b.value(id)} AND ${b.col('n', 'userId')} = ${b.value(userId)}`;
  return { sql, bind: b.bind };
}

/** Deletes the read overrides of the notifications of these actions (before the notifications go). */
export function deleteOverridesOfActions(sequelize: Sequelize, actionIds: number[]): Statement {
  const b = new Builder(sequelize, true);
  const sql =
    `DELETE FROM ${b.name(OVERRIDES)} WHERE ${b.name('notificationId')} IN ` +
    `(SELECT n.${b.name('id')} FROM ${b.name(NOTIFICATIONS)} n WHERE ${b.col('n', 'actionId')} IN (${actionIds.map((id) => b.value(id)).join(', ')}))`;
  return { sql, bind: b.bind };
}
