import type { SqlWriter, Statement } from './contract.js';
import { ACTION_COLUMNS, ACTIONS_TABLE, FOLLOWS_TABLE, ROLES, Writer, and, followedAs, type Branch, type PageFilters, type Role } from './statements.js';

// The statements of the fan-out-on-write feed (actstream/feed.ts): written once for every database
// with a backend's SqlWriter, as statements.ts writes the streams'. Every write is bounded by the
// follows' object index (one range per role of an action) or by one user's rows; every read is one
// range of actstream_feed_items' primary key (userId, timestamp, actionId).

export const FEED_ITEMS_TABLE = 'actstream_feed_items';
export const FEED_HORIZONS_TABLE = 'actstream_feed_horizons';
export const FEED_HOT_TABLE = 'actstream_feed_hot_objects';

/** SQL: the object `alias`.(type, id) is hot (read at read time, never copied into feeds). */
function hot(w: Writer, type: string, id: string): string {
  return `EXISTS (SELECT 1 FROM ${w.name(FEED_HOT_TABLE)} o WHERE o.${w.name('contentType')} = ${type} AND o.${w.name('objectId')} = ${id})`;
}

/**
 * Copies the public actions `ids` (sent between `from` and `to`) into the feeds of every user who
 * follows their actor, or their target or action object with actorOnly false, unless that object
 * is hot: one INSERT … SELECT, one range of the follows' object index per action and role. Each
 * user gets an action once, however many of its objects they follow.
 */
export function fanOutActions(sql: SqlWriter, ids: readonly number[], from: Date, to: Date): Statement {
  const w = new Writer(sql);
  const actions = w.name(ACTIONS_TABLE);
  const follows = w.name(FOLLOWS_TABLE);
  const a = (column: string) => w.column('a', column);
  const f = (column: string) => w.column('f', column);
  const branches = ROLES.map((role) => {
    const on = [`${f('contentType')} = ${a(`${role}Type`)}`, `${f('objectId')} = ${a(`${role}Id`)}`];
    if (role !== 'actor') on.push(`${f('actorOnly')} = ${w.false}`);
    // The time bounds (true of every id) let a partitioned table read only the partitions they span.
    const where = [
      w.oneOf(a('id'), ids.map(String)),
      `${a('timestamp')} >= ${w.time(from)}`,
      `${a('timestamp')} <= ${w.time(to)}`,
      `${a('public')} = ${w.true}`,
      `NOT ${hot(w, f('contentType'), f('objectId'))}`,
    ];
    return `SELECT ${f('userId')} AS ${w.name('userId')}, ${a('id')} AS ${w.name('actionId')}, ${a('timestamp')} AS ${w.name('timestamp')} FROM ${actions} a JOIN ${follows} f ON ${on.join(' AND ')} WHERE ${where.join(' AND ')}`;
  });
  const columns = ['userId', 'actionId', 'timestamp'].map((c) => w.name(c));
  return w.statement(
    `INSERT INTO ${w.name(FEED_ITEMS_TABLE)} (${columns.join(', ')}) SELECT DISTINCT ${columns.map((c) => `d.${c}`).join(', ')} FROM (${branches.join(' UNION ALL ')}) d`,
  );
}

/** The time of the `n`-th newest public action with the object in `role` (at or after `from`). */
export function nthNewestOfObject(sql: SqlWriter, role: Role, type: string, id: string, from: Date | undefined, n: number): Statement {
  const w = new Writer(sql);
  const conditions = [`${w.column('x', `${role}Type`)} = ${w.literal(type)}`, `${w.column('x', `${role}Id`)} = ${w.value(id)}`, `${w.column('x', 'public')} = ${w.true}`];
  if (from) conditions.push(`${w.column('x', 'timestamp')} >= ${w.time(from)}`);
  return w.statement(
    `SELECT ${w.column('x', 'timestamp')} AS ${w.name('timestamp')} FROM ${w.name(ACTIONS_TABLE)} x WHERE ${and(conditions)} ${w.newestFirst('x')} LIMIT ${w.limit(1)} OFFSET ${w.limit(n - 1)}`,
  );
}

/**
 * Copies the object's public actions in `role` at or after `from` into the user's feed (those it
 * has not already): the backfill of a new follow. The caller bounds `from` so that this reads at
 * most the object's newest N actions (and their ties).
 */
