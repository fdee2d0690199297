import type { CreateOptions, DestroyOptions, InstanceUpdateOptions, Transaction } from 'sequelize';
import { Follow, type Action } from './models.js';
import { currentBackend, currentSettings } from './settings.js';
import { dateFromText } from './sql/datetime.js';
import {
  FEED_HORIZONS_TABLE,
  FEED_ITEMS_TABLE,
  backfillObject,
  deleteAllItemsBefore,
  deleteFeedsOf,
  deleteItemsBefore,
  deleteItemsOf,
  deleteItemsOfActions,
  fanOutAction,
  fanOutActions,
  followsOver,
  horizonOf,
  insertHorizon,
  isHot,
  itemsNoLongerFollowed,
  markHot,
  nthNewestItem,
  nthNewestOfObject,
  updateHorizon,
  usersOverKeep as usersOverKeepStatement,
} from './sql/feed.js';
import type { SqlSession, SqlWriter } from './sql/index.js';
import { ROLES, type Role } from './sql/statements.js';

// Fan-out on write for the user feed (setup({ feed: 'write' })): each public action is copied, in
// the transaction that sends it, into actstream_feed_items for every user who follows its actor (or
// its target or action object, with actorOnly false), so a feed page is one index range on
// (userId, timestamp, actionId) however many objects the user follows (streams.ts reads it).
//
// What the items hold, per user: every action their follows bring in (public, not of a hot object)
// at or after their horizon (actstream_feed_horizons; no row: from the beginning). The horizon
// rises when the items are trimmed to the newest `keep`, and when a new follow's object has more
// than `keep` actions (only its newest are copied). Older pages, and objects with more than
// `hotFollowers` followers (actstream_feed_hot_objects: never copied, a million rows per action
// otherwise), are read from the follows at read time. Follow changes keep the items right through
// hooks on Follow, in the follow change's transaction, whoever writes it (follow(), unfollow(), the
// admin, deleting an object).

/** Whether feeds are written on send (setup's `feed: 'write'`). */
export function feedWrites(): boolean {
  return currentSettings().feed.mode === 'write';
}

/** A time as a driver gives it (a Date, or SQLite's text). */
export function timeOf(value: unknown): Date {
  return value instanceof Date ? value : dateFromText(String(value));
}

const later = (a: Date | undefined, b: Date | undefined): Date | undefined => (a === undefined ? b : b === undefined || a >= b ? a : b);

// Actions per fan-out statement: one `IN` list, three joins into the follows' object index.
const FAN_OUT_CHUNK = 1000;

/**
 * Copies the public ones of just-sent actions into their followers' feeds, in `transaction` (the
 * send's). The caller makes the send and this one all or nothing.
 */
export async function fanOutToFeeds(sent: readonly Action[], transaction: Transaction | undefined): Promise<void> {
  const shown = sent.filter((a) => a.public);
  if (shown.length === 0) return;
  const backend = currentBackend();
  await backend.session(transaction, 'write', async (session) => {
    if (shown.length === 1) {
      const [a] = shown;
      const refs = ROLES.flatMap((role) => {
        const type = a[`${role}Type`];
        const id = a[`${role}Id`];
        return type !== null && id !== null ? [{ role, type, id }] : [];
      });
      await session.execute(fanOutAction(backend.sql, { id: a.id, timestamp: a.timestamp, refs }));
      return;
    }
    for (let start = 0; start < shown.length; start += FAN_OUT_CHUNK) {
      const chunk = shown.slice(start, start + FAN_OUT_CHUNK);
      const times = chunk.map((a) => a.timestamp.getTime());
      const from = new Date(Math.min(...times));
      const to = new Date(Math.max(...times));
      await session.execute(fanOutActions(backend.sql, chunk.map((a) => a.id), from, to));
    }
  });
}

async function horizon(session: SqlSession, sql: SqlWriter, userId: string): Promise<Date | undefined> {
  const [row] = await session.select(horizonOf(sql, userId));
  return row ? timeOf(row.timestamp) : undefined;
}

async function firstTime(session: SqlSession, statement: ReturnType<typeof nthNewestItem>): Promise<Date | undefined> {
  const [row] = await session.select(statement);
  return row ? timeOf(row.timestamp) : undefined;
}

/**
 * Keeps the user's newest `keep` items (and their ties) and everything at or after `floor`'s
 * horizon: raises the horizon to the oldest kept, deletes what is below it.
 */
