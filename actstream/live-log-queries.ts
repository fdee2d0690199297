import type { SqlWriter, Statement } from './sql/index.js';
import { ACTION_COLUMNS } from './sql/statements.js';

// The SQL live streams read besides the actions log: the notifications table and the change log
// (actstream/migrations/create-change-log.cjs) read as logs by id, and the change log's writes. Written
// once for every database with a backend's SqlWriter, front to back (placeholders may be positional).

const NOTIFICATIONS = 'actstream_notifications';
const MARKERS = 'actstream_notification_markers';
const OVERRIDES = 'actstream_notification_overrides';
const ACTIONS = 'actstream_actions';
export const CHANGE_LOG = 'actstream_change_log';

/** The reference columns a deleted action's row keeps, for matching it against live streams. */
const REFERENCE_COLUMNS = ['public', 'actorType', 'actorId', 'targetType', 'targetId', 'actionObjectType', 'actionObjectId'] as const;

/** The columns a change-log read returns, in this order. */
export const CHANGE_COLUMNS = ['id', 'kind', 'actionId', 'notificationId', 'userId', ...REFERENCE_COLUMNS] as const;

/** The columns a notifications-log read starts with; the action's ACTION_COLUMNS follow (all null when it is gone). */
export const NOTIFICATION_LOG_COLUMNS = ['id', 'userId', 'notifiedAt', 'override', 'readUpTo'] as const;

function ids(sql: SqlWriter, values: unknown[], column: string, list: readonly number[]): string {
  return sql.oneOf(values, column, list.map(String));
}

/** "`id` > high, or one of the gaps": the rows of a log a position has not seen. */
function after(sql: SqlWriter, values: unknown[], id: string, high: number, gaps: readonly number[]): string {
  let where = `${id} > ${sql.value(values, high)}`;
  if (gaps.length) where += ` OR ${ids(sql, values, id, gaps)}`;
  return where;
}

/** The newest `count` ids of `table`, newest first. */
export function logHeadOf(sql: SqlWriter, table: string, count: number): Statement {
  const values: unknown[] = [];
  const id = sql.name('id');
  return { text: `SELECT ${id} AS ${id} FROM ${sql.name(table)} ORDER BY ${id} DESC LIMIT ${sql.limit(values, count)}`, values };
}

/** Notifications above `high` or in `gaps`, in id order, with their read state and their actions. */
export function notificationRowsAfter(sql: SqlWriter, high: number, gaps: readonly number[], limit: number): Statement {
  const values: unknown[] = [];
  const n = (column: string) => `n.${sql.name(column)}`;
  const columns = [
    n('id'),
    n('userId'),
    n('timestamp'),
    `o.${sql.name('isRead')}`,
    `COALESCE((SELECT m.${sql.name('readUpTo')} FROM ${sql.name(MARKERS)} m WHERE m.${sql.name('userId')} = ${n('userId')}), 0)`,
    ...ACTION_COLUMNS.map((column) => `a.${sql.name(column)}`),
  ];
  const where = after(sql, values, n('id'), high, gaps);
  return {
    text:
      `SELECT ${columns.join(', ')} FROM ${sql.name(NOTIFICATIONS)} n ` +
      `LEFT JOIN ${sql.name(ACTIONS)} a ON a.${sql.name('id')} = ${n('actionId')} ` +
      `LEFT JOIN ${sql.name(OVERRIDES)} o ON o.${sql.name('userId')} = ${n('userId')} AND o.${sql.name('notificationId')} = ${n('id')} ` +
      `WHERE ${where} ORDER BY ${n('id')} LIMIT ${sql.limit(values, limit)}`,
    values,
  };
}

/** Change-log rows above `high` or in `gaps`, in id order (CHANGE_COLUMNS). */
export function changeRowsAfter(sql: SqlWriter, high: number, gaps: readonly number[], limit: number): Statement {
  const values: unknown[] = [];
  const id = `c.${sql.name('id')}`;
  const where = after(sql, values, id, high, gaps);
  return {
    text: `SELECT ${CHANGE_COLUMNS.map((column) => `c.${sql.name(column)}`).join(', ')} FROM ${sql.name(CHANGE_LOG)} c WHERE ${where} ORDER BY ${id} LIMIT ${sql.limit(values, limit)}`,
    values,
  };
}

/** One 'action.deleted' row per action of `actionIds` that still exists (run before the DELETE). */
export function recordDeletedActions(sql: SqlWriter, actionIds: readonly number[], at: Date): Statement {
  const values: unknown[] = [];
  const columns = ['kind', 'actionId', ...REFERENCE_COLUMNS, 'at'].map((column) => sql.name(column)).join(', ');
  const kind = sql.value(values, 'action.deleted');
  const time = sql.time(values, at);
  const select = [kind, `a.${sql.name('id')}`, ...REFERENCE_COLUMNS.map((column) => `a.${sql.name(column)}`), time].join(', ');
  const where = ids(sql, values, `a.${sql.name('id')}`, actionIds);
  return { text: `INSERT INTO ${sql.name(CHANGE_LOG)} (${columns}) SELECT ${select} FROM ${sql.name(ACTIONS)} a WHERE ${where}`, values };
}

/** One 'notification.deleted' row per notification of `actionIds` (run before they are deleted). */
export function recordDeletedNotifications(sql: SqlWriter, actionIds: readonly number[], at: Date): Statement {
  const values: unknown[] = [];
  const columns = ['kind', 'actionId', 'notificationId', 'userId', 'at'].map((column) => sql.name(column)).join(', ');
  const kind = sql.value(values, 'notification.deleted');
  const time = sql.time(values, at);
  const n = (column: string) => `n.${sql.name(column)}`;
  const where = ids(sql, values, n('actionId'), actionIds);
  return {
    text: `INSERT INTO ${sql.name(CHANGE_LOG)} (${columns}) SELECT ${kind}, ${n('actionId')}, ${n('id')}, ${n('userId')}, ${time} FROM ${sql.name(NOTIFICATIONS)} n WHERE ${where}`,
    values,
  };
}

/** A 'notifications.read' row: the user's read state changed. */
export function recordReadChange(sql: SqlWriter, userId: string, at: Date): Statement {
  const values: unknown[] = [];
  const columns = ['kind', 'userId', 'at'].map((column) => sql.name(column)).join(', ');
  return {
    text: `INSERT INTO ${sql.name(CHANGE_LOG)} (${columns}) VALUES (${sql.value(values, 'notifications.read')}, ${sql.value(values, userId)}, ${sql.time(values, at)})`,
    values,
  };
}

/** Deletes the change-log rows written before `olderThan`. */
export function deleteChangesBefore(sql: SqlWriter, olderThan: Date): Statement {
  const values: unknown[] = [];
  return { text: `DELETE FROM ${sql.name(CHANGE_LOG)} WHERE ${sql.name('at')} < ${sql.time(values, olderThan)}`, values };
}
