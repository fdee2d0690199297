import type { Model, ModelStatic } from 'sequelize';
import { DataTypes } from 'sequelize';
import type { SqlWriter, Statement } from './contract.js';

// The statements of the hot paths, written once for every database: a backend's SqlWriter supplies
// the quoting, placeholders and literals. Every read is a short range of one of the stream indexes
// (actstream/migrations), bounded by a LIMIT, never OFFSET into the page itself.

export const ACTIONS_TABLE = 'actstream_actions';
export const FOLLOWS_TABLE = 'actstream_follows';

/** The columns a read of actions returns (named, not `*`: a prepared statement must not change shape). */
export const ACTION_COLUMNS = [
  'id',
  'actorType',
  'actorId',
  'verb',
  'description',
  'targetType',
  'targetId',
  'actionObjectType',
  'actionObjectId',
  'timestamp',
  'public',
  'data',
] as const;

/** The columns an INSERT of actions writes, in the order the backends bind them (all but the id). */
export const INSERT_COLUMNS = ACTION_COLUMNS.slice(1) as readonly Exclude<(typeof ACTION_COLUMNS)[number], 'id'>[];

export type Role = 'actor' | 'target' | 'actionObject';
export const ROLES: readonly Role[] = ['actor', 'target', 'actionObject'];

/** The roles in which an action is the user's own (see visibility.ts isAbout): by them, or done to them. */
export const OWN_ROLES = ['actor', 'actionObject'] as const;
export type OwnRole = 'own' | 'ownObject';
const OWN_HEAD: Record<(typeof OWN_ROLES)[number], OwnRole> = { actor: 'own', actionObject: 'ownObject' };

/** The feed branch of the user's own actions in one role. */
export function ownBranch(role: OwnRole, own: { type: string; id: string; includePrivate: boolean }): Branch {
  const prefix = role === 'own' ? 'actor' : 'actionObject';
  return { equals: [[`${prefix}Type`, own.type], [`${prefix}Id`, own.id]], includePrivate: own.includePrivate };
}

/** One index range: equalities on leading columns, public only, optionally not before a time. */
export interface Branch {
  equals: [column: string, value: string][];
  /** Private actions too (only the user's own, in their own feed). */
  includePrivate?: boolean;
  notBefore?: Date;
}

/** A keyset position: (timestamp, id). */
export interface Position {
  timestamp: Date;
  id: number;
}

/** What every branch of a page shares. */
export interface PageFilters {
  verb?: string;
  since?: Date;
  until?: Date;
  /** Only actions older than this position (the cursor). */
  before?: Position;
  /** Only actions at this position or newer (the feed's bound, see feedHeads). */
  notBelow?: Position;
}

/** Whose feed, and how: which follows count, and whether the user's own actions do. */
export interface FollowedFilter {
  userId: string;
  flag?: string;
  onlyAfterFollow?: boolean;
  own?: { type: string; id: string; includePrivate: boolean };
}

/**
 * Collects a statement's values while its text is written. Placeholders are positional on some
 * databases, so every statement below is written front to back: a value is added when the text
 * that holds its placeholder is, in the order the text reads.
 */
export class Writer {
  readonly values: unknown[] = [];

  constructor(private readonly sql: SqlWriter) {}

  name(identifier: string): string {
    return this.sql.name(identifier);
  }

  column(alias: string, column: string): string {
    return `${alias}.${this.sql.name(column)}`;
  }

  value(value: string | number): string {
    return this.sql.value(this.values, value);
  }

  literal(value: string): string {
    return this.sql.literal(this.values, value);
  }

  time(date: Date): string {
    return this.sql.time(this.values, date);
  }

  limit(count: number): string {
    return this.sql.limit(this.values, count);
  }

  oneOf(column: string, keys: readonly string[]): string {
    return this.sql.oneOf(this.values, column, keys);
  }

  get true(): string {
    return this.sql.true;
  }

  get false(): string {
    return this.sql.false;
  }

