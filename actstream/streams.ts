import { Op, literal, type Model, type Transaction, type WhereOptions } from 'sequelize';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ActstreamArgumentError } from './errors.js';
import { Action, Follow } from './models.js';
import { loadReferences } from './references.js';
import { referenceOf, registeredModel, type AnyModel } from './registry.js';
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

type Where = WhereOptions<Action>;

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
// Past this many branches a stream is read by one query instead of a union (see userStream).
const MAX_UNION_BRANCHES = 24;
const NEWEST_FIRST: [string, string][] = [
  ['timestamp', 'DESC'],
  ['id', 'DESC'],
];

interface SelectQueryGenerator {
  selectQuery(table: string, options: object, model: AnyModel): string;
}

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

/** The conditions every branch of a stream shares: verb, time range and the keyset position. */
function filters(options: StreamOptions): Where[] {
  const where: Where[] = [];
  if (options.verb !== undefined) where.push({ verb: options.verb });
  const since = checkDate('since', options.since);
  const until = checkDate('until', options.until);
  if (since) where.push({ timestamp: { [Op.gte]: since } });
  if (until) where.push({ timestamp: { [Op.lte]: until } });
  if (options.before !== undefined && options.before !== null) {
    const { timestamp, id } = decodeCursor(options.before);
    // A plain range on timestamp (index-friendly everywhere), then the tie-break on id.
    where.push({ timestamp: { [Op.lte]: timestamp } });
    where.push({ [Op.or]: [{ timestamp: { [Op.lt]: timestamp } }, { id: { [Op.lt]: id } }] });
  }
  return where;
}

function publicOnly(where: Where): Where {
  return { ...where, public: true };
}

/**
 * One branch of a stream is one index range (e.g. actor = X, public, by time). A stream of several
 * branches takes the newest `limit + 1` ids of each branch, then the newest of their union: the
 * database reads at most branches × (limit + 1) index entries, however large the table.
 */
function unionOfIds(branches: Where[], shared: Where[], size: number): string {
  const generator = Action.sequelize!.getQueryInterface().queryGenerator as SelectQueryGenerator;
  return branches
    .map((branch, i) => {
      const select = generator
        .selectQuery(
          Action.getTableName() as string,
          { attributes: ['id'], where: { [Op.and]: [branch, ...shared] }, order: NEWEST_FIRST, limit: size },
          Action,
        )
        .replace(/;\s*$/, '');
      return `SELECT b${i}.id FROM (${select}) AS b${i}`;
    })
    .join(' UNION ');
}

async function page(branches: Where[], options: StreamOptions): Promise<StreamPage> {
  currentSettings();
  const limit = checkLimit(options.limit);
  const shared = filters(options);
  if (branches.length === 0) return { actions: [], next: null };

  let where: Where;
  if (branches.length === 1) where = { [Op.and]: [branches[0], ...shared] };
  else where = { id: { [Op.in]: literal(`(SELECT id FROM (${unionOfIds(branches, shared, limit + 1)}) AS page_ids)`) } };

  const transaction = options.transaction ?? undefined;
  const rows = await Action.findAll({ where, order: NEWEST_FIRST, limit: limit + 1, transaction });
  const actions = rows.slice(0, limit);
  await loadReferences(actions, transaction);
  const last = actions[actions.length - 1];
  const next = rows.length > limit ? encodeCursor({ timestamp: last.timestamp, id: last.id }) : null;
  return { actions, next };
}

/** Actions where `obj` is the actor. */
export async function actorStream(obj: Model, options: StreamOptions = {}): Promise<StreamPage> {
  const { type, id } = referenceOf(obj);
  return page([publicOnly({ actorType: type, actorId: id })], options);
}

/** Actions where `obj` is the target. */
export async function targetStream(obj: Model, options: StreamOptions = {}): Promise<StreamPage> {
  const { type, id } = referenceOf(obj);
  return page([publicOnly({ targetType: type, targetId: id })], options);
}

/** Actions where `obj` is the action object. */
export async function actionObjectStream(obj: Model, options: StreamOptions = {}): Promise<StreamPage> {
  const { type, id } = referenceOf(obj);
  return page([publicOnly({ actionObjectType: type, actionObjectId: id })], options);
}

