import type { SqlWriter, Statement } from './sql/index.js';
import { ACTION_COLUMNS } from './sql/statements.js';

// The SQL of notifications: the fan-out's INSERTs and the reads of a user's page and unread count,
// written once for every database with a backend's SqlWriter (as sql/statements.ts writes the
// streams'). Placeholders are positional on some databases, so every statement is written front to
// back: a value joins `values` when the text holding its placeholder does. Every read is one short
// range of a primary key or of actstream_notifications_user, joined to the actions by primary key,
// so a notification whose action is gone is never shown or counted.

export type { Statement } from './sql/index.js';

const NOTIFICATIONS = 'actstream_notifications';
const MARKERS = 'actstream_notification_markers';
const OVERRIDES = 'actstream_notification_overrides';
const ACTIONS = 'actstream_actions';
const FOLLOWS = 'actstream_follows';

/** Rows per fan-out INSERT: 3 values each, well under every database's parameter limit. */
export const FAN_OUT_BATCH = 5000;

/** The columns a page row starts with; the action's ACTION_COLUMNS follow. */
export const PAGE_COLUMNS = ['notificationId', 'notifiedAt', 'override', 'readUpTo'] as const;

class Builder {
  readonly values: unknown[] = [];

  constructor(private readonly sql: SqlWriter) {}

  name(identifier: string): string {
    return this.sql.name(identifier);
  }

  col(alias: string, column: string): string {
    return `${alias}.${this.sql.name(column)}`;
  }

  value(value: string | number): string {
    return this.sql.value(this.values, value);
  }

  time(date: Date): string {
    return this.sql.time(this.values, date);
  }

  limit(count: number): string {
    return this.sql.limit(this.values, count);
  }

  get true(): string {
    return this.sql.true;
  }

  get false(): string {
    return this.sql.false;
  }

  /** "`alias` is the user's", in the form that keeps the planner on the user's index (userId, id). */
  user(alias: string, userId: string): string {
    return this.sql.keyPrefix(this.values, this.col(alias, 'userId'), userId).condition;
  }

  /** Newest first on the user's index (written after the WHERE, so it takes no values). */
  newestFirst(alias: string): string {
    const { order } = this.sql.keyPrefix([], this.col(alias, 'userId'), '');
    return `ORDER BY ${[...order, `${this.col(alias, 'id')} DESC`].join(', ')}`;
  }

  /** `alias`'s action still exists. */
  joinAction(notification: string, action: string): string {
    return `JOIN ${this.name(ACTIONS)} ${action} ON ${this.col(action, 'id')} = ${this.col(notification, 'actionId')}`;
  }

  statement(text: string): Statement {
    return { text, values: this.values };
  }
}

