import { QueryTypes, type InferCreationAttributes, type Sequelize, type Transaction } from 'sequelize';
import { Action } from './models.js';
import { timestampParameter } from './rows.js';

// The write path. Model.create / bulkCreate spend most of a send building and validating an
// instance and generating SQL; toRow (actions.ts) has already checked everything they would, so the INSERT
// is written once per database and runs through sequelize.query with bind parameters (logging,
// transactions, CLS and connection handling stay Sequelize's). The saved Action is then built
// from the row and its new id, as a stream builds one from a row it read.

/** The columns written, in bind order (the id comes from the database). */
const COLUMNS = [
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

/**
 * Bind parameters one statement may carry: SQLite's SQLITE_MAX_VARIABLE_NUMBER (32766 since SQLite
 * 3.32, as bundled with better-sqlite3 and node-sqlite3), and the 16-bit parameter count of
 * PostgreSQL's and MySQL's protocols.
 */
const MAX_BIND_PARAMETERS: Partial<Record<string, number>> = { sqlite: 32766, postgres: 65535, mysql: 65535, mariadb: 65535 };

/** A validated action, ready to write. */
export type ActionRow = Omit<InferCreationAttributes<Action>, 'id'>;

export interface InsertStatement {
  /** `INSERT INTO "actstream_actions" ("actorType", …) VALUES ` */
  head: string;
  /** ` RETURNING "id"` on PostgreSQL, else empty. */
  tail: string;
  /** Where the new ids come from: RETURNING (PostgreSQL), or the insert id the driver reports. */
  ids: 'returning' | 'first-insert-id' | 'last-insert-id';
  idField: string;
  /** Rows one INSERT carries at most: the dialect's bind-parameter limit. */
  maxRows: number;
  /** The whole SQL per row count (sendMany callers tend to reuse a batch size). */
  bySize: Map<number, string>;
}

const SQL_SIZES_KEPT = 32;
const insertStatements = new WeakMap<Sequelize, InsertStatement | null>();

/** The INSERT for this Sequelize instance, written on first use; null for dialects without a fast path. */
export function insertStatement(sequelize: Sequelize): InsertStatement | null {
  let statement = insertStatements.get(sequelize);
  if (statement !== undefined) return statement;
  const dialect = sequelize.getDialect();
  const maxParameters = MAX_BIND_PARAMETERS[dialect];
  if (maxParameters === undefined) {
    statement = null;
  } else {
    const qi = sequelize.getQueryInterface();
    // QueryInterface#quoteTable is in Sequelize 6's typings only; the query generator has it.
    const { queryGenerator } = qi as unknown as { queryGenerator: { quoteTable(table: unknown): string } };
    const attributes = Action.getAttributes();
    const field = (name: string) => qi.quoteIdentifier(attributes[name as keyof typeof attributes]?.field ?? name);
    const idField = attributes.id.field ?? 'id';
    statement = {
      head: `INSERT INTO ${queryGenerator.quoteTable(Action.getTableName())} (${COLUMNS.map(field).join(',')}) VALUES `,
      tail: dialect === 'postgres' ? ` RETURNING ${qi.quoteIdentifier(idField)}` : '',
      // Per multi-row INSERT, SQLite reports the last rowid, MySQL/MariaDB the first auto-increment
      // id, and the rows get consecutive ids (what Sequelize's own bulkCreate relies on too).
      ids: dialect === 'postgres' ? 'returning' : dialect === 'sqlite' ? 'last-insert-id' : 'first-insert-id',
      idField,
      maxRows: Math.floor(maxParameters / COLUMNS.length),
      bySize: new Map(),
    };
  }
  insertStatements.set(sequelize, statement);
  return statement;
}

function insertSql(statement: InsertStatement, rows: number): string {
  let sql = statement.bySize.get(rows);
  if (sql !== undefined) return sql;
  const tuples = new Array<string>(rows);
  let parameter = 1;
  for (let r = 0; r < rows; r++) {
    const placeholders = new Array<string>(COLUMNS.length);
    for (let c = 0; c < COLUMNS.length; c++) placeholders[c] = `$${parameter++}`;
    tuples[r] = `(${placeholders.join(',')})`;
  }
  sql = statement.head + tuples.join(',') + statement.tail;
  if (statement.bySize.size >= SQL_SIZES_KEPT) statement.bySize.clear();
  statement.bySize.set(rows, sql);
  return sql;
}

/** What Sequelize's BOOLEAN does to a value before writing it ('true' / 1 → true …). */
function booleanParameter(value: unknown): unknown {
  if (typeof value === 'string') return value === 'true' ? true : value === 'false' ? false : value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : value;
  return value;
}

/** Appends a row's bind parameters, in COLUMNS order. Throws (data that JSON cannot encode) before any write. */
export function pushParameters(bind: unknown[], sequelize: Sequelize, row: ActionRow): void {
  bind.push(
    row.actorType,
    row.actorId,
    row.verb,
    row.description ?? null,
    row.targetType ?? null,
    row.targetId ?? null,
    row.actionObjectType ?? null,
    row.actionObjectId ?? null,
    timestampParameter(sequelize, row.timestamp as Date),
    booleanParameter(row.public),
    // JSON text on every dialect: PostgreSQL casts it to jsonb, MariaDB stores it as is.
    row.data === null || row.data === undefined ? null : (JSON.stringify(row.data) ?? null),
  );
}

/** Runs one INSERT of `count` rows and returns their ids, in row order. */
export async function insert(
  sequelize: Sequelize,
  statement: InsertStatement,
  count: number,
  bind: unknown[],
  transaction: Transaction | undefined,
): Promise<number[]> {
  const [result] = (await sequelize.query(insertSql(statement, count), { bind, transaction, type: QueryTypes.INSERT })) as [unknown, number];
  if (statement.ids === 'returning') {
    return (result as Record<string, unknown>[]).map((row) => Number(row[statement.idField]));
  }
  const reported = Number(result);
  const first = statement.ids === 'first-insert-id' ? reported : reported - count + 1;
  const ids = new Array<number>(count);
  for (let i = 0; i < count; i++) ids[i] = first + i;
  return ids;
}

/** The saved Action for a written row, as if Sequelize had created it. */
export function savedAction(row: ActionRow, id: number): Action {
  return Action.build({ id, ...row }, { raw: true, isNewRecord: false });
}

/** Rows one sendMany INSERT carries at most on this database (for tests); null where Sequelize's bulkCreate is used. */
export function maxRowsPerInsert(sequelize: Sequelize): number | null {
  return insertStatement(sequelize)?.maxRows ?? null;
}