export function backfillObject(sql: SqlWriter, userId: string, role: Role, type: string, id: string, from: Date | undefined): Statement {
  const w = new Writer(sql);
  const x = (column: string) => w.column('x', column);
  const columns = ['userId', 'actionId', 'timestamp'].map((c) => w.name(c));
  // Written front to back (positional placeholders): the user first, then the conditions.
  let text = `INSERT INTO ${w.name(FEED_ITEMS_TABLE)} (${columns.join(', ')}) SELECT ${w.value(userId)}, ${x('id')}, ${x('timestamp')} FROM ${w.name(ACTIONS_TABLE)} x WHERE `;
  const conditions = [`${x(`${role}Type`)} = ${w.literal(type)}`, `${x(`${role}Id`)} = ${w.value(id)}`, `${x('public')} = ${w.true}`];
  if (from) conditions.push(`${x('timestamp')} >= ${w.time(from)}`);
  text += and(conditions);
  const have = `SELECT 1 FROM ${w.name(FEED_ITEMS_TABLE)} i WHERE ${w.column('i', 'userId')} = ${w.value(userId)} AND ${w.column('i', 'timestamp')} = ${x('timestamp')} AND ${w.column('i', 'actionId')} = ${x('id')}`;
  return w.statement(`${text} AND NOT EXISTS (${have})`);
}

/** The time of the user's `n`-th newest feed item (none: they have fewer). */
export function nthNewestItem(sql: SqlWriter, userId: string, n: number): Statement {
  const w = new Writer(sql);
  const i = (column: string) => w.column('i', column);
  return w.statement(
    `SELECT ${i('timestamp')} AS ${w.name('timestamp')} FROM ${w.name(FEED_ITEMS_TABLE)} i WHERE ${i('userId')} = ${w.value(userId)} ` +
      `ORDER BY ${i('userId')} DESC, ${i('timestamp')} DESC, ${i('actionId')} DESC LIMIT ${w.limit(1)} OFFSET ${w.limit(n - 1)}`,
  );
}

/** Deletes the user's feed items older than `before`. */
export function deleteItemsBefore(sql: SqlWriter, userId: string, before: Date): Statement {
  const w = new Writer(sql);
  return w.statement(`DELETE FROM ${w.name(FEED_ITEMS_TABLE)} WHERE ${w.name('userId')} = ${w.value(userId)} AND ${w.name('timestamp')} < ${w.time(before)}`);
}

/** Deletes the user's feed items of these actions. */
export function deleteItemsOf(sql: SqlWriter, userId: string, actionIds: readonly number[]): Statement {
  const w = new Writer(sql);
  return w.statement(`DELETE FROM ${w.name(FEED_ITEMS_TABLE)} WHERE ${w.name('userId')} = ${w.value(userId)} AND ${w.oneOf(w.name('actionId'), actionIds.map(String))}`);
}

/** Deletes every user's feed items of these actions (the actions are being deleted). */
export function deleteItemsOfActions(sql: SqlWriter, actionIds: readonly number[]): Statement {
  const w = new Writer(sql);
  return w.statement(`DELETE FROM ${w.name(FEED_ITEMS_TABLE)} WHERE ${w.oneOf(w.name('actionId'), actionIds.map(String))}`);
}

/**
 * The user's feed items with the object in any role that none of the user's follows brings in any
 * more (after an unfollow, or a follow turned actorOnly): what to delete. One range of the user's
 * rows, each joined to its action by primary key.
 */
export function itemsNoLongerFollowed(sql: SqlWriter, userId: string, type: string, id: string): Statement {
  const w = new Writer(sql);
  const a = (column: string) => w.column('a', column);
  const i = (column: string) => w.column('i', column);
  const head =
    `SELECT ${i('actionId')} AS ${w.name('actionId')} FROM ${w.name(FEED_ITEMS_TABLE)} i JOIN ${w.name(ACTIONS_TABLE)} a ON ${a('id')} = ${i('actionId')} AND ${a('timestamp')} = ${i('timestamp')} ` +
    `WHERE ${i('userId')} = ${w.value(userId)}`;
  // (Front to back: the user's value above, then these, in the order the text reads.)
  const about = ROLES.map((role) => `(${a(`${role}Type`)} = ${w.literal(type)} AND ${a(`${role}Id`)} = ${w.value(id)})`).join(' OR ');
  const followed = ROLES.map((role) => followedAs(w, role, { userId })).join(' OR ');
  return w.statement(`${head} AND (${about}) AND NOT (${followed})`);
}

/** One row of feedState: the user's horizon ('h'), or a follow of a hot object ('f'). */
export interface FeedStateRow {
  kind: 'h' | 'f';
  timestamp: unknown;
  type: string | null;
  id: string | null;
  actorOnly: unknown;
}