/** Actions where `obj` plays any role. */
export async function anyStream(obj: Model, options: StreamOptions = {}): Promise<StreamPage> {
  const { type, id } = referenceOf(obj);
  return page(
    [
      publicOnly({ actorType: type, actorId: id }),
      publicOnly({ targetType: type, targetId: id }),
      publicOnly({ actionObjectType: type, actionObjectId: id }),
    ],
    options,
  );
}

/** Actions where any instance of the model plays any role. */
export async function modelStream(modelOrInstance: AnyModel | Model, options: StreamOptions = {}): Promise<StreamPage> {
  const type = registeredModel(modelOrInstance).name;
  return page(
    [publicOnly({ actorType: type }), publicOnly({ targetType: type }), publicOnly({ actionObjectType: type })],
    options,
  );
}

type Role = 'actor' | 'target' | 'actionObject';

/** SQL: the action's `role` object is followed by `userId` (under `flag`; since before the action). */
function followedBy(userId: string, role: Role, options: UserStreamOptions): ReturnType<typeof literal> {
  const sequelize = Action.sequelize!;
  const q = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
  const conditions = [
    `f.${q('userId')} = ${sequelize.escape(userId)}`,
    `f.${q('contentType')} = ${q(Action.name)}.${q(`${role}Type`)}`,
    `f.${q('objectId')} = ${q(Action.name)}.${q(`${role}Id`)}`,
  ];
  if (role !== 'actor') conditions.push(`f.${q('actorOnly')} = ${sequelize.getDialect() === 'postgres' ? 'false' : '0'}`);
  if (options.followFlag !== undefined) conditions.push(`f.${q('flag')} = ${sequelize.escape(options.followFlag)}`);
  if (options.onlyAfterFollow) conditions.push(`${q(Action.name)}.${q('timestamp')} >= f.${q('started')}`);
  return literal(`EXISTS (SELECT 1 FROM ${q(Follow.getTableName() as string)} AS f WHERE ${conditions.join(' AND ')})`);
}

/**
 * The user's feed: actions by what they follow, plus actions on it (as target or action object)
 * for follows with actorOnly false, plus their own with withUserActivity.
 *
 * Few follows: one branch per followed object (a bounded read of each object's index range).
 * Many follows: one query walking the newest public actions and probing the follows' unique index
 * for each, which stays small in SQL and fast when the followed objects are active; building and
 * planning a union of hundreds of branches costs more than that walk.
 */
export async function userStream(user: Model, options: UserStreamOptions = {}): Promise<StreamPage> {
  const { userModel } = currentSettings();
  // Follows are keyed by the user's id alone: another model's instance with that id would read their feed.
  if (!(user instanceof userModel)) throw new ActstreamArgumentError(`userStream expects a ${userModel.name} instance`);
  const me = referenceOf(user);
  const follows = await Follow.findAll({
    attributes: ['contentType', 'objectId', 'actorOnly', 'started'],
    where: { userId: me.id, ...(options.followFlag !== undefined ? { flag: options.followFlag } : {}) },
    order: [['started', 'ASC']],
    transaction: options.transaction ?? undefined,
  });
  const own: Where = { actorType: me.type, actorId: me.id };
  const ownBranch = options.includeOwnPrivate ? own : publicOnly(own);

  // One branch per (role, object); the same object under several flags keeps its earliest follow.
  const branches = new Map<string, Where>();
  const add = (key: string, where: Where, started: Date) => {
    if (branches.has(key)) return;
    branches.set(key, publicOnly(options.onlyAfterFollow ? { ...where, timestamp: { [Op.gte]: started } } : where));
  };
  for (const f of follows) {
    add(`actor ${f.contentType} ${f.objectId}`, { actorType: f.contentType, actorId: f.objectId }, f.started);
    if (!f.actorOnly) {
      add(`target ${f.contentType} ${f.objectId}`, { targetType: f.contentType, targetId: f.objectId }, f.started);
      add(
        `actionObject ${f.contentType} ${f.objectId}`,
        { actionObjectType: f.contentType, actionObjectId: f.objectId },
        f.started,
      );
    }
  }
  if (options.withUserActivity) branches.set(`actor ${me.type} ${me.id}`, ownBranch);
  if (branches.size <= MAX_UNION_BRANCHES) return page([...branches.values()], options);

  const followed: Where = publicOnly({
    [Op.or]: [followedBy(me.id, 'actor', options), followedBy(me.id, 'target', options), followedBy(me.id, 'actionObject', options)],
  });
  return page([options.withUserActivity ? { [Op.or]: [followed, ownBranch] } : followed], options);
}