  statement(text: string): Statement {
    return { text, values: this.values };
  }

  newestFirst(alias: string): string {
    return `ORDER BY ${this.column(alias, 'timestamp')} DESC, ${this.column(alias, 'id')} DESC`;
  }

  columns(alias: string): string {
    return ACTION_COLUMNS.map((column) => this.column(alias, column)).join(', ');
  }

  /** Conditions of the filters on `alias`, to AND together. */
  filters(alias: string, filters: PageFilters, idColumn = 'id'): string[] {
    const timestamp = this.column(alias, 'timestamp');
    const id = this.column(alias, idColumn);
    const conditions: string[] = [];
    if (filters.verb !== undefined) conditions.push(`${this.column(alias, 'verb')} = ${this.value(filters.verb)}`);
    if (filters.since) conditions.push(`${timestamp} >= ${this.time(filters.since)}`);
    if (filters.until) conditions.push(`${timestamp} <= ${this.time(filters.until)}`);
    // Plain ranges on timestamp (index-friendly everywhere), then the tie-break on id.
    // (Each placeholder gets its own value: placeholders are positional on some databases.)
    if (filters.before) {
      const { timestamp: at, id: last } = filters.before;
      conditions.push(`${timestamp} <= ${this.time(at)}`, `(${timestamp} < ${this.time(at)} OR ${id} < ${this.value(last)})`);
    }
    if (filters.notBelow) {
      const { timestamp: at, id: first } = filters.notBelow;
      conditions.push(`${timestamp} >= ${this.time(at)}`, `(${timestamp} > ${this.time(at)} OR ${id} >= ${this.value(first)})`);
    }
    return conditions;
  }

  branch(alias: string, branch: Branch): string[] {
    // Types (model names) inline: see SqlWriter#literal.
    const conditions = branch.equals.map(([column, value]) => `${this.column(alias, column)} = ${column.endsWith('Type') ? this.literal(value) : this.value(value)}`);
    if (!branch.includePrivate) conditions.push(`${this.column(alias, 'public')} = ${this.true}`);
    if (branch.notBefore) conditions.push(`${this.column(alias, 'timestamp')} >= ${this.time(branch.notBefore)}`);
    return conditions;
  }
}

export const and = (conditions: string[]) => (conditions.length ? conditions.join(' AND ') : '1 = 1');

/**
 * The newest `size` actions of the branches. One branch is one index range read; several take the
 * newest `size` (id, timestamp) of each branch from its index alone, the newest `size` of their
 * union, then those rows: the database reads at most branches × size index entries and `size`
 * rows, however large the table. (The union's own LIMIT tells planners it is `size` ids: without
 * it PostgreSQL hash-joined them against the whole table. Whole rows in the union made MariaDB
 * write its temporary tables to disk: they hold TEXT.)
 */
export function branchesPage(sql: SqlWriter, branches: Branch[], filters: PageFilters, size: number): Statement {
  const w = new Writer(sql);
  const table = w.name(ACTIONS_TABLE);
  if (branches.length === 1) {
    const where = and([...w.branch('a', branches[0]), ...w.filters('a', filters)]);
    return w.statement(`SELECT ${w.columns('a')} FROM ${table} a WHERE ${where} ${w.newestFirst('a')} LIMIT ${w.limit(size)}`);
  }
  const id = w.name('id');
  const union = branches
    .map((branch, i) => {
      const where = and([...w.branch('x', branch), ...w.filters('x', filters)]);
      return `SELECT b${i}.id, b${i}.ts FROM (SELECT x.${id} AS id, x.${w.name('timestamp')} AS ts FROM ${table} x WHERE ${where} ${w.newestFirst('x')} LIMIT ${w.limit(size)}) b${i}`;
    })
    .join(' UNION ');
  // The rows joined on (id, timestamp), not id alone: on a table partitioned by timestamp each
  // lookup then reads the one partition the row is in (PostgreSQL prunes per row of the page).
  const newest = `SELECT u.id, u.ts FROM (${union}) u ORDER BY u.ts DESC, u.id DESC LIMIT ${w.limit(size)}`;
  const on = `a.${id} = page.id AND a.${w.name('timestamp')} = page.ts`;
  // The filters again (true of every row of the page): their time bounds prune partitions at planning.
  const outer = and(w.filters('a', filters));
  return w.statement(`SELECT ${w.columns('a')} FROM (${newest}) page JOIN ${table} a ON ${on} WHERE ${outer} ${w.newestFirst('a')} LIMIT ${w.limit(size)}`);
}

