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
   * "`alias` is the user's", and the newest-first order of the user's index (userId, id). The one
   * dialect-specific spot here (it belongs with the dialect contract): SQLite and MySQL position an
   * index range only after an equality, so they get `userId = ?`; PostgreSQL, seeing userId as a
   * constant, may walk the primary key backwards and filter instead (it does when one user holds
   * many notifications with low ids, reading every newer one of everybody else), so it gets a range
   * on userId and an order by both columns, which only the user's index gives.
   */
  userRange(alias: string, userId: string): { where: string[]; newestFirst: string } {
    const user = this.col(alias, 'userId');
    const id = this.col(alias, 'id');
    if (this.sequelize.getDialect() !== 'postgres') return { where: [`${user} = ${this.value(userId)}`], newestFirst: `ORDER BY ${id} DESC` };
    return {
      where: [`${user} >= ${this.value(userId)}`, `${user} <= ${this.value(userId)}`],
      newestFirst: `ORDER BY ${user} DESC, ${id} DESC`,
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
  /** Only these users (of a private action: those it is about). */
  only?: string[];
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
  if (fanOut.only !== undefined) conditions.push(`${f('userId')} IN (${fanOut.only.map((id) => b.value(id)).join(', ')})`);
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

/** The user's read marker (0 when they never marked anything). */
function marker(b: Builder, userId: string): string {
  return `COALESCE((SELECT m.${b.name('readUpTo')} FROM ${b.name(MARKERS)} m WHERE m.${b.name('userId')} = ${b.value(userId)}), 0)`;
}

/** What every page row carries besides the action's own columns. */
function pageColumns(b: Builder, userId: string): string {
  return [
    `n.${b.name('id')} AS ${b.name('notificationId')}`,
    `n.${b.name('timestamp')} AS ${b.name('notifiedAt')}`,
    `o.${b.name('isRead')} AS ${b.name('override')}`,
    `${marker(b, userId)} AS ${b.name('readUpTo')}`,
    'a.*',
  ].join(', ');
}

function overrideJoin(b: Builder): string {
  return `LEFT JOIN ${b.name(OVERRIDES)} o ON ${b.col('o', 'userId')} = ${b.col('n', 'userId')} AND ${b.col('o', 'notificationId')} = ${b.col('n', 'id')}`;
}

/** The user's newest `size` notifications below `before` (a notification id), with their actions. */
export function notificationsPage(sequelize: Sequelize, userId: string, before: number | undefined, size: number): Statement {
  const b = new Builder(sequelize);
  const columns = pageColumns(b, userId);
  const user = b.userRange('n', userId);
  const where = [...user.where];
  if (before !== undefined) where.push(`${b.col('n', 'id')} < ${b.value(before)}`);
  const sql =
    `SELECT ${columns} FROM ${b.name(NOTIFICATIONS)} n ${b.joinAction('n', 'a')} ${overrideJoin(b)} ` +
    `WHERE ${where.join(' AND ')} ${user.newestFirst} LIMIT ${size}`;
  return { sql, bind: b.bind };
}

/**
 * Ids of the user's unread notifications, newest first, `size` at most from each of the two places
 * unread ones are: above the marker (less those marked read one by one) and marked unread below
 * it. Each is one short index range, joined to the actions so that one whose action is gone never
 * counts.
 */
function unreadIds(b: Builder, userId: string, before: number | undefined, size: number): string {
  const user = b.userRange('n1', userId);
  const above = [
    ...user.where,
    `${b.col('n1', 'id')} > ${marker(b, userId)}`,
    `NOT EXISTS (SELECT 1 FROM ${b.name(OVERRIDES)} o1 WHERE ${b.col('o1', 'userId')} = ${b.value(userId)} AND ${b.col('o1', 'notificationId')} = ${b.col('n1', 'id')} AND ${b.col('o1', 'isRead')} = TRUE)`,
  ];
  const below = [
    `${b.col('o2', 'userId')} = ${b.value(userId)}`,
    `${b.col('o2', 'isRead')} = FALSE`,
    `${b.col('o2', 'notificationId')} <= ${marker(b, userId)}`,
  ];
  if (before !== undefined) {
    above.push(`${b.col('n1', 'id')} < ${b.value(before)}`);
    below.push(`${b.col('o2', 'notificationId')} < ${b.value(before)}`);
  }
  const n = b.name(NOTIFICATIONS);
  const aboveSql = `SELECT ${b.col('n1', 'id')} AS ${b.name('id')} FROM ${n} n1 ${b.joinAction('n1', 'a1')} WHERE ${above.join(' AND ')} ${user.newestFirst} LIMIT ${size}`;
  const belowSql =
    `SELECT ${b.col('o2', 'notificationId')} AS ${b.name('id')} FROM ${b.name(OVERRIDES)} o2 ` +
    `JOIN ${n} n2 ON ${b.col('n2', 'id')} = ${b.col('o2', 'notificationId')} ${b.joinAction('n2', 'a2')} ` +
    `WHERE ${below.join(' AND ')} ORDER BY ${b.col('o2', 'notificationId')} DESC LIMIT ${size}`;
  // Derived tables around each LIMIT: every database takes them inside a UNION that way.
  return `SELECT x.${b.name('id')} FROM (${aboveSql}) x UNION ALL SELECT y.${b.name('id')} FROM (${belowSql}) y`;
}

/** The user's newest `size` unread notifications below `before`, with their actions. */
export function unreadPage(sequelize: Sequelize, userId: string, before: number | undefined, size: number): Statement {
  const b = new Builder(sequelize);
  const columns = pageColumns(b, userId);
  const ids = unreadIds(b, userId, before, size);
  const sql =
    `SELECT ${columns} FROM (${ids}) u JOIN ${b.name(NOTIFICATIONS)} n ON ${b.col('n', 'id')} = u.${b.name('id')} ` +
    `${b.joinAction('n', 'a')} ${overrideJoin(b)} ORDER BY ${b.col('n', 'id')} DESC LIMIT ${size}`;
  return { sql, bind: b.bind };
}

/** How many unread notifications the user has, counting at most `cap + 1` from each place. */
export function unreadCount(sequelize: Sequelize, userId: string, cap: number): Statement {
  const b = new Builder(sequelize);
  return { sql: `SELECT COUNT(*) AS ${b.name('count')} FROM (${unreadIds(b, userId, undefined, cap + 1)}) u`, bind: b.bind };
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