async function trimUser(session: SqlSession, sql: SqlWriter, userId: string, floor?: Date): Promise<void> {
  const { keep } = currentSettings().feed;
  const current = await horizon(session, sql, userId);
  const wanted = later(later(current, floor), await firstTime(session, nthNewestItem(sql, userId, keep)));
  if (wanted === undefined || (current !== undefined && wanted.getTime() <= current.getTime())) return;
  await session.execute(deleteItemsBefore(sql, userId, wanted));
  if (current === undefined) await session.execute(insertHorizon(sql, userId, wanted));
  else await session.execute(updateHorizon(sql, userId, wanted));
}

/** The roles in which the user's follows of the object bring its actions in (none: not followed). */
async function followedRoles(userId: string, type: string, id: string, transaction: Transaction | undefined): Promise<Role[]> {
  const follows = await Follow.findAll({ attributes: ['actorOnly'], where: { userId, contentType: type, objectId: id }, transaction });
  if (follows.length === 0) return [];
  return follows.some((f) => !f.actorOnly) ? [...ROLES] : ['actor'];
}

/**
 * Copies the followed object's recent actions into the user's feed: those at or after the user's
 * horizon, at most the newest `keep` per role (if there are more, the horizon rises to the oldest
 * copied). An object that is, or just became, hot is not copied: it is read at read time.
 */
async function backfill(session: SqlSession, sql: SqlWriter, userId: string, type: string, id: string, roles: Role[]): Promise<void> {
  const { keep, hotFollowers } = currentSettings().feed;
  if ((await session.select(isHot(sql, type, id))).length > 0) return;
  if ((await session.select(followsOver(sql, type, id, hotFollowers))).length > 0) {
    await session.execute(markHot(sql, type, id));
    return;
  }
  // What the items keep anyway: nothing older than the horizon, or than the user's keep-th newest.
  let floor = later(await horizon(session, sql, userId), await firstTime(session, nthNewestItem(sql, userId, keep)));
  for (const role of roles) floor = later(floor, await firstTime(session, nthNewestOfObject(sql, role, type, id, floor, keep)));
  for (const role of roles) await session.execute(backfillObject(sql, userId, role, type, id, floor));
  await trimUser(session, sql, userId, floor);
}

/** Deletes the user's items of the object that none of their follows brings in any more. */
async function removeUnfollowed(session: SqlSession, sql: SqlWriter, userId: string, type: string, id: string): Promise<void> {
  const rows = await session.select(itemsNoLongerFollowed(sql, userId, type, id));
  const ids = rows.map((row) => Number(row.actionId));
  for (let start = 0; start < ids.length; start += FAN_OUT_CHUNK) await session.execute(deleteItemsOf(sql, userId, ids.slice(start, start + FAN_OUT_CHUNK)));
}

interface Pair {
  userId: string;
  type: string;
  id: string;
}