/** SQL: the action's `role` object is followed by the user (under the flag; since before the action). */
export function followedAs(w: Writer, role: Role, followed: FollowedFilter): string {
  const conditions = [
    `f.${w.name('userId')} = ${w.value(followed.userId)}`,
    `f.${w.name('contentType')} = ${w.column('a', `${role}Type`)}`,
    `f.${w.name('objectId')} = ${w.column('a', `${role}Id`)}`,
  ];
  if (role !== 'actor') conditions.push(`f.${w.name('actorOnly')} = ${w.false}`);
  if (followed.flag !== undefined) conditions.push(`f.${w.name('flag')} = ${w.value(followed.flag)}`);
  if (followed.onlyAfterFollow) conditions.push(`${w.column('a', 'timestamp')} >= f.${w.name('started')}`);
  return `EXISTS (SELECT 1 FROM ${w.name(FOLLOWS_TABLE)} f WHERE ${conditions.join(' AND ')})`;
}

/**
 * The user's feed from the newest actions: of the newest `window` actions below the cursor, those
 * by or on what the user follows (one probe of the follows' unique index per role). When the feed
 * is dense this fills the page; the caller knows the page is complete when it got `size` rows, and
 * otherwise reads it with feedHeads and branchesPage. The window is a LIMIT of its own, so no
 * planner can turn a sparse feed into a walk of the whole table.
 */
export function followedWalk(sql: SqlWriter, followed: FollowedFilter, filters: PageFilters, size: number, window: number): Statement {
  const w = new Writer(sql);
  const table = w.name(ACTIONS_TABLE);
  const newest = `SELECT ${w.columns('x')} FROM ${table} x WHERE ${and(w.filters('x', filters))} ${w.newestFirst('x')} LIMIT ${w.limit(window)}`;
  const matches = `${w.column('a', 'public')} = ${w.true} AND (${ROLES.map((role) => followedAs(w, role, followed)).join(' OR ')})`;
  let wanted = matches;
  if (followed.own) {
    const own = followed.own;
    const mine = (['own', 'ownObject'] as const).map((role) => `(${and(w.branch('a', ownBranch(role, own)))})`);
    wanted = `(${matches}) OR ${mine.join(' OR ')}`;
  }
  return w.statement(`SELECT ${w.columns('a')} FROM (${newest}) a WHERE ${wanted} ${w.newestFirst('a')} LIMIT ${w.limit(size)}`);
}

/** One row of feedHeads: a branch of the feed and the newest action in it. */
export interface FeedHead {
  role: Role | OwnRole;
  /** The followed object (null for the user's own branches). */
  type: string | null;
  id: string | null;
  /** The follow's start, for onlyAfterFollow. */
  started: unknown;
  /** The branch's newest matching action. */
  timestamp: unknown;
  actionId: unknown;
}

/**
 * The user's feed, step 1 of 2 when the walk comes up short: for every branch (followed object and
 * role, plus the user's own actions) the newest matching action, found with one index probe per
 * branch; the `count` branches whose newest actions are newest. The follows are read here too,
 * each object once (its earliest follow counts; target and action object only from follows with
 * actorOnly false).
 */
