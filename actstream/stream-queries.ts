import type { Sequelize } from 'sequelize';
import { inlinesValues, quoteName } from './dialect.js';
import { timestampParameter } from './rows.js';

// The SQL of a page of a stream. Streams are the hot path, so their statements are written here
// directly, with bind parameters, rather than through Sequelize's where-object translation; every
// statement is a short read of one of the stream indexes (actstream/migrations).

export type Role = 'actor' | 'target' | 'actionObject';

/** One index range: equalities on leading columns, public only, optionally not before a time. */
export interface Branch {
  equals: [column: string, value: string][];
  /** Private actions too (only the user's own, in their own feed). */
  includePrivate?: boolean;
  notBefore?: Date;
}

/** What every branch of a page shares. */
export interface PageFilters {
  verb?: string;
  since?: Date;
  until?: Date;
  /** Keyset position: only actions older than this (timestamp, id). */
  before?: { timestamp: Date; id: number };
}

/** For the user's feed read in one statement: who follows, how, and whether their own actions count. */
export interface FollowedFilter {
  userId: string;
  flag?: string;
  onlyAfterFollow?: boolean;
  own?: { type: string; id: string; includePrivate: boolean };
}

export interface Statement {
  sql: string;
  bind: unknown[];
}

const TABLE = 'actstream_actions';
const FOLLOWS = 'actstream_follows';

/** Builds one statement: collects bind values and quotes names for the dialect. */
class Builder {
  readonly bind: unknown[] = [];
  private readonly inline: boolean;

  constructor(readonly sequelize: Sequelize) {
    this.inline = inlinesValues(sequelize);
  }

  name(identifier: string): string {
    return quoteName(this.sequelize, identifier);
  }

  column(alias: string, column: string): string {
    return `${alias}.${this.name(column)}`;
  }

  value(value: string | number): string {
    // Escaped into the SQL where bound values cost more (see dialect.ts).
    if (this.inline) return this.sequelize.escape(value);
    this.bind.push(value);
    return `$${this.bind.length}`;
  }

  time(date: Date): string {
    const value = timestampParameter(this.sequelize, date);
    return this.value(value instanceof Date ? value.toISOString() : value);
  }

  get true(): string {
    return this.sequelize.getDialect() === 'postgres' ? 'TRUE' : '1';
  }

  get false(): string {
    return this.sequelize.getDialect() === 'postgres' ? 'FALSE' : '0';
  }

  /** The earliest timestamp the column can hold, for "no lower bound". */
  get dawnOfTime(): string {
    const dialect = this.sequelize.getDialect();
    if (dialect === 'postgres') return `'-infinity'::timestamptz`;
    if (dialect === 'sqlite') return `''`;
    return `'1000-01-01 00:00:00'`;
  }

  newestFirst(alias: string): string {
    return `ORDER BY ${this.column(alias, 'timestamp')} DESC, ${this.column(alias, 'id')} DESC`;
  }

  /** Conditions of the filters on `alias`, as a list to AND together. */
  filters(alias: string, filters: PageFilters): string[] {
    const timestamp = this.column(alias, 'timestamp');
    const conditions: string[] = [];
    if (filters.verb !== undefined) conditions.push(`${this.column(alias, 'verb')} = ${this.value(filters.verb)}`);
    if (filters.since) conditions.push(`${timestamp} >= ${this.time(filters.since)}`);
    if (filters.until) conditions.push(`${timestamp} <= ${this.time(filters.until)}`);
    if (filters.before) {
      const at = this.time(filters.before.timestamp);
      // A plain range on timestamp (index-friendly everywhere), then the tie-break on id.
      conditions.push(`${timestamp} <= ${at}`, `(${timestamp} < ${at} OR ${this.column(alias, 'id')} < ${this.value(filters.before.id)})`);
    }
    return conditions;
  }

  branch(alias: string, branch: Branch): string[] {
    const conditions = branch.equals.map(([column, value]) => `${this.column(alias, column)} = ${this.value(value)}`);
    if (!branch.includePrivate) conditions.push(`${this.column(alias, 'public')} = ${this.true}`);
    if (branch.notBefore) conditions.push(`${this.column(alias, 'timestamp')} >= ${this.time(branch.notBefore)}`);
    return conditions;
  }
}

