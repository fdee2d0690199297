import type { Model, Transaction } from 'sequelize';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ActstreamArgumentError } from './errors.js';
import type { Action } from './models.js';
import { loadReferencesIn } from './references.js';
import { modelNamed, referenceOf, registeredModel, type AnyModel, type Reference } from './registry.js';
import { NotRegisteredError } from './errors.js';
import { actionFromRow } from './rows.js';
import { currentBackend, currentSettings } from './settings.js';
import { dateFromText } from './sql/datetime.js';
import type { SqlSession, SqlWriter, Statement } from './sql/index.js';
import { feedWrites } from './feed.js';
import { feedState, itemsPage, type FeedStateRow } from './sql/feed.js';
import { ROLES, branchesPage, feedHeads, followedWalk, ownBranch, type Branch, type FeedHead, type FollowedFilter, type PageFilters, type Position } from './sql/statements.js';
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
  /**
   * false: leave `actor`, `target` and `actionObject` unloaded (call loadReferences later, or only
   * look at the rows: e.g. to tell whether a page changed). Default true.
   */
  references?: boolean;
  /**
   * Objects the caller has just read (the stream's own object, say): used as the actions'
   * references as they are instead of being read again.
   */
  loaded?: readonly Model[];
}

export interface UserStreamOptions extends StreamOptions {
  /** Also the user's own actions: by them (actor) or done to them (action object). */
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
// The feed first walks the newest WALK_PER_ROW × (limit + 1) actions; a sparser feed is read per followed object.
const WALK_PER_ROW = 4;
// A page's actions are each the newest action of at most this many of the feed's branches
// (actor, target and action object followed; by the user and done to the user): see feedPage.
const BRANCHES_PER_ACTION = 5;

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
  if (options.verb !== undefined && (typeof options.verb !== 'string' || options.verb.includes('\u0000'))) {
    throw new ActstreamArgumentError('verb must be a string without NUL characters');
  }
  return {
    verb: options.verb,
    since: checkDate('since', options.since),
    until: checkDate('until', options.until),
    before: options.before === undefined || options.before === null ? undefined : decodeCursor(options.before),
  };
}

async function read(session: SqlSession, statement: Statement): Promise<Action[]> {
  const rows = await session.selectArrays(statement);
  return rows.map(actionFromRow);
}

/** A page read in a session, and what finishes it once the session is over (see loadReferencesIn). */
interface ReadPage extends StreamPage {
  rest?: () => Promise<void>;
}

/** The page from `limit + 1` rows: the first `limit`, their objects loaded, and the cursor if there is more. */
async function finish(
  session: SqlSession,
  rows: Action[],
  limit: number,
  options: StreamOptions,
): Promise<ReadPage> {
  const actions = rows.slice(0, limit);
  const rest = options.references === false ? undefined : await loadReferencesIn(session, actions, options.transaction ?? undefined, options.loaded);
  const last = actions[actions.length - 1];
  const next = rows.length > limit ? encodeCursor({ timestamp: last.timestamp, id: last.id }) : null;
  return { actions, next, rest };
}

type PageReader = (session: SqlSession, sql: SqlWriter, limit: number, filters: PageFilters) => Promise<ReadPage>;

/** Reads a page on one connection (the transaction's, or one from the read pool). */
async function onePage(options: StreamOptions, readPage: PageReader): Promise<StreamPage> {
  const limit = checkLimit(options.limit);
  const filters = filtersOf(options);
  const backend = currentBackend();
  const { actions, next, rest } = await backend.session(options.transaction ?? undefined, 'read', (session) => readPage(session, backend.sql, limit, filters));
  await rest?.();
  return { actions, next };
}

async function page(branches: Branch[], options: StreamOptions): Promise<StreamPage> {
  return onePage(options, async (session, sql, limit, filters) => {
    const rows = await read(session, branchesPage(sql, branches, filters, limit + 1));
    return finish(session, rows, limit, options);
  });
}

const publicOnly = (...equals: [string, string][]): Branch => ({ equals });

/** A stream's object: an instance, or a reference to one (a registered model's name and an id) that need not be read. */
export type StreamSubject = Model | Reference;

function subjectOf(obj: StreamSubject): Reference {
  const ref = obj as Partial<Reference> | null;
  if (typeof (obj as Model | null)?.get === 'function' || typeof ref?.type !== 'string' || typeof ref.id !== 'string') return referenceOf(obj as Model);
  if (!modelNamed(ref.type)) throw new NotRegisteredError(ref.type);
  return { type: ref.type, id: ref.id };
}

/** Actions where `obj` is the actor. */
export async function actorStream(obj: StreamSubject, options: StreamOptions = {}): Promise<StreamPage> {
  const { type, id } = subjectOf(obj);
  return page([publicOnly(['actorType', type], ['actorId', id])], options);
}

/** Actions where `obj` is the target. */
export async function targetStream(obj: StreamSubject, options: StreamOptions = {}): Promise<StreamPage> {
  const { type, id } = subjectOf(obj);
  return page([publicOnly(['targetType', type], ['targetId', id])], options);
}

/** Actions where `obj` is the action object. */
export async function actionObjectStream(obj: StreamSubject, options: StreamOptions = {}): Promise<StreamPage> {
  const { type, id } = subjectOf(obj);
  return page([publicOnly(['actionObjectType', type], ['actionObjectId', id])], options);
}

