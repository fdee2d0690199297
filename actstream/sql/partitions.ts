import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { ACTIONS_TABLE } from './statements.js';

// The actions table partitioned by month on `timestamp` (PostgreSQL's declarative partitioning),
// optional: partitionActionsTable converts a plain table once. Layout: one partition per calendar
// month (UTC), plus `…_before` (everything older than the first month) and `…_after` (everything
// from the end of the last month on), so an insert never fails for want of a partition. No DEFAULT
// partition: with one, PostgreSQL can neither prune it by a time bound nor read the partitions in
// time order (an ordered Append that stops at the LIMIT), and every page would probe every month.
// The primary key is (id, timestamp) (a partitioned table's unique keys include its partition key);
// the stream indexes are declared on the parent, so every partition has them, new ones too.

const BEFORE = `${ACTIONS_TABLE}_before`;
const AFTER = `${ACTIONS_TABLE}_after`;
const OLD = `${ACTIONS_TABLE}_unpartitioned`;
const MONTH = new RegExp(`^${ACTIONS_TABLE}_y(\\d{4})m(\\d{2})$`);
/** Serialises partition maintenance across processes (pg_advisory_xact_lock). */
const LOCK_KEY = 'actstream_actions_partitions';

const q = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
const monthName = (start: Date) => `${ACTIONS_TABLE}_y${start.getUTCFullYear()}m${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
const monthStart = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
const addMonths = (date: Date, months: number) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
const literal = (date: Date) => `'${date.toISOString()}'`;

function requirePostgres(sequelize: Sequelize): void {
  if (sequelize.getDialect() !== 'postgres') throw new Error('a partitioned actions table needs PostgreSQL');
}

async function rows<T extends object>(sequelize: Sequelize, sql: string, transaction?: Transaction, replacements?: Record<string, unknown>): Promise<T[]> {
  return sequelize.query<T>(sql, { type: QueryTypes.SELECT, transaction, replacements });
}

/** Whether the actions table is partitioned (false on any other database). */
export async function isActionsTablePartitioned(sequelize: Sequelize): Promise<boolean> {
  if (sequelize.getDialect() !== 'postgres') return false;
  const found = await rows<{ kind: string }>(sequelize, `SELECT c.relkind AS kind FROM pg_class c WHERE c.oid = to_regclass(:table)`, undefined, { table: q(ACTIONS_TABLE) });
  return found[0]?.kind === 'p';
}

/** A partition of the actions table: its name and range ([from, to), null for MINVALUE / MAXVALUE). */
export interface ActionPartition {
  name: string;
  from: Date | null;
  to: Date | null;
}

/** The month partitions, oldest first (not `…_before` / `…_after`). */
export async function monthPartitions(sequelize: Sequelize, transaction?: Transaction): Promise<ActionPartition[]> {
  const children = await rows<{ name: string }>(
    sequelize,
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(:table)`,
    transaction,
    { table: q(ACTIONS_TABLE) },
  );
  return children
    .map(({ name }) => MONTH.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => {
      const from = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
      return { name: match[0], from, to: addMonths(from, 1) };
    })
    .sort((a, b) => a.from!.getTime() - b.from!.getTime());
}

export interface PartitionOptions {
  /** Months past the current one to have partitions for (default 3). */
  monthsAhead?: number;
  /** The first month to make a partition for (default: the oldest action's, else this month). */
  from?: Date;
  /** "now", for tests. */
  now?: Date;
}

/**
 * Turns the plain actions table into the partitioned one, rows and indexes included (one
 * transaction, the table locked meanwhile: run it in a maintenance window). Does nothing when the
 * table is partitioned already. Returns whether it converted.
 */
