import { Op, UniqueConstraintError, type Model, type Sequelize, type Transaction, type WhereOptions } from 'sequelize';
import { action } from './actions.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ActstreamArgumentError } from './errors.js';
import { feedWrites } from './feed.js';
import { Follow } from './models.js';
import type { Recipients } from './notify.js';
import { loadObjects } from './references.js';
import { referenceOf, registeredModel, type AnyModel, type Reference } from './registry.js';
import { currentBackend, currentSettings } from './settings.js';
import { followExists } from './sql/statements.js';
import { allOrNothing, ambientTransaction } from './transactions.js';

export interface FollowOptions {
  /** Follow only what the object does as actor (default), or also what is done to it. */
  actorOnly?: boolean;
  /** A kind of following ("liking", "watching"); '' is plain following. */
  flag?: string;
  /** Send "started following" / "started <flag>" when the follow is new (default true). */
  sendAction?: boolean;
  /** Who is notified of the "started following" action (e.g. `[obj]` when a user is followed). */
  notify?: Recipients | null;
  transaction?: Transaction | null;
}

export interface UnfollowOptions {
  /** Remove only this flag's follow; default: every flag. */
  flag?: string;
  /** Send "stopped following" / "stopped <flag>" (default false). */
  sendAction?: boolean;
  transaction?: Transaction | null;
}

export interface FlagOption {
  /** Only follows with this flag; default: any flag. */
  flag?: string;
  transaction?: Transaction | null;
}

export interface FollowListOptions extends FlagOption {
  /** Page size: default 50, at most 500. */
  limit?: number;
  /** The `next` of the previous page. */
  after?: string | null;
}

export interface FollowingOptions extends FollowListOptions {
  /** Only objects of these models. */
  models?: AnyModel[];
}

export interface FollowersPage {
  followers: Model[];
  /** Pass as `after` for the next page; null on the last. */
  next: string | null;
}

export interface FollowingPage {
  following: Model[];
  next: string | null;
}

type FollowColumn = 'id' | 'userId' | 'contentType' | 'objectId' | 'flag' | 'started';

function followsSequelize(): Sequelize {
  return currentSettings().sequelize;
}

function follower(user: Model): Reference {
  const { userModel } = currentSettings();
  if (!(user instanceof userModel)) {
    throw new ActstreamArgumentError(`followers must be ${userModel.name} instances`);
  }
  return referenceOf(user);
}

function checkFlag(flag: string | undefined): string | undefined {
  if (flag !== undefined && (typeof flag !== 'string' || flag.length > 100)) {
    throw new ActstreamArgumentError('flag must be a string of at most 100 characters');
  }
  return flag;
}

function flagWhere(flag: string | undefined): WhereOptions<Follow> {
  return checkFlag(flag) === undefined ? {} : { flag };
}

/**
 * `user` follows `obj`; following again makes no duplicate (it updates actorOnly). A new follow and
 * its "started following" action are written together or not at all: in a transaction of their own,
 * or in a savepoint of the caller's, so that losing a race to an identical follow leaves the
 * caller's transaction usable (PostgreSQL aborts a transaction at its first failed statement).
 */
export async function follow(user: Model, obj: Model, options: FollowOptions = {}): Promise<Follow> {
  const me = follower(user);
  const it = referenceOf(obj);
  const flag = checkFlag(options.flag) ?? '';
  const actorOnly = options.actorOnly ?? true;
  const given = options.transaction ?? ambientTransaction();
  const key = { userId: me.id, contentType: it.type, objectId: it.id, flag };

  let existing = await Follow.findOne({ where: key, transaction: given });
  if (!existing) {
    try {
      return await followsSequelize().transaction(given ? { transaction: given } : {}, async (transaction) => {
        const created = await Follow.create({ ...key, actorOnly, started: new Date() }, { transaction });
        if (options.sendAction ?? true) {
          await action.send(user, { verb: flag ? `started ${flag}` : 'started following', target: obj, notify: options.notify, transaction });
        }
        return created;
      });
    } catch (error) {
      // Someone else created the same follow meanwhile: theirs stands. A locking read sees it even
      // where the caller's transaction reads from an older snapshot (MySQL's repeatable read).
      if (!(error instanceof UniqueConstraintError)) throw error;
      existing = await Follow.findOne({ where: key, transaction: given, lock: given !== undefined });
      if (!existing) throw error;
    }
  }
  if (existing.actorOnly !== actorOnly) {
    // With written feeds the change also copies or removes feed items (feed.ts hooks): together.
    if (feedWrites()) await allOrNothing(followsSequelize(), given, (transaction) => existing.update({ actorOnly }, { transaction }));
    else await existing.update({ actorOnly }, { transaction: given });
  }
  return existing;
}

