import { Op, type Model, type Transaction } from 'sequelize';
import { recordReadStateChange } from './change-log.js';
import { ActstreamArgumentError, InvalidCursorError } from './errors.js';
import { ActionGroup, checkGroupedLimit, collectRuns, type GroupingOptions, type GroupSource } from './grouping.js';
import type { Action } from './models.js';
import { NotificationMarker, NotificationOverride } from './notification-models.js';
import {
  newestAtOrBelow,
  notificationsPage,
  ownNotification,
  unreadCount as unreadCountStatement,
  unreadPage,
  PAGE_COLUMNS,
  type Statement,
} from './notification-queries.js';
import { loadReferences } from './references.js';
import { referenceOf } from './registry.js';
import { actionFromRow } from './rows.js';
import { dateFromText } from './sql/datetime.js';
import { MAX_LIMIT } from './streams.js';
import { currentBackend, currentSettings } from './settings.js';
import type { SqlWriter } from './sql/index.js';
import { allOrNothing } from './transactions.js';

// Reading a user's notifications, and their read state: a marker per user (every notification up
// to it is read; it only moves forward) plus per-item overrides (read above it, unread below it).

export interface NotificationOptions extends GroupingOptions {
  /** Page size, 1..100 (default 20): notifications, or groups when grouped. */
  limit?: number;
  /** The `next` cursor of the previous page. */
  before?: string | null;
  /** Only unread notifications. */
  unreadOnly?: boolean;
  /** Fold the page into groups (see grouping.ts). */
  grouped?: boolean;
  transaction?: Transaction | null;
}

/** One notification: the action (its objects loaded) and whether the user has read it. */
export interface NotificationItem {
  id: number;
  action: Action;
  read: boolean;
  /** When the user was notified. */
  notifiedAt: Date;
}

/** Consecutive notifications of grouping actions, as one. */
export interface NotificationGroup {
  group: ActionGroup;
  /** The members, newest first (only the group's newest and sample actions have their objects loaded). */
  items: NotificationItem[];
  /** Every member read. */
  read: boolean;
}

export interface NotificationPage<T> {
  /** Newest first (the order the notifications arrived in). */
  items: T[];
  /** Pass as `before` for the next page; null on the last page. */
  next: string | null;
}

export interface UnreadCount {
  /** Unread notifications, at most `cap`. */
  count: number;
  /** More than `cap` are unread. */
  capped: boolean;
}

const CURSOR_TAG = 'n';

function encodeNotificationCursor(id: number): string {
  return Buffer.from(JSON.stringify([CURSOR_TAG, id])).toString('base64url');
}

function decodeNotificationCursor(cursor: string): number {
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(cursor)) {
    throw new InvalidCursorError('expected the "next" value of a previous page');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor of the notifications');
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== CURSOR_TAG || !Number.isSafeInteger(parsed[1]) || parsed[1] < 1) {
    throw new InvalidCursorError('not a cursor of the notifications');
  }
  return parsed[1] as number;
}

/** The user's id as notifications store it; only instances of the user model have notifications. */
function recipientId(user: Model): string {
  const { userModel } = currentSettings();
  if (!(user instanceof userModel)) throw new ActstreamArgumentError(`notifications belong to ${userModel.name} instances`);
  return referenceOf(user).id;
}

function checkNotificationId(id: unknown, name: string): number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw new ActstreamArgumentError(`${name} must be a notification id`);
  return id;
}

/** A driver's boolean: true/false (PostgreSQL), 1/0 (SQLite, MySQL), null when absent. */
function booleanOrNull(value: unknown): boolean | null {
  if (value === null || value === undefined) return null;
  return Boolean(Number(value));
}

async function select<T extends object>(statement: (sql: SqlWriter) => Statement, transaction: Transaction | undefined): Promise<T[]> {
  const backend = currentBackend();
  return (await backend.session(transaction, 'read', (session) => session.select(statement(backend.sql)))) as T[];
}

/** A page row: PAGE_COLUMNS, then the action's columns. */
function itemFromRow(row: unknown[]): NotificationItem {
  const [notificationId, notifiedAt, override, readUpTo] = row;
  const id = Number(notificationId);
  return {
    id,
    action: actionFromRow(row.slice(PAGE_COLUMNS.length)),
    read: booleanOrNull(override) ?? id <= Number(readUpTo),
    notifiedAt: notifiedAt instanceof Date ? notifiedAt : dateFromText(String(notifiedAt)),
  };
}

/** `size` items below `before` (a notification id; undefined: from the top), and whether more follow. */
async function readItems(
  userId: string,
  unreadOnly: boolean,
  before: number | undefined,
  size: number,
  transaction: Transaction | undefined,
): Promise<{ entries: NotificationItem[]; more: boolean }> {
  const backend = currentBackend();
  const statement = (unreadOnly ? unreadPage : notificationsPage)(backend.sql, userId, before, size + 1);
  const rows = await backend.session(transaction, 'read', (session) => session.selectArrays(statement));
  return { entries: rows.slice(0, size).map(itemFromRow), more: rows.length > size };
}

/**
 * A page of the user's notifications, newest first, each with its action (objects loaded; a deleted
 * object reads as deleted, as in streams) and whether it is read. A notification whose action was
 * deleted is gone. Grouped, the page holds up to `limit` groups (see grouping.ts).
 */