/**
 * What a feed page needs besides the items: the user's horizon, and their follows of hot objects
 * (each hot object is one probe of the follows' unique index: there are few of them).
 */
export function feedState(sql: SqlWriter, userId: string): Statement {
  const w = new Writer(sql);
  const f = (column: string) => w.column('f', column);
  const o = (column: string) => w.column('o', column);
  const names = ['kind', 'timestamp', 'type', 'id', 'actorOnly'].map((c) => w.name(c));
  const horizon = `SELECT 'h' AS ${names[0]}, ${w.column('h', 'timestamp')} AS ${names[1]}, NULL AS ${names[2]}, NULL AS ${names[3]}, NULL AS ${names[4]} FROM ${w.name(FEED_HORIZONS_TABLE)} h WHERE ${w.column('h', 'userId')} = ${w.value(userId)}`;
  const hotFollows =
    `SELECT 'f', NULL, ${f('contentType')}, ${f('objectId')}, ${f('actorOnly')} FROM ${w.name(FEED_HOT_TABLE)} o JOIN ${w.name(FOLLOWS_TABLE)} f ` +
    `ON ${f('userId')} = ${w.value(userId)} AND ${f('contentType')} = ${o('contentType')} AND ${f('objectId')} = ${o('objectId')}`;
  return w.statement(`${horizon} UNION ALL ${hotFollows}`);
}

/**
 * A feed page from the user's items (public actions still there, within `filters`) and `branches`
 * (hot follows, the user's own actions): the newest `size` of their union, as branchesPage reads
 * its branches. The items are one range of the primary key, at most `size` entries.
 */
export function itemsPage(sql: SqlWriter, userId: string, branches: Branch[], filters: PageFilters, size: number): Statement {
  const w = new Writer(sql);
  const table = w.name(ACTIONS_TABLE);
  const id = w.name('id');
  const i = (column: string) => w.column('i', column);
  const itemWhere = and([`${i('userId')} = ${w.value(userId)}`, `${w.column('x', 'public')} = ${w.true}`, ...w.filters('i', filters, 'actionId')]);
  const items =
    `SELECT p.id, p.ts FROM (SELECT ${i('actionId')} AS id, ${i('timestamp')} AS ts FROM ${w.name(FEED_ITEMS_TABLE)} i ` +
    `JOIN ${table} x ON ${w.column('x', 'id')} = ${i('actionId')} AND ${w.column('x', 'timestamp')} = ${i('timestamp')} ` +
    `WHERE ${itemWhere} ORDER BY ${i('userId')} DESC, ${i('timestamp')} DESC, ${i('actionId')} DESC LIMIT ${w.limit(size)}) p`;
  const others = branches.map((branch, n) => {
    const where = and([...w.branch('x', branch), ...w.filters('x', filters)]);
    return `SELECT b${n}.id, b${n}.ts FROM (SELECT x.${id} AS id, x.${w.name('timestamp')} AS ts FROM ${table} x WHERE ${where} ${w.newestFirst('x')} LIMIT ${w.limit(size)}) b${n}`;
  });
  const newest = `SELECT u.id, u.ts FROM (${[items, ...others].join(' UNION ')}) u ORDER BY u.ts DESC, u.id DESC LIMIT ${w.limit(size)}`;
  const on = `a.${id} = page.id AND a.${w.name('timestamp')} = page.ts`;
  const columns = ACTION_COLUMNS.map((column) => w.column('a', column)).join(', ');
  return w.statement(`SELECT ${columns} FROM (${newest}) page JOIN ${table} a ON ${on} WHERE ${and(w.filters('a', filters))} ${w.newestFirst('a')} LIMIT ${w.limit(size)}`);
}

/** The user's horizon (no row: their items are complete). */
export function horizonOf(sql: SqlWriter, userId: string): Statement {
  const w = new Writer(sql);
  return w.statement(`SELECT ${w.name('timestamp')} AS ${w.name('timestamp')} FROM ${w.name(FEED_HORIZONS_TABLE)} WHERE ${w.name('userId')} = ${w.value(userId)}`);
}

export function updateHorizon(sql: SqlWriter, userId: string, at: Date): Statement {
  const w = new Writer(sql);
  return w.statement(`UPDATE ${w.name(FEED_HORIZONS_TABLE)} SET ${w.name('timestamp')} = ${w.time(at)} WHERE ${w.name('userId')} = ${w.value(userId)}`);
}