export function feedHeads(sql: SqlWriter, followed: FollowedFilter, filters: PageFilters, count: number): Statement {
  const w = new Writer(sql);
  const table = w.name(ACTIONS_TABLE);
  const f = (column: string) => `f.${w.name(column)}`;
  const follows = [
    `SELECT ${f('contentType')} AS t, ${f('objectId')} AS o, MIN(${f('started')}) AS s,`,
    `MIN(CASE WHEN ${f('actorOnly')} = ${w.false} THEN ${f('started')} END) AS s2`,
    `FROM ${w.name(FOLLOWS_TABLE)} f WHERE ${f('userId')} = ${w.value(followed.userId)}`,
    followed.flag !== undefined ? `AND ${f('flag')} = ${w.value(followed.flag)}` : '',
    `GROUP BY ${f('contentType')}, ${f('objectId')}`,
  ].join(' ');
  const newest = (conditions: string[], column = 'id') =>
    `(SELECT x.${w.name(column)} FROM ${table} x WHERE ${and([...conditions, ...w.filters('x', filters)])} ${w.newestFirst('x')} LIMIT 1)`;
  const heads = ROLES.map((role) => {
    const started = role === 'actor' ? 'fl.s' : 'fl.s2';
    const conditions = [`x.${w.name(`${role}Type`)} = fl.t`, `x.${w.name(`${role}Id`)} = fl.o`, `x.${w.name('public')} = ${w.true}`];
    if (followed.onlyAfterFollow) conditions.push(`x.${w.name('timestamp')} >= ${started}`);
    const only = role === 'actor' ? '' : ' WHERE fl.s2 IS NOT NULL';
    return `SELECT '${role}' AS r, fl.t AS t, fl.o AS o, ${started} AS s, ${newest(conditions)} AS head, ${newest(conditions, 'timestamp')} AS ts FROM fl${only}`;
  });
  if (followed.own) {
    const own = followed.own;
    for (const role of OWN_ROLES) {
      // Made afresh for each use: every placeholder takes its own value.
      const conditions = () => [
        `x.${w.name(`${role}Type`)} = ${w.literal(own.type)}`,
        `x.${w.name(`${role}Id`)} = ${w.value(own.id)}`,
        ...(own.includePrivate ? [] : [`x.${w.name('public')} = ${w.true}`]),
      ];
      heads.push(`SELECT '${OWN_HEAD[role]}' AS r, NULL AS t, NULL AS o, NULL AS s, ${newest(conditions())} AS head, ${newest(conditions(), 'timestamp')} AS ts`);
    }
  }
  // The head's timestamp by the same index probe as its id (the same row: same conditions and
  // order), not a lookup by id: by id alone a partitioned table would probe every partition, and a
  // join risks a planner that misjudges how many heads there are hash-joining the whole table.
  return w.statement(
    `WITH fl AS (${follows}), h AS ${sql.materialized}(${heads.join(' UNION ALL ')}) ` +
      `SELECT h.r AS ${w.name('role')}, h.t AS ${w.name('type')}, h.o AS ${w.name('id')}, h.s AS ${w.name('started')}, ` +
      `h.ts AS ${w.name('timestamp')}, h.head AS ${w.name('actionId')} ` +
      `FROM h WHERE h.head IS NOT NULL ORDER BY ${w.name('timestamp')} DESC, ${w.name('actionId')} DESC LIMIT ${w.limit(count)}`,
  );
}

/** Whether the user follows the object (under the flag, or any). */
export function followExists(sql: SqlWriter, userId: string, type: string, id: string, flag: string | undefined): Statement {
  const w = new Writer(sql);
  const conditions = [`${w.name('userId')} = ${w.value(userId)}`, `${w.name('contentType')} = ${w.value(type)}`, `${w.name('objectId')} = ${w.value(id)}`];
  if (flag !== undefined) conditions.push(`${w.name('flag')} = ${w.value(flag)}`);
  return w.statement(`SELECT 1 AS ${w.name('found')} FROM ${w.name(FOLLOWS_TABLE)} WHERE ${conditions.join(' AND ')} LIMIT 1`);
}

/**
 * The attributes a plain read of the model gives (stored ones, not VIRTUAL): name, column, data
 * type; only those named in `only`, when given.
 */