export function notifications(user: Model, options: NotificationOptions & { grouped: true }): Promise<NotificationPage<NotificationGroup>>;
export function notifications(user: Model, options?: NotificationOptions & { grouped?: false }): Promise<NotificationPage<NotificationItem>>;
export function notifications(user: Model, options?: NotificationOptions): Promise<NotificationPage<NotificationItem | NotificationGroup>>;
export async function notifications(user: Model, options: NotificationOptions = {}): Promise<NotificationPage<NotificationItem | NotificationGroup>> {
  const userId = recipientId(user);
  const limit = checkGroupedLimit(options.limit);
  const before = options.before === undefined || options.before === null ? undefined : decodeNotificationCursor(options.before);
  const transaction = options.transaction ?? undefined;
  const unreadOnly = options.unreadOnly === true;

  if (!options.grouped) {
    const { entries, more } = await readItems(userId, unreadOnly, before, limit, transaction);
    await loadReferences(
      entries.map((item) => item.action),
      transaction,
    );
    const last = entries[entries.length - 1];
    return { items: entries, next: more && last ? encodeNotificationCursor(last.id) : null };
  }

  const source: GroupSource<NotificationItem> = {
    maxRead: MAX_LIMIT,
    read: (after, size) => readItems(userId, unreadOnly, after ? after.id : before, size, transaction),
  };
  const grouping = { window: options.window, groupedVerbs: options.groupedVerbs, ungroupedVerbs: options.ungroupedVerbs };
  const { runs, more } = await collectRuns(source, (item) => item.action, limit, grouping);
  const groups = runs.map((items) => ({ group: new ActionGroup(items.map((item) => item.action)), items, read: items.every((item) => item.read) }));
  // Only what a group shows needs its objects: its newest action and the sample actors' actions.
  await loadReferences(
    groups.flatMap(({ group }) => [group.newest, ...group.sampleActions]),
    transaction,
  );
  const lastRun = runs[runs.length - 1];
  const oldest = lastRun?.[lastRun.length - 1];
  return { items: groups, next: more && oldest ? encodeNotificationCursor(oldest.id) : null };
}

/**
 * How many notifications the user has not read, counting at most `cap` (default 100): one statement
 * reading at most `cap + 1` entries of the user's index range above the marker (skipping those
 * marked read) and of the few marked unread below it; never the history.
 */
export async function unreadCount(user: Model, options: { cap?: number; transaction?: Transaction | null } = {}): Promise<UnreadCount> {
  const userId = recipientId(user);
  const cap = options.cap ?? 100;
  if (!Number.isInteger(cap) || cap < 1 || cap > 10_000) throw new RangeError(`cap must be an integer from 1 to 10000, got ${String(cap)}`);
  const [row] = await select<{ count: unknown }>((sql) => unreadCountStatement(sql, userId, cap), options.transaction ?? undefined);
  const count = Number(row?.count ?? 0);
  return { count: Math.min(count, cap), capped: count > cap };
}

/**
 * Marks every notification of the user up to `upTo` (a notification id, e.g. the newest one they
 * were shown) read, so one that arrived meanwhile stays unread. The marker only moves forward, to
 * the user's own newest notification at or below `upTo`; items marked unread below it become read.
 * Returns the marker.
 */
export async function markRead(user: Model, options: { upTo: number; transaction?: Transaction | null }): Promise<{ readUpTo: number | null }> {
  const userId = recipientId(user);
  const upTo = checkNotificationId(options?.upTo, 'upTo');
  const { sequelize } = currentSettings();
  return allOrNothing(sequelize, options.transaction, async (transaction) => {
    const [newest] = await select<{ id: unknown }>((sql) => newestAtOrBelow(sql, userId, upTo), transaction);
    const current = await NotificationMarker.findByPk(userId, { transaction });
    if (!newest) return { readUpTo: current?.readUpTo ?? null };
    const target = Number(newest.id);
    const forward = { userId, readUpTo: { [Op.lt]: target } };
    if (!current) {
      const [, created] = await NotificationMarker.findOrCreate({ where: { userId }, defaults: { userId, readUpTo: target }, transaction });
      if (!created) await NotificationMarker.update({ readUpTo: target }, { where: forward, transaction });
    } else if (current.readUpTo < target) {
      await NotificationMarker.update({ readUpTo: target }, { where: forward, transaction });
    }
    // Up to the marker everything is read now: the overrides there say nothing any more.
    await NotificationOverride.destroy({ where: { userId, notificationId: { [Op.lte]: target } }, transaction });
    // Live streams recompute the user's unread count on this.
    await recordReadStateChange(userId, transaction);
    const after = await NotificationMarker.findByPk(userId, { transaction });
    return { readUpTo: after?.readUpTo ?? null };
  });
}

/** Marks one of the user's notifications read (or unread); false when it is not theirs (or gone). */
export async function markItemRead(user: Model, id: number, read = true, options: { transaction?: Transaction | null } = {}): Promise<boolean> {
  const userId = recipientId(user);
  const notificationId = checkNotificationId(id, 'id');
  if (typeof read !== 'boolean') throw new ActstreamArgumentError('read must be true or false');
  const { sequelize } = currentSettings();
  return allOrNothing(sequelize, options.transaction, async (transaction) => {
    const [own] = await select<{ id: unknown }>((sql) => ownNotification(sql, userId, notificationId), transaction);
    if (!own) return false;
    const marker = await NotificationMarker.findByPk(userId, { transaction });
    const readByMarker = notificationId <= (marker?.readUpTo ?? 0);
    if (read === readByMarker) {
      await NotificationOverride.destroy({ where: { userId, notificationId }, transaction });
    } else {
      await NotificationOverride.upsert({ userId, notificationId, isRead: read }, { transaction });
    }
    await recordReadStateChange(userId, transaction);
    return true;
  });
}
