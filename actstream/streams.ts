import { QueryTypes, type Model, type Transaction } from 'sequelize';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ActstreamArgumentError } from './errors.js';
import { Action, Follow } from './models.js';
import { loadReferences } from './references.js';
import { referenceOf, registeredModel, type AnyModel, type Reference } from './registry.js';
import { actionFromRow, type ActionRow } from './rows.js';
import { branchesPage, followedPage, type Branch, type FollowedFilter, type PageFilters, type Role, type Statement } from './stream-queries.js';
import { currentSettings } from './setup.js';

export interface StreamOptions {
  /** Page size, 1..100 (default 20). */
  limit?: number;
  /** The `next` cursor of the previous page. */
  before?: string | null;
  verb?: string;
  /** Only actions at or after this time. */
  since?: Date;
  /** Only actions at or before this time. */
  until?: Date;
  transaction?: Transaction | null;
}

export interface UserStreamOptions extends StreamOptions {
  /** Also the user's own actions (as actor). */
  withUserActivity?: boolean;
  /** Only follows with this flag count; default: follows with any flag. */
  followFlag?: string;
  /** Only actions at or after the follow that brings them in started. */
  onlyAfterFollow?: boolean;
  /** With withUserActivity: the user's own private actions too (for their own feed, never a public one). */
  includeOwnPrivate?: boolean;
}