/** Actions where `obj` plays any role. */
export async function anyStream(obj: StreamSubject, options: StreamOptions = {}): Promise<StreamPage> {
  const { type, id } = subjectOf(obj);
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

/** A time as a driver gives it (a Date, or the text Sequelize stores on SQLite) as a Date. */
function timeOf(value: unknown): Date {
  return value instanceof Date ? value : dateFromText(String(value));
}

/**
 * The feed page from its branches' newest actions (feedHeads, newest first). Each action is the
 * newest of at most BRANCHES_PER_ACTION branches, so the first `size` distinct actions among the
 * heads are the newest `size` heads; the page lies in the branches whose heads reach the last of
 * those (`bound`), at or above it. Reads one bounded index range per such branch.
 */
function branchesOfHeads(heads: FeedHead[], me: { type: string; id: string }, options: UserStreamOptions, size: number): { branches: Branch[]; bound?: Position } {
  const branches: Branch[] = [];
  const seen = new Set<string>();
  let bound: Position | undefined;
  for (const head of heads) {
    const actionId = Number(head.actionId);
    if (!seen.has(String(actionId))) {
      if (seen.size === size) break;
      seen.add(String(actionId));
      if (seen.size === size) bound = { timestamp: timeOf(head.timestamp), id: actionId };
    }
    if (head.role === 'own' || head.role === 'ownObject') {
      branches.push(ownBranch(head.role, { ...me, includePrivate: options.includeOwnPrivate ?? false }));
    } else {
      const notBefore = options.onlyAfterFollow && head.started !== null ? timeOf(head.started) : undefined;
      branches.push({ equals: [[`${head.role}Type`, String(head.type)], [`${head.role}Id`, String(head.id)]], notBefore });
    }
  }
  return { branches, bound };
}

function followedFilter(me: { type: string; id: string }, options: UserStreamOptions): FollowedFilter {
  return {
    userId: me.id,
    flag: options.followFlag,
    onlyAfterFollow: options.onlyAfterFollow,
    own: options.withUserActivity ? { type: me.type, id: me.id, includePrivate: options.includeOwnPrivate ?? false } : undefined,
  };
}

/**
 * The feed page from the user's written items (feed 'write', see feed.ts), merged with the branches
 * read at read time (followed hot objects; the user's own actions), or null where the items cannot
 * answer it: options they do not record (verb, followFlag, onlyAfterFollow: the follows' flags and
 * starts are not copied), or a page that reaches below the user's horizon (where the items stop
 * being complete) or the end of the feed. Then the caller reads the page from the follows.
 */
async function pageFromItems(session: SqlSession, sql: SqlWriter, me: { type: string; id: string }, options: UserStreamOptions, filters: PageFilters, size: number): Promise<Action[] | null> {
  if (options.verb !== undefined || options.followFlag !== undefined || options.onlyAfterFollow) return null;
  const state = (await session.select(feedState(sql, me.id))) as unknown as FeedStateRow[];
  let horizon: Date | undefined;
  const hot = new Map<string, { type: string; id: string; allRoles: boolean }>();
  for (const row of state) {
    if (row.kind === 'h') horizon = timeOf(row.timestamp);
    else {
      const key = `${row.type}\0${row.id}`;
      const allRoles = !Number(row.actorOnly) || Boolean(hot.get(key)?.allRoles);
      hot.set(key, { type: String(row.type), id: String(row.id), allRoles });
    }
  }
  const branches: Branch[] = [];
  for (const object of hot.values()) {
    for (const role of object.allRoles ? ROLES : (['actor'] as const)) branches.push({ equals: [[`${role}Type`, object.type], [`${role}Id`, object.id]] });
  }
  if (options.withUserActivity) {
    for (const role of ['own', 'ownObject'] as const) branches.push(ownBranch(role, { ...me, includePrivate: options.includeOwnPrivate ?? false }));
  }
  const since = horizon !== undefined && (filters.since === undefined || filters.since < horizon) ? horizon : filters.since;
  const rows = await read(session, itemsPage(sql, me.id, branches, { ...filters, since }, size));
  return rows.length === size ? rows : null;
}

/**
 * The user's feed: actions by what they follow, plus actions on it (as target or action object)
 * for follows with actorOnly false, plus their own (by them or done to them) with withUserActivity.
 *
 * Every page reads a bounded number of index entries, however large the table and however quiet
 * the follows. First one statement walks the newest WALK_PER_ROW × (limit + 1) actions, keeping
 * those the follows bring in: a dense feed (every page but the last of it) is filled there. Else
 * the feed is read from the follows: one statement finds each branch's newest action (one index
 * probe per followed object and role) and keeps the branches that can reach the page, then one
 * more reads the page from those branches, at most limit + 1 index entries each.
 *
 * With feed 'write' a page is read from the user's feed items first (pageFromItems): one range of
 * their rows, plus the few branches read at read time; the read from the follows above is then
 * only for the pages the items cannot answer.
 */
export async function userStream(user: Model, options: UserStreamOptions = {}): Promise<StreamPage> {
  const { userModel } = currentSettings();
  // Follows are keyed by the user's id alone: another model's instance with that id would read their feed.
  if (!(user instanceof userModel)) throw new ActstreamArgumentError(`userStream expects a ${userModel.name} instance`);
  const me = referenceOf(user);
  return onePage(options, async (session, sql, limit, filters) => {
    const followed = followedFilter(me, options);
    const size = limit + 1;
    if (feedWrites()) {
      const written = await pageFromItems(session, sql, me, options, filters, size);
      if (written) return finish(session, written, limit, options);
    }
    const walked = await read(session, followedWalk(sql, followed, filters, size, WALK_PER_ROW * size));
    if (walked.length === size) return finish(session, walked, limit, options);

    const heads = (await session.select(feedHeads(sql, followed, filters, BRANCHES_PER_ACTION * size))) as unknown as FeedHead[];
    if (heads.length === 0) return { actions: [], next: null };
    const { branches, bound } = branchesOfHeads(heads, me, options, size);
    const rows = await read(session, branchesPage(sql, branches, { ...filters, notBelow: bound }, size));
    return finish(session, rows, limit, options);
  });
}