const and = (conditions: string[]) => (conditions.length ? conditions.join(' AND ') : '1 = 1');

/**
 * The newest `size` actions of the branches. One branch is one index range read; several take the
 * newest `size` ids of each branch, then the newest of their union: the database reads at most
 * branches × size index entries, however large the table.
 */
export function branchesPage(sequelize: Sequelize, branches: Branch[], filters: PageFilters, size: number): Statement {
  const b = new Builder(sequelize);
  const table = b.name(TABLE);
  if (branches.length === 1) {
    const where = and([...b.branch('a', branches[0]), ...b.filters('a', filters)]);
    return { sql: `SELECT a.* FROM ${table} a WHERE ${where} ${b.newestFirst('a')} LIMIT ${size}`, bind: b.bind };
  }
  const union = branches
    .map((branch, i) => {
      const where = and([...b.branch('x', branch), ...b.filters('x', filters)]);
      return `SELECT b${i}.id FROM (SELECT x.id FROM ${table} x WHERE ${where} ${b.newestFirst('x')} LIMIT ${size}) b${i}`;
    })
    .join(' UNION ');
  // The extra derived table lets MySQL/MariaDB take LIMIT inside an IN subquery.
  const sql = `SELECT a.* FROM ${table} a WHERE a.id IN (SELECT page_ids.id FROM (${union}) page_ids) ${b.newestFirst('a')} LIMIT ${size}`;
  return { sql, bind: b.bind };
}

/** SQL: the action's `role` object is followed by the user (under the flag; since before the action). */
function followedAs(b: Builder, role: Role, followed: FollowedFilter): string {
  const conditions = [
    `f.${b.name('userId')} = ${b.value(followed.userId)}`,
    `f.${b.name('contentType')} = ${b.column('a', `${role}Type`)}`,
    `f.${b.name('objectId')} = ${b.column('a', `${role}Id`)}`,
  ];
  if (role !== 'actor') conditions.push(`f.${b.name('actorOnly')} = ${b.false}`);
  if (followed.flag !== undefined) conditions.push(`f.${b.name('flag')} = ${b.value(followed.flag)}`);
  if (followed.onlyAfterFollow) conditions.push(`${b.column('a', 'timestamp')} >= f.${b.name('started')}`);
  return `EXISTS (SELECT 1 FROM ${b.name(FOLLOWS)} f WHERE ${conditions.join(' AND ')})`;
}

/**
 * The user's feed in one statement: walk the newest actions, keeping those by or on what the user
 * follows (probing the follows' unique index for each). `window` bounds the walk to the newest
 * `window` actions below the cursor (if given), so a sparse feed costs at most that many probes; the
 * caller knows the page is complete when it got `size` rows.
 */
export function followedPage(sequelize: Sequelize, followed: FollowedFilter, filters: PageFilters, size: number, window?: number): Statement {
  const b = new Builder(sequelize);
  const table = b.name(TABLE);
  const matches = `${b.column('a', 'public')} = ${b.true} AND (${(['actor', 'target', 'actionObject'] as Role[])
    .map((role) => followedAs(b, role, followed))
    .join(' OR ')})`;
  let wanted = matches;
  if (followed.own) {
    const own = b.branch('a', { equals: [['actorType', followed.own.type], ['actorId', followed.own.id]], includePrivate: followed.own.includePrivate });
    wanted = `(${matches}) OR (${and(own)})`;
  }
  const where = [...b.filters('a', filters), `(${wanted})`];
  if (window !== undefined) {
    const bound = `(SELECT w.${b.name('timestamp')} FROM ${table} w WHERE ${and(b.filters('w', filters))} ${b.newestFirst('w')} LIMIT 1 OFFSET ${window - 1})`;
    where.push(`${b.column('a', 'timestamp')} >= COALESCE(${bound}, ${b.dawnOfTime})`);
  }
  return { sql: `SELECT a.* FROM ${table} a WHERE ${and(where)} ${b.newestFirst('a')} LIMIT ${size}`, bind: b.bind };
}