export function insertHorizon(sql: SqlWriter, userId: string, at: Date): Statement {
  const w = new Writer(sql);
  return w.statement(`INSERT INTO ${w.name(FEED_HORIZONS_TABLE)} (${w.name('userId')}, ${w.name('timestamp')}) VALUES (${w.value(userId)}, ${w.time(at)})`);
}

/** Forgets everything of these users' feeds (their items and horizons). */
export function deleteFeedsOf(sql: SqlWriter, table: typeof FEED_ITEMS_TABLE | typeof FEED_HORIZONS_TABLE, userIds: readonly string[]): Statement {
  const w = new Writer(sql);
  return w.statement(`DELETE FROM ${w.name(table)} WHERE ${w.oneOf(w.name('userId'), userIds)}`);
}

/** Whether the object is marked hot. */
export function isHot(sql: SqlWriter, type: string, id: string): Statement {
  const w = new Writer(sql);
  return w.statement(`SELECT 1 AS ${w.name('found')} FROM ${w.name(FEED_HOT_TABLE)} o WHERE o.${w.name('contentType')} = ${w.value(type)} AND o.${w.name('objectId')} = ${w.value(id)}`);
}

export function markHot(sql: SqlWriter, type: string, id: string): Statement {
  const w = new Writer(sql);
  return w.statement(`INSERT INTO ${w.name(FEED_HOT_TABLE)} (${w.name('contentType')}, ${w.name('objectId')}) VALUES (${w.value(type)}, ${w.value(id)})`);
}

/** A row when the object has more than `n` follows: reads at most n + 1 entries of the follows' object index. */
export function followsOver(sql: SqlWriter, type: string, id: string, n: number): Statement {
  const w = new Writer(sql);
  const f = (column: string) => w.column('f', column);
  return w.statement(
    `SELECT 1 AS ${w.name('found')} FROM ${w.name(FOLLOWS_TABLE)} f WHERE ${f('contentType')} = ${w.value(type)} AND ${f('objectId')} = ${w.value(id)} ` +
      `ORDER BY ${f('contentType')}, ${f('objectId')} LIMIT ${w.limit(1)} OFFSET ${w.limit(n)}`,
  );
}

/** Users with more than `keep` feed items (for the trim job): one pass over the items' primary key. */
export function usersOverKeep(sql: SqlWriter, keep: number): Statement {
  const w = new Writer(sql);
  const userId = w.name('userId');
  return w.statement(`SELECT ${userId} AS ${userId} FROM ${w.name(FEED_ITEMS_TABLE)} GROUP BY ${userId} HAVING COUNT(*) > ${w.limit(keep)}`);
}

/** Deletes every feed item older than `before` (their actions were pruned by partition). */
export function deleteAllItemsBefore(sql: SqlWriter, before: Date): Statement {
  const w = new Writer(sql);
  return w.statement(`DELETE FROM ${w.name(FEED_ITEMS_TABLE)} WHERE ${w.name('timestamp')} < ${w.time(before)}`);
}

/** An action to copy into feeds, with the objects it names. */
export interface SentAction {
  id: number;
  timestamp: Date;
  refs: { role: Role; type: string; id: string }[];
}

/**
 * fanOutActions for one action, whose objects are known: a statement on the follows alone, which
 * plans in a fraction of the time of the three joins (on PostgreSQL planning those took ~2 ms,
 * more than a send). Each follower once, in a derived table (its DISTINCT on a typed column).
 */
export function fanOutAction(sql: SqlWriter, sent: SentAction): Statement {
  const w = new Writer(sql);
  const f = (column: string) => w.column('f', column);
  const columns = ['userId', 'actionId', 'timestamp'].map((c) => w.name(c));
  let text = `INSERT INTO ${w.name(FEED_ITEMS_TABLE)} (${columns.join(', ')}) SELECT d.${columns[0]}, ${w.value(sent.id)}, ${w.time(sent.timestamp)} FROM (`;
  const followed = sent.refs.map(({ role, type, id }) => {
    const conditions = [`${f('contentType')} = ${w.literal(type)}`, `${f('objectId')} = ${w.value(id)}`];
    if (role !== 'actor') conditions.push(`${f('actorOnly')} = ${w.false}`);
    return `(${conditions.join(' AND ')})`;
  });
  text += `SELECT DISTINCT ${f('userId')} AS ${columns[0]} FROM ${w.name(FOLLOWS_TABLE)} f WHERE (${followed.join(' OR ')}) AND NOT ${hot(w, f('contentType'), f('objectId'))}) d`;
  return w.statement(text);
}