/** Brings the user's items of the object in line with their follows of it now (after any follow change). */
async function resync(pairs: Pair[], transaction: Transaction | undefined, removing = true): Promise<void> {
  if (!feedWrites() || pairs.length === 0) return;
  const backend = currentBackend();
  const seen = new Set<string>();
  for (const pair of pairs) {
    const key = `${pair.userId}\0${pair.type}\0${pair.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const roles = await followedRoles(pair.userId, pair.type, pair.id, transaction);
    await backend.session(transaction, 'write', async (session) => {
      // (A new follow only adds: nothing to look for.)
      if (removing) await removeUnfollowed(session, backend.sql, pair.userId, pair.type, pair.id);
      if (roles.length > 0) await backfill(session, backend.sql, pair.userId, pair.type, pair.id, roles);
    });
  }
}

const pairOf = (f: Follow): Pair => ({ userId: f.userId, type: f.contentType, id: f.objectId });

const HOOK = 'actstream:feed';
const doomedPairs = Symbol('actstream:doomedFollowPairs');
type BulkDestroy = DestroyOptions & { [doomedPairs]?: Pair[] };

/** Hooks on Follow that keep the written feeds in line with every follow change (installed by setup). */
export function installFeedHooks(): void {
  for (const hook of ['afterCreate', 'afterBulkCreate', 'afterUpdate', 'afterDestroy', 'beforeBulkDestroy', 'afterBulkDestroy'] as const) Follow.removeHook(hook, HOOK);
  Follow.addHook('afterCreate', HOOK, async (follow: Follow, options: CreateOptions) => {
    await resync([pairOf(follow)], options.transaction ?? undefined, false);
  });
  Follow.addHook('afterBulkCreate', HOOK, async (follows: Follow[], options: CreateOptions) => {
    await resync(follows.map(pairOf), options.transaction ?? undefined, false);
  });
  Follow.addHook('afterUpdate', HOOK, async (follow: Follow, options: InstanceUpdateOptions) => {
    const changed = (['userId', 'contentType', 'objectId', 'actorOnly'] as const).some((field) => follow.changed(field));
    if (!changed) return;
    const before = { userId: follow.previous('userId') ?? follow.userId, type: follow.previous('contentType') ?? follow.contentType, id: follow.previous('objectId') ?? follow.objectId };
    await resync([before, pairOf(follow)], options.transaction ?? undefined);
  });
  Follow.addHook('afterDestroy', HOOK, async (follow: Follow, options: DestroyOptions) => {
    await resync([pairOf(follow)], options.transaction ?? undefined);
  });
  // A bulk destroy never sees the rows: note which (user, object) pairs lose a follow before they go.
  Follow.addHook('beforeBulkDestroy', HOOK, async (options: BulkDestroy) => {
    if (options.individualHooks || !feedWrites()) return;
    const rows = await Follow.findAll({ attributes: ['userId', 'contentType', 'objectId'], where: options.where, transaction: options.transaction ?? undefined });
    options[doomedPairs] = rows.map(pairOf);
  });
  Follow.addHook('afterBulkDestroy', HOOK, async (options: BulkDestroy) => {
    const pairs = options[doomedPairs];
    if (!pairs?.length) return;
    // A user left with no follows (deleted, say) loses every item at once.
    const users = [...new Set(pairs.map((p) => p.userId))];
    const still = await Follow.findAll({ attributes: ['userId'], where: { userId: users }, group: ['userId'], transaction: options.transaction ?? undefined });
    const following = new Set(still.map((f) => f.userId));
    const gone = users.filter((u) => !following.has(u));
    if (gone.length > 0) await removeFeedsOfUsers(gone, options.transaction ?? undefined);
    await resync(
      pairs.filter((p) => following.has(p.userId)),
      options.transaction ?? undefined,
    );
  });
}

/** Deletes these users' feeds (items and horizons): the users are being deleted. */
export async function removeFeedsOfUsers(userIds: string[], transaction: Transaction | undefined): Promise<void> {
  if (!feedWrites() || userIds.length === 0) return;
  const backend = currentBackend();
  await backend.session(transaction, 'write', async (session) => {
    for (const table of [FEED_ITEMS_TABLE, FEED_HORIZONS_TABLE] as const) await session.execute(deleteFeedsOf(backend.sql, table, userIds));
  });
}

/** Deletes every feed's items of these actions: the actions are being deleted. */
export async function removeFeedItemsOfActions(actionIds: number[], transaction: Transaction | undefined): Promise<void> {
  if (!feedWrites() || actionIds.length === 0) return;
  const backend = currentBackend();
  await backend.session(transaction, 'write', async (session) => {
    for (let start = 0; start < actionIds.length; start += FAN_OUT_CHUNK) await session.execute(deleteItemsOfActions(backend.sql, actionIds.slice(start, start + FAN_OUT_CHUNK)));
  });
}

/** Deletes every feed item older than `before` (pruneActions dropped whole partitions of actions). */
export async function removeFeedItemsBefore(before: Date): Promise<void> {
  if (!feedWrites()) return;
  const backend = currentBackend();
  await backend.session(undefined, 'write', (session) => session.execute(deleteAllItemsBefore(backend.sql, before)));
}

/**
 * Trims every user's feed items to the newest `keep` (setup's feedKeep): run it with the
 * retention job (npm run prune does). Each user's trim is its own short transaction. Returns how
 * many users were trimmed.
 */
export async function trimFeeds(): Promise<number> {
  if (!feedWrites()) return 0;
  const { sequelize, feed } = currentSettings();
  const backend = currentBackend();
  const rows = await backend.session(undefined, 'read', (session) => session.select(usersOverKeepStatement(backend.sql, feed.keep)));
  for (const row of rows) {
    await sequelize.transaction((transaction) => backend.session(transaction, 'write', (session) => trimUser(session, backend.sql, String(row.userId))));
  }
  return rows.length;
}

/**
 * Rebuilds one user's feed items from their follows (when turning feed 'write' on for users who
 * already follow things, or after follows were written with plain SQL): deletes them, then copies
 * each followed object's recent actions as a new follow does.
 */
export async function rebuildFeed(userId: string, transaction?: Transaction): Promise<void> {
  if (!feedWrites()) return;
  await removeFeedsOfUsers([userId], transaction);
  const follows = await Follow.findAll({ attributes: ['contentType', 'objectId'], where: { userId }, transaction });
  await resync(
    follows.map((f) => ({ userId, type: f.contentType, id: f.objectId })),
    transaction,
    false,
  );
}