/**
 * `user` stops following `obj` (under `flag`, or under every flag); returns how many follows went.
 * With `sendAction`, the removal and its "stopped following" action commit together or not at all.
 */
export async function unfollow(user: Model, obj: Model, options: UnfollowOptions = {}): Promise<number> {
  const me = follower(user);
  const it = referenceOf(obj);
  const where = { userId: me.id, contentType: it.type, objectId: it.id, ...flagWhere(options.flag) };
  const given = options.transaction ?? ambientTransaction();
  if (!options.sendAction) {
    // With written feeds the removal also removes feed items (feed.ts hooks): together.
    if (feedWrites() && !given) return followsSequelize().transaction((transaction) => Follow.destroy({ where, transaction }));
    return Follow.destroy({ where, transaction: given });
  }
  const run = (transaction: Transaction) => removeAndRecord(user, obj, where, options.flag, transaction);
  // The caller's transaction already makes both or neither.
  return given ? run(given) : followsSequelize().transaction(run);
}

async function removeAndRecord(user: Model, obj: Model, where: WhereOptions<Follow>, flag: string | undefined, transaction: Transaction): Promise<number> {
  const removed = await Follow.destroy({ where, transaction });
  if (removed > 0) await action.send(user, { verb: flag ? `stopped ${flag}` : 'stopped following', target: obj, transaction });
  return removed;
}

export async function isFollowing(user: Model, obj: Model, options: FlagOption = {}): Promise<boolean> {
  const me = follower(user);
  const it = referenceOf(obj);
  const flag = checkFlag(options.flag);
  // As for a stream's verb: no database compares text holding NUL as given.
  if (flag?.includes('\u0000')) throw new ActstreamArgumentError('flag must not contain NUL characters');
  const backend = currentBackend();
  const rows = await backend.session(options.transaction ?? undefined, 'read', (session) =>
    session.select(followExists(backend.sql, me.id, it.type, it.id, flag)),
  );
  return rows.length > 0;
}

/**
 * How many users follow `obj` (under `flag`, or under any flag, each user once): the number the
 * followers() list adds up to. One statement on the follows' object index.
 */
export async function followerCount(obj: Model | Reference, options: FlagOption = {}): Promise<number> {
  // A plain reference counts without loading the object (a cache check has only the reference).
  const it = 'type' in obj && 'id' in obj && !('dataValues' in obj) ? (obj as Reference) : referenceOf(obj as Model);
  const where = { contentType: it.type, objectId: it.id, ...flagWhere(options.flag) };
  const transaction = options.transaction ?? ambientTransaction();
  return Follow.count({ where, distinct: true, col: 'userId', transaction });
}

/** Page size of followers() and following(): default and most. */
export const DEFAULT_FOLLOW_LIMIT = 50;
export const MAX_FOLLOW_LIMIT = 500;

function checkFollowLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_FOLLOW_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FOLLOW_LIMIT) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_FOLLOW_LIMIT}, got ${String(limit)}`);
  }
  return limit;
}

/** Rows after the cursor's (started, id), in a form every database reads as one index range. */
function afterCursor(after: string | null | undefined): WhereOptions<Follow> {
  if (after === undefined || after === null) return {};
  const { timestamp, id } = decodeCursor(after, 'after');
  return { [Op.and]: [{ started: { [Op.gte]: timestamp } }, { [Op.or]: [{ started: { [Op.gt]: timestamp } }, { id: { [Op.gt]: id } }] }] };
}

/** What a list holds fixed: the followed object (followers) or the follower (following). */
type ListSide = { contentType: string; objectId: string } | { userId: string };

/**
 * One follow per user and object (a user may follow one object under several flags): the one with
 * the first flag ('' before any other), so the lists name everyone once and a keyset page never
 * repeats someone listed on an earlier page. A plain follow needs no probe; any other is looked up
 * in the unique index on (userId, contentType, objectId, flag), with the list's fixed side written
 * as values so that every planner sees how many rows the other indexes would hold.
 */
function firstFlagOfPair(fixed: ListSide): WhereOptions<Follow> {
  const sequelize = followsSequelize();
  const qi = sequelize.getQueryInterface();
  const name = (attribute: FollowColumn) => qi.quoteIdentifier(Follow.getAttributes()[attribute].field ?? attribute);
  const [outer, inner] = [qi.quoteIdentifier(Follow.name), qi.quoteIdentifier('other')];
  const table = (qi as unknown as { queryGenerator: { quoteTable(table: unknown): string } }).queryGenerator.quoteTable(Follow.getTableName());
  const pair = (['userId', 'contentType', 'objectId'] as const).map((attribute) => {
    const value = (fixed as Partial<Record<FollowColumn, string>>)[attribute];
    return `${inner}.${name(attribute)} = ${value === undefined ? `${outer}.${name(attribute)}` : sequelize.escape(value)}`;
  });
  const otherFlagFirst = sequelize.literal(
    `NOT EXISTS (SELECT 1 FROM ${table} AS ${inner} WHERE ${pair.join(' AND ')} AND ${inner}.${name('flag')} < ${outer}.${name('flag')})`,
  );
  return { [Op.or]: [{ flag: '' }, otherFlagFirst] } as WhereOptions<Follow>;
}

interface FollowPage {
  rows: Follow[];
  next: string | null;
}

/** `limit + 1` follows, oldest first, as the page's `limit` and whether (from where) there are more. */
async function pageOfFollows(side: ListSide, where: WhereOptions<Follow>, flag: string | undefined, options: FollowListOptions, attributes: FollowColumn[]): Promise<FollowPage> {
  const limit = checkFollowLimit(options.limit);
  const rows = await Follow.findAll({
    attributes: ['id', 'started', ...attributes],
    where: { [Op.and]: [side, where, flagWhere(flag), afterCursor(options.after), checkFlag(flag) === undefined ? firstFlagOfPair(side) : {}] },
    order: [['started', 'ASC'], ['id', 'ASC']],
    limit: limit + 1,
    transaction: options.transaction ?? undefined,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? encodeCursor({ timestamp: last.started, id: last.id }) : null };
}

/**
 * A page of the users following `obj`, earliest follow first, each user once (without `flag`, at
 * their follow under the first flag, '' before the others): `limit` (default 50, at most 500)
 * users and `next`, to pass as `after` for the next page (null on the last page).
 */
export async function followers(obj: Model, options: FollowListOptions = {}): Promise<FollowersPage> {
  const { userModel } = currentSettings();
  const it = referenceOf(obj);
  const transaction = options.transaction ?? undefined;
  const { rows, next } = await pageOfFollows({ contentType: it.type, objectId: it.id }, {}, options.flag, options, ['userId']);
  const ids = rows.map((f) => f.userId);
  if (ids.length === 0) return { followers: [], next };
  const pk = userModel.primaryKeyAttribute;
  const users = await userModel.findAll({ where: { [pk]: { [Op.in]: ids } }, transaction });
  const byId = new Map(users.map((u) => [String(u.get(pk)), u]));
  return { followers: ids.map((id) => byId.get(id)).filter((u): u is Model => u !== undefined), next };
}

/**
 * A page of what `user` follows, earliest follow first, each object once as in followers()
 * (deleted objects are left out, so a page may hold fewer than `limit`); `next` as for followers().
 */
export async function following(user: Model, options: FollowingOptions = {}): Promise<FollowingPage> {
  const me = follower(user);
  const types = options.models?.map((model) => registeredModel(model).name);
  const where: WhereOptions<Follow> = types ? { contentType: { [Op.in]: types } } : {};
  const { rows, next } = await pageOfFollows({ userId: me.id }, where, options.flag, options, ['contentType', 'objectId']);
  const references: Reference[] = rows.map((f) => ({ type: f.contentType, id: f.objectId }));
  // Whole instances: the caller gets users and objects, not labels.
  const loaded = await loadObjects(references, options.transaction ?? undefined, { whole: true });
  return { following: references.map((r) => loaded.get(`${r.type}\0${r.id}`)).filter((o): o is Model => o !== undefined), next };
}
