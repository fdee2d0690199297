import type { Action } from './models.js';
import type { LogSource } from './live-tail.js';
import { CHANGE_LOG, CHANGE_COLUMNS, NOTIFICATION_LOG_COLUMNS, changeRowsAfter, logHeadOf, notificationRowsAfter } from './live-log-queries.js';
import type { NotificationItem } from './notifications.js';
import { actionFromRow } from './rows.js';
import { currentBackend } from './settings.js';
import { dateFromText } from './sql/datetime.js';
import type { Statement } from './sql/index.js';

// The two logs live streams read besides the actions: the notifications table (a notification is a
// row with an increasing id, as an action is) and the change log (change-log.ts).

/** A notification as the log reads it: whose it is, and the item (null when its action is gone). */
export interface NotificationLogRow {
  id: number;
  userId: string;
  item: NotificationItem | null;
}

/** A deleted action's references: what matching it against streams (and visibility) needs. */
export type DeletedActionFacts = Pick<
  Action,
  'id' | 'public' | 'actorType' | 'actorId' | 'targetType' | 'targetId' | 'actionObjectType' | 'actionObjectId' | 'data'
>;

export type ChangeLogRow =
  | { id: number; kind: 'action.deleted'; action: DeletedActionFacts }
  | { id: number; kind: 'notification.deleted'; actionId: number; notificationId: number; userId: string }
  | { id: number; kind: 'notifications.read'; userId: string }
  /** A kind this version does not know (written by a newer one): skipped. */
  | { id: number; kind: 'other' };

async function arrays(statement: (sql: ReturnType<typeof currentBackend>['sql']) => Statement): Promise<unknown[][]> {
  const backend = currentBackend();
  return backend.session(undefined, 'read', (session) => session.selectArrays(statement(backend.sql)));
}

async function headOf(table: string, count: number): Promise<number[]> {
  const backend = currentBackend();
  const rows = await backend.session(undefined, 'read', (session) => session.select(logHeadOf(backend.sql, table, count)));
  return rows.map((row) => Number(row.id));
}

const flag = (value: unknown) => value === true || value === 1 || value === '1';
const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

function notificationFromRow(row: unknown[]): NotificationLogRow {
  const [id, userId, notifiedAt, override, readUpTo] = row;
  const rest = row.slice(NOTIFICATION_LOG_COLUMNS.length);
  const notificationId = Number(id);
  const item: NotificationItem | null =
    rest[0] === null || rest[0] === undefined
      ? null
      : {
          id: notificationId,
          action: actionFromRow(rest),
          read: override === null || override === undefined ? notificationId <= Number(readUpTo) : flag(override),
          notifiedAt: notifiedAt instanceof Date ? notifiedAt : dateFromText(String(notifiedAt)),
        };
  return { id: notificationId, userId: String(userId), item };
}

function changeFromRow(row: unknown[]): ChangeLogRow {
  const at = (name: (typeof CHANGE_COLUMNS)[number]) => row[CHANGE_COLUMNS.indexOf(name)];
  const id = Number(at('id'));
  switch (at('kind')) {
    case 'action.deleted':
      return {
        id,
        kind: 'action.deleted',
        action: {
          id: Number(at('actionId')),
          public: flag(at('public')),
          actorType: String(at('actorType')),
          actorId: String(at('actorId')),
          targetType: text(at('targetType')),
          targetId: text(at('targetId')),
          actionObjectType: text(at('actionObjectType')),
          actionObjectId: text(at('actionObjectId')),
          data: null,
        },
      };
    case 'notification.deleted':
      return { id, kind: 'notification.deleted', actionId: Number(at('actionId')), notificationId: Number(at('notificationId')), userId: String(at('userId')) };
    case 'notifications.read':
      return { id, kind: 'notifications.read', userId: String(at('userId')) };
    default:
      return { id, kind: 'other' };
  }
}

export const notificationsLog: LogSource<NotificationLogRow> = {
  async rowsAfter(high, gaps, limit) {
    return (await arrays((sql) => notificationRowsAfter(sql, high, gaps, limit))).map(notificationFromRow);
  },
  head: (count) => headOf('actstream_notifications', count),
};

export const changeLog: LogSource<ChangeLogRow> = {
  async rowsAfter(high, gaps, limit) {
    return (await arrays((sql) => changeRowsAfter(sql, high, gaps, limit))).map(changeFromRow);
  },
  head: (count) => headOf(CHANGE_LOG, count),
};