/** One INSERT of notifications: `rows` of (userId, actionId), all notified at `at`. */
export function insertNotifications(sql: SqlWriter, rows: { userId: string; actionId: number }[], at: Date): Statement {
  const b = new Builder(sql);
  const columns = ['userId', 'actionId', 'timestamp'].map((c) => b.name(c)).join(', ');
  const head = `INSERT INTO ${b.name(NOTIFICATIONS)} (${columns}) VALUES `;
  const tuples = rows.map((row) => `(${b.value(row.userId)}, ${b.value(row.actionId)}, ${b.time(at)})`);
  return b.statement(head + tuples.join(', '));
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
export function insertFollowersNotifications(sql: SqlWriter, fanOut: FollowersFanOut, at: Date): Statement {
  const b = new Builder(sql);
  const f = (column: string) => b.col('f', column);
  let text =
    `INSERT INTO ${b.name(NOTIFICATIONS)} (${b.name('userId')}, ${b.name('actionId')}, ${b.name('timestamp')}) ` +
    `SELECT d.${b.name('userId')}, ${b.value(fanOut.actionId)}, ${b.time(at)} FROM (`;
  const conditions = [`${f('contentType')} = ${b.value(fanOut.type)}`, `${f('objectId')} = ${b.value(fanOut.id)}`];
  if (fanOut.flag !== undefined) conditions.push(`${f('flag')} = ${b.value(fanOut.flag)}`);
  if (fanOut.except.length > 0) conditions.push(`${f('userId')} NOT IN (${fanOut.except.map((id) => b.value(id)).join(', ')})`);
  if (fanOut.only !== undefined) {
    conditions.push(fanOut.only.length > 0 ? `${f('userId')} IN (${fanOut.only.map((id) => b.value(id)).join(', ')})` : '1 = 0');
  }
  text += `SELECT DISTINCT ${f('userId')} AS ${b.name('userId')} FROM ${b.name(FOLLOWS)} f WHERE ${conditions.join(' AND ')}) d`;
  if (fanOut.skipExisting) {
    text += ` WHERE NOT EXISTS (SELECT 1 FROM ${b.name(NOTIFICATIONS)} x WHERE ${b.col('x', 'actionId')} = ${b.value(fanOut.actionId)} AND ${b.col('x', 'userId')} = d.${b.name('userId')})`;
  }
  return b.statement(text);
}

/** Which of `userIds` already have a notification of the action. */
export function existingRecipients(sql: SqlWriter, actionId: number, userIds: string[]): Statement {
  const b = new Builder(sql);
  return b.statement(
    `SELECT n.${b.name('userId')} AS ${b.name('userId')} FROM ${b.name(NOTIFICATIONS)} n ` +
      `WHERE ${b.col('n', 'actionId')} = ${b.value(actionId)} AND ${b.col('n', 'userId')} IN (${userIds.map((id) => b.value(id)).join(', ')})`,
  );
}

/** The user's read marker (0 when they never marked anything). */
function marker(b: Builder, userId: string): string {
  return `COALESCE((SELECT m.${b.name('readUpTo')} FROM ${b.name(MARKERS)} m WHERE m.${b.name('userId')} = ${b.value(userId)}), 0)`;
}

/** What every page row carries (PAGE_COLUMNS), then the action's columns. */
function pageColumns(b: Builder, userId: string): string {
  return [
    `n.${b.name('id')} AS ${b.name('notificationId')}`,
    `n.${b.name('timestamp')} AS ${b.name('notifiedAt')}`,
    `o.${b.name('isRead')} AS ${b.name('override')}`,
    `${marker(b, userId)} AS ${b.name('readUpTo')}`,
    ...ACTION_COLUMNS.map((column) => b.col('a', column)),
  ].join(', ');
}

function overrideJoin(b: Builder): string {
  return `LEFT JOIN ${b.name(OVERRIDES)} o ON ${b.col('o', 'userId')} = ${b.col('n', 'userId')} AND ${b.col('o', 'notificationId')} = ${b.col('n', 'id')}`;
}

/** The user's newest `size` notifications below `before` (a notification id), with their actions. */
export function notificationsPage(sql: SqlWriter, userId: string, before: number | undefined, size: number): Statement {
  const b = new Builder(sql);
  let text = `SELECT ${pageColumns(b, userId)} FROM ${b.name(NOTIFICATIONS)} n ${b.joinAction('n', 'a')} ${overrideJoin(b)} WHERE ${b.user('n', userId)}`;
  if (before !== undefined) text += ` AND ${b.col('n', 'id')} < ${b.value(before)}`;
  return b.statement(`${text} ${b.newestFirst('n')} LIMIT ${b.limit(size)}`);
}

/**
 * Ids of the user's unread notifications, newest first, `size` at most from each of the two places
 * unread ones are: above the marker (less those marked read one by one) and marked unread below
 * it. Each is one short index range, joined to the actions so that one whose action is gone never
 * counts.
 */
function unreadIds(b: Builder, userId: string, before: number | undefined, size: number): string {
  const n = b.name(NOTIFICATIONS);
  let above =
    `SELECT ${b.col('n1', 'id')} AS ${b.name('id')} FROM ${n} n1 ${b.joinAction('n1', 'a1')} WHERE ${b.user('n1', userId)}` +
    ` AND ${b.col('n1', 'id')} > ${marker(b, userId)}` +
    ` AND NOT EXISTS (SELECT 1 FROM ${b.name(OVERRIDES)} o1 WHERE ${b.col('o1', 'userId')} = ${b.value(userId)} AND ${b.col('o1', 'notificationId')} = ${b.col('n1', 'id')} AND ${b.col('o1', 'isRead')} = ${b.true})`;
  if (before !== undefined) above += ` AND ${b.col('n1', 'id')} < ${b.value(before)}`;
  above += ` ${b.newestFirst('n1')} LIMIT ${b.limit(size)}`;
  let below =
    `SELECT ${b.col('o2', 'notificationId')} AS ${b.name('id')} FROM ${b.name(OVERRIDES)} o2 ` +
    `JOIN ${n} n2 ON ${b.col('n2', 'id')} = ${b.col('o2', 'notificationId')} ${b.joinAction('n2', 'a2')} ` +
    `WHERE ${b.col('o2', 'userId')} = ${b.value(userId)} AND ${b.col('o2', 'isRead')} = ${b.false} AND ${b.col('o2', 'notificationId')} <= ${marker(b, userId)}`;
  if (before !== undefined) below += ` AND ${b.col('o2', 'notificationId')} < ${b.value(before)}`;
  below += ` ORDER BY ${b.col('o2', 'notificationId')} DESC LIMIT ${b.limit(size)}`;
  // Derived tables around each LIMIT: every database takes them inside a UNION that way.
  return `SELECT x.${b.name('id')} FROM (${above}) x UNION ALL SELECT y.${b.name('id')} FROM (${below}) y`;
}

/** The user's newest `size` unread notifications below `before`, with their actions. */
export function unreadPage(sql: SqlWriter, userId: string, before: number | undefined, size: number): Statement {
  const b = new Builder(sql);
  const head = `SELECT ${pageColumns(b, userId)} FROM (${unreadIds(b, userId, before, size)}) u`;
  return b.statement(
    `${head} JOIN ${b.name(NOTIFICATIONS)} n ON ${b.col('n', 'id')} = u.${b.name('id')} ` +
      `${b.joinAction('n', 'a')} ${overrideJoin(b)} ORDER BY ${b.col('n', 'id')} DESC LIMIT ${b.limit(size)}`,
  );
}

/** How many unread notifications the user has, counting at most `cap + 1` from each place. */
export function unreadCount(sql: SqlWriter, userId: string, cap: number): Statement {
  const b = new Builder(sql);
  return b.statement(`SELECT COUNT(*) AS ${b.name('count')} FROM (${unreadIds(b, userId, undefined, cap + 1)}) u`);
}

/** The user's newest notification id at or below `upTo`. */
export function newestAtOrBelow(sql: SqlWriter, userId: string, upTo: number): Statement {
  const b = new Builder(sql);
  return b.statement(
    `SELECT ${b.col('n', 'id')} AS ${b.name('id')} FROM ${b.name(NOTIFICATIONS)} n ` +
      `WHERE ${b.user('n', userId)} AND ${b.col('n', 'id')} <= ${b.value(upTo)} ${b.newestFirst('n')} LIMIT ${b.limit(1)}`,
  );
}

/** The user's notification `id`, if it is theirs and its action still exists. */
export function ownNotification(sql: SqlWriter, userId: string, id: number): Statement {
  const b = new Builder(sql);
  return b.statement(
    `SELECT ${b.col('n', 'id')} AS ${b.name('id')} FROM ${b.name(NOTIFICATIONS)} n ${b.joinAction('n', 'a')} ` +
      `WHERE ${b.col('n', 'id')} = ${b.value(id)} AND ${b.col('n', 'userId')} = ${b.value(userId)}`,
  );
}

/** Deletes the read overrides of the notifications of these actions (before the notifications go). */
export function deleteOverridesOfActions(sql: SqlWriter, actionIds: number[]): Statement {
  const b = new Builder(sql);
  return b.statement(
    `DELETE FROM ${b.name(OVERRIDES)} WHERE ${b.name('notificationId')} IN ` +
      `(SELECT n.${b.name('id')} FROM ${b.name(NOTIFICATIONS)} n WHERE ${b.col('n', 'actionId')} IN (${actionIds.map((id) => b.value(id)).join(', ')}))`,
  );
}