export interface StreamPage {
  /** Newest first, ties by id descending, with actor, target and actionObject loaded. */
  actions: Action[];
  /** Cursor for the next page (pass as `before`), null on the last page. */
  next: string | null;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
// Past this many branches a feed is read by one statement walking the newest actions instead.
const MAX_UNION_BRANCHES = 24;
// The one-statement feed walks at most this many actions per row of the page before giving up.
const WALK_PER_ROW = 25;

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${String(limit)}`);
  }
  return limit;
}

function checkDate(name: string, value: Date | undefined): Date | undefined {
  if (value !== undefined && !(value instanceof Date && !Number.isNaN(value.getTime()))) {
    throw new ActstreamArgumentError(`${name} must be a valid Date`);
  }
  return value;
}

/** The options every branch of a stream shares, checked. */
function filtersOf(options: StreamOptions): PageFilters {
  return {
    verb: options.verb,
    since: checkDate('since', options.since),
    until: checkDate('until', options.until),
    before: options.before === undefined || options.before === null ? undefined : decodeCursor(options.before),
  };
}

async function read(statement: Statement, transaction: Transaction | undefined): Promise<Action[]> {
  const rows = await Action.sequelize!.query<ActionRow>(statement.sql, {
    type: QueryTypes.SELECT,
    raw: true,
    // No bind at all when the values are inline (MySQL): Sequelize would read `$1` in a quoted value as one.
    bind: statement.bind.length > 0 ? statement.bind : undefined,
    transaction,
  });
  return rows.map(actionFromRow);
}

/** The page from `limit + 1` rows: the first `limit`, their objects loaded, and the cursor if there is more. */
async function finish(rows: Action[], limit: number, transaction: Transaction | undefined): Promise<StreamPage> {
  const actions = rows.slice(0, limit);
  await loadReferences(actions, transaction);
  const last = actions[actions.length - 1];
  const next = rows.length > limit ? encodeCursor({ timestamp: last.timestamp, id: last.id }) : null;
  return { actions, next };
}

async function page(branches: Branch[], options: StreamOptions): Promise<StreamPage> {
  const { sequelize } = currentSettings();
  const limit = checkLimit(options.limit);
  const filters = filtersOf(options);
  if (branches.length === 0) return { actions: [], next: null };
  const transaction = options.transaction ?? undefined;
  const rows = await read(branchesPage(sequelize, branches, filters, limit + 1), transaction);
  return finish(rows, limit, transaction);
}

const publicOnly = (...equals: [string, string][]): Branch => ({ equals });

/** Actions where `obj` is the actor. */
export async function actorStream(obj: Model, options: StreamOptions = {}): Promise<StreamPage> {
  const { type, id } = referenceOf(obj);
  return page([publicOnly(['actorType', type], ['actorId', id])], options);
}

/** Actions where `obj` is the target. */
export async function targetStream(obj: Model, options: StreamOptions = {}): Promise<StreamPage> {
  const { type, id } = referenceOf(obj);
  return page([publicOnly(['targetType', type], ['targetId', id])], options);
}

/** Actions where `obj` is the action object. */
export async function actionObjectStream(obj: Model, options: StreamOptions = {}): Promise<StreamPage> {
  const { type, id } = referenceOf(obj);
  return page([publicOnly(['actionObjectType', type], ['actionObjectId', id])], options);
}

/** Actions where `obj` plays any role. */
export async function anyStream(obj: Model, options: StreamOptions = {}): Promise<StreamPage> {
  const { type, id } = referenceOf(obj);
  return page(
    [
      publicOnly(['actorType', type], ['actorId', id]),
      publicOnly(['targetType', type], ['targetId', id]),
      publicOnly(['actionObjectType', type], ['actionObjectId', id]),
    ],
    options,
  );
}

/** Actions where any instance of the model plays any role. */
export async function modelStream(modelOrInstance: AnyModel | Model, options: StreamOptions = {}): Promise<StreamPage> {
  const type = registeredModel(modelOrInstance).name;
  return page([publicOnly(['actorType', type]), publicOnly(['targetType', type]), publicOnly(['actionObjectType', type])], options);
}

/** The feed from the user's follows, read first: one index range per followed object and role. */
async function feedFromFollows(me: Reference, options: UserStreamOptions, limit: number, filters: PageFilters): Promise<StreamPage> {
  const { sequelize } = currentSettings();
  const transaction = options.transaction ?? undefined;
  const follows = await Follow.findAll({
    attributes: ['contentType', 'objectId', 'actorOnly', 'started'],
    where: { userId: me.id, ...(options.followFlag !== undefined ? { flag: options.followFlag } : {}) },
    order: [['started', 'ASC']],
    transaction,
  });
  // One branch per (role, object); the same object under several flags keeps its earliest follow.
  const branches = new Map<string, Branch>();
  const add = (role: Role, type: string, id: string, started: Date) => {
    const key = `${role} ${type} ${id}`;
    if (branches.has(key)) return;
    branches.set(key, { equals: [[`${role}Type`, type], [`${role}Id`, id]], notBefore: options.onlyAfterFollow ? started : undefined });
  };
  for (const f of follows) {
    add('actor', f.contentType, f.objectId, f.started);
    if (!f.actorOnly) {
      add('target', f.contentType, f.objectId, f.started);
      add('actionObject', f.contentType, f.objectId, f.started);
    }
  }
  if (options.withUserActivity) {
    branches.set(`actor ${me.type} ${me.id}`, {
      equals: [['actorType', me.type], ['actorId', me.id]],
      includePrivate: options.includeOwnPrivate,
    });
  }
  if (branches.size === 0) return { actions: [], next: null };
  const statement =
    branches.size <= MAX_UNION_BRANCHES
      ? branchesPage(sequelize, [...branches.values()], filters, limit + 1)
      : followedPage(sequelize, followedFilter(me, options), filters, limit + 1);
  return finish(await read(statement, transaction), limit, transaction);
}

function followedFilter(me: Reference, options: UserStreamOptions): FollowedFilter {
  return {
    userId: me.id,
    flag: options.followFlag,
    onlyAfterFollow: options.onlyAfterFollow,
    own: options.withUserActivity ? { type: me.type, id: me.id, includePrivate: options.includeOwnPrivate ?? false } : undefined,
  };
}

/**
 * The user's feed: actions by what they follow, plus actions on it (as target or action object)
 * for follows with actorOnly false, plus their own with withUserActivity.
 *
 * First one statement walks the newest actions, keeping those the follows bring in: when the feed
 * is dense (the common case, and every page but the last) that fills the page in a few dozen index
 * probes. When the walk's window runs out first (a sparse feed, or the last page), the page is read
 * from the follows instead: the follows, then one bounded index range per followed object (or, for
 * hundreds of them, the same walk without a window).
 */
export async function userStream(user: Model, options: UserStreamOptions = {}): Promise<StreamPage> {
  const { sequelize, userModel } = currentSettings();
  // Follows are keyed by the user's id alone: another model's instance with that id would read their feed.
  if (!(user instanceof userModel)) throw new ActstreamArgumentError(`userStream expects a ${userModel.name} instance`);
  const me = referenceOf(user);
  const limit = checkLimit(options.limit);
  const filters = filtersOf(options);
  const transaction = options.transaction ?? undefined;

  const walked = await read(followedPage(sequelize, followedFilter(me, options), filters, limit + 1, WALK_PER_ROW * (limit + 1)), transaction);
  if (walked.length > limit) return finish(walked, limit, transaction);
  return feedFromFollows(me, options, limit, filters);
}