export function storedAttributes(model: ModelStatic<Model>, only?: readonly string[]): [attribute: string, field: string, type: unknown][] {
  return Object.entries(model.getAttributes())
    .filter(([name, attribute]) => !(attribute.type instanceof DataTypes.VIRTUAL) && (!only || only.includes(name)))
    .map(([name, attribute]) => [name, attribute.field ?? name, attribute.type]);
}

const objectReads = new WeakMap<SqlWriter, WeakMap<ModelStatic<Model>, Map<string, { head: string; key: string }>>>();

/** The model's rows with these primary keys, every stored attribute (or those in `only`) under its own name. */
export function objectsByKey(sql: SqlWriter, model: ModelStatic<Model>, ids: readonly string[], only?: readonly string[]): Statement {
  let reads = objectReads.get(sql);
  if (!reads) objectReads.set(sql, (reads = new WeakMap()));
  let byAttributes = reads.get(model);
  if (!byAttributes) reads.set(model, (byAttributes = new Map()));
  const shape = only ? only.join('\0') : '*';
  let read = byAttributes.get(shape);
  if (!read) {
    const columns = storedAttributes(model, only)
      .map(([name, field]) => `${sql.name(field)} AS ${sql.name(name)}`)
      .join(', ');
    const pk = model.getAttributes()[model.primaryKeyAttribute];
    read = { head: `SELECT ${columns} FROM ${sql.table(model)} WHERE `, key: sql.name(pk.field ?? model.primaryKeyAttribute) };
    byAttributes.set(shape, read);
  }
  const values: unknown[] = [];
  return { text: read.head + sql.oneOf(values, read.key, ids), values };
}

// Live streams (live-tail.ts): the actions table read as a log, in id order.

/**
 * Rows of the log past a position: ids above `high`, or among `gaps` (ids below it not yet
 * committed when last read), in id order, at most `limit`. Primary-key ranges only.
 */
export function logRowsAfter(sql: SqlWriter, high: number, gaps: readonly number[], limit: number): Statement {
  const w = new Writer(sql);
  const id = w.column('a', 'id');
  let where = `${id} > ${w.value(high)}`;
  if (gaps.length) where += ` OR ${sql.oneOf(w.values, id, gaps.map(String))}`;
  return w.statement(`SELECT ${w.columns('a')} FROM ${w.name(ACTIONS_TABLE)} a WHERE ${where} ORDER BY ${id} LIMIT ${w.limit(limit)}`);
}

/** The newest `count` ids of the log, newest first (where a tail starts, and which ids below are missing). */
export function logHead(sql: SqlWriter, count: number): Statement {
  const w = new Writer(sql);
  const id = w.name('id');
  return w.statement(`SELECT ${id} AS ${id} FROM ${w.name(ACTIONS_TABLE)} ORDER BY ${id} DESC LIMIT ${w.limit(count)}`);
}

/**
 * The follows by any of `userIds` of any of `objects` (type → ids): who of the users listening
 * now has one of these actions' objects in their feed.
 */
export function followsOf(sql: SqlWriter, userIds: readonly string[], objects: ReadonlyMap<string, readonly string[]>): Statement {
  const w = new Writer(sql);
  const f = (column: string) => `f.${w.name(column)}`;
  // Written front to back: placeholders are positional on some databases.
  const users = sql.oneOf(w.values, f('userId'), userIds);
  const byType = [...objects].map(([type, ids]) => `(${f('contentType')} = ${w.literal(type)} AND ${sql.oneOf(w.values, f('objectId'), ids)})`);
  return w.statement(
    `SELECT ${f('userId')} AS ${w.name('userId')}, ${f('contentType')} AS ${w.name('contentType')}, ${f('objectId')} AS ${w.name('objectId')}, ` +
      `${f('actorOnly')} AS ${w.name('actorOnly')} FROM ${w.name(FOLLOWS_TABLE)} f ` +
      `WHERE ${users} AND (${byType.join(' OR ')})`,
  );
}