export async function partitionActionsTable(sequelize: Sequelize, { monthsAhead = 3, from, now = new Date() }: PartitionOptions = {}): Promise<boolean> {
  requirePostgres(sequelize);
  if (await isActionsTablePartitioned(sequelize)) return false;
  await sequelize.transaction(async (transaction) => {
    const run = (sql: string) => sequelize.query(sql, { transaction });
    await run(`SELECT pg_advisory_xact_lock(hashtext('${LOCK_KEY}'))`);
    await run(`LOCK TABLE ${q(ACTIONS_TABLE)} IN ACCESS EXCLUSIVE MODE`);
    const [{ oldest, sequence }] = await rows<{ oldest: Date | null; sequence: string | null }>(
      sequelize,
      `SELECT (SELECT MIN("timestamp") FROM ${q(ACTIONS_TABLE)}) AS oldest, pg_get_serial_sequence(:table, 'id') AS sequence`,
      transaction,
      { table: q(ACTIONS_TABLE) },
    );
    const indexes = await rows<{ name: string; definition: string; unique: boolean }>(
      sequelize,
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisunique AS unique
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = to_regclass(:table) AND NOT i.indisprimary`,
      transaction,
      { table: q(ACTIONS_TABLE) },
    );
    const unique = indexes.find((index) => index.unique);
    if (unique) throw new Error(`cannot partition ${ACTIONS_TABLE}: unique index ${unique.name} lacks the partition key`);

    await run(`ALTER TABLE ${q(ACTIONS_TABLE)} RENAME TO ${q(OLD)}`);
    await run(`CREATE TABLE ${q(ACTIONS_TABLE)} (LIKE ${q(OLD)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE ("timestamp")`);
    await run(`ALTER TABLE ${q(ACTIONS_TABLE)} ADD CONSTRAINT ${q(`${ACTIONS_TABLE}_id_timestamp_pkey`)} PRIMARY KEY ("id", "timestamp")`);
    // The id sequence outlives the old table.
    if (sequence) await run(`ALTER SEQUENCE ${sequence} OWNED BY ${q(ACTIONS_TABLE)}."id"`);

    const first = monthStart(from ?? oldest ?? now);
    const end = addMonths(monthStart(now), monthsAhead + 1);
    await run(`CREATE TABLE ${q(BEFORE)} PARTITION OF ${q(ACTIONS_TABLE)} FOR VALUES FROM (MINVALUE) TO (${literal(first)})`);
    for (let month = first; month < end; month = addMonths(month, 1)) {
      await run(`CREATE TABLE ${q(monthName(month))} PARTITION OF ${q(ACTIONS_TABLE)} FOR VALUES FROM (${literal(month)}) TO (${literal(addMonths(month, 1))})`);
    }
    await run(`CREATE TABLE ${q(AFTER)} PARTITION OF ${q(ACTIONS_TABLE)} FOR VALUES FROM (${literal(end)}) TO (MAXVALUE)`);

    await run(`INSERT INTO ${q(ACTIONS_TABLE)} SELECT * FROM ${q(OLD)}`);
    await run(`DROP TABLE ${q(OLD)}`);
    // The same indexes, under the same names, on the parent: PostgreSQL builds one per partition.
    for (const index of indexes) {
      await run(index.definition.replace(new RegExp(` ON (?:ONLY )?(\\S+\\.)?"?${OLD}"? `), ` ON $1${q(ACTIONS_TABLE)} `));
    }
  });
  await sequelize.query(`ANALYZE ${q(ACTIONS_TABLE)}`);
  return true;
}

/**
 * Makes sure month partitions exist from the current month to `monthsAhead` past it (the app
 * calls it at start and daily). New months are split off `…_after`, rows already there moving
 * with them. Returns the partitions it made.
 */
export async function ensureActionPartitions(sequelize: Sequelize, { monthsAhead = 3, now = new Date() }: PartitionOptions = {}): Promise<string[]> {
  requirePostgres(sequelize);
  const target = addMonths(monthStart(now), monthsAhead + 1);
  const existing = await monthPartitions(sequelize);
  const last = existing.at(-1)?.to;
  if (!last || last >= target) return [];
  return sequelize.transaction(async (transaction) => {
    const run = (sql: string) => sequelize.query(sql, { transaction });
    await run(`SELECT pg_advisory_xact_lock(hashtext('${LOCK_KEY}'))`);
    // Another process may have done it meanwhile.
    const current = (await monthPartitions(sequelize, transaction)).at(-1)?.to;
    if (!current || current >= target) return [];
    const made: string[] = [];
    await run(`ALTER TABLE ${q(ACTIONS_TABLE)} DETACH PARTITION ${q(AFTER)}`);
    for (let month = current; month < target; month = addMonths(month, 1)) {
      await run(`CREATE TABLE ${q(monthName(month))} PARTITION OF ${q(ACTIONS_TABLE)} FOR VALUES FROM (${literal(month)}) TO (${literal(addMonths(month, 1))})`);
      made.push(monthName(month));
    }
    await run(`WITH moved AS (DELETE FROM ${q(AFTER)} WHERE "timestamp" < ${literal(target)} RETURNING *) INSERT INTO ${q(ACTIONS_TABLE)} SELECT * FROM moved`);
    await run(`ALTER TABLE ${q(ACTIONS_TABLE)} ATTACH PARTITION ${q(AFTER)} FOR VALUES FROM (${literal(target)}) TO (MAXVALUE)`);
    return made;
  });
}

/**
 * Drops the month partitions that hold only actions older than `olderThan`, and empties
 * `…_before` once the first remaining month starts at or before it. Returns the partitions dropped
 * and how many actions went with them. Rows of the month that straddles `olderThan` stay: the
 * caller deletes those row by row.
 */
export async function dropActionPartitionsBefore(sequelize: Sequelize, olderThan: Date): Promise<{ dropped: string[]; count: number }> {
  requirePostgres(sequelize);
  return sequelize.transaction(async (transaction) => {
    await sequelize.query(`SELECT pg_advisory_xact_lock(hashtext('${LOCK_KEY}'))`, { transaction });
    const months = await monthPartitions(sequelize, transaction);
    const old = months.filter((partition) => partition.to! <= olderThan);
    let count = 0;
    const dropped: string[] = [];
    const countOf = async (table: string) => Number((await rows<{ n: string }>(sequelize, `SELECT COUNT(*) AS n FROM ${q(table)}`, transaction))[0].n);
    // Everything in …_before is older than the first month.
    if (months[0] && months[0].from! <= olderThan) {
      const n = await countOf(BEFORE);
      if (n > 0) {
        await sequelize.query(`TRUNCATE ${q(BEFORE)}`, { transaction });
        count += n;
      }
    }
    for (const partition of old) {
      count += await countOf(partition.name);
      await sequelize.query(`DROP TABLE ${q(partition.name)}`, { transaction });
      dropped.push(partition.name);
    }
    // Keep the layout gap-free: …_before now ends where the first remaining month starts.
    const remaining = months.find((partition) => !old.includes(partition));
    if (old.length > 0 && remaining) {
      await sequelize.query(`ALTER TABLE ${q(ACTIONS_TABLE)} DETACH PARTITION ${q(BEFORE)}`, { transaction });
      await sequelize.query(`ALTER TABLE ${q(ACTIONS_TABLE)} ATTACH PARTITION ${q(BEFORE)} FOR VALUES FROM (MINVALUE) TO (${literal(remaining.from!)})`, { transaction });
    }
    return { dropped, count };
  });
}
