import { DataTypes, type Model, type ModelStatic, type Sequelize, type Transaction } from 'sequelize';
import type { NewAction, Row, SqlBackend, SqlSession, SqlWriter, Statement } from './contract.js';
import { logStatement, onConnection, quotedTable, sequelizeError } from './connection.js';
import { dateFromText, utcDateTime } from './datetime.js';
import { readObjects, type ColumnReader } from './objects.js';
import { Database, type RunResult } from './sqlite-driver.js';
import { ACTIONS_TABLE, INSERT_COLUMNS } from './statements.js';

// SQLite through actstream's own driver (sqlite-driver.ts, better-sqlite3 behind node-sqlite3's
// API): statements prepared once per connection and run in the connection's queue, on the
// connection Sequelize hands out (a transaction's own connection, else its shared one).


/** Sequelize writes a DATE on SQLite as this text, and SQLite compares the text. */
const storedTime = (date: Date) => `${utcDateTime(date)} +00:00`;

class SqliteWriter implements SqlWriter {
  readonly true = '1';
  readonly false = '0';
  readonly materialized = 'MATERIALIZED ';
  private readonly names = new Map<string, string>();

  constructor(private readonly sequelize: Sequelize) {}

  name(identifier: string): string {
    let quoted = this.names.get(identifier);
    if (quoted === undefined) {
      // Double quotes, not Sequelize's backquotes: nothing here needs its per-table PRAGMA reads.
      quoted = `"${identifier.replace(/"/g, '""')}"`;
      this.names.set(identifier, quoted);
    }
    return quoted;
  }

  table(model: ModelStatic<Model>): string {
    return quotedTable(this.sequelize, model);
  }

  // Placeholders are written `+?`, not `?`. better-sqlite3 builds SQLite with STAT4: once ANALYZE
  // has run, a statement whose plan consulted the statistics for a bare `?` is prepared again
  // every time that value is bound (SQLite's "expmask"), which made a page several times slower.
  // The unary plus changes no value and keeps every index use, but takes the statistics lookup away.

  value(values: unknown[], value: string | number): string {
    // better-sqlite3 binds a JS number as REAL; whole numbers go as INTEGER (LIMIT needs one).
    values.push(typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value);
    return '+?';
  }

  literal(values: unknown[], value: string): string {
    // (A NUL would end the text of the statement: such a value goes as a parameter.)
    return value.includes('\u0000') ? this.value(values, value) : `'${value.replace(/'/g, "''")}'`;
  }

  limit(values: unknown[], count: number): string {
    return this.value(values, count);
  }

  time(values: unknown[], date: Date): string {
    values.push(storedTime(date));
    return '+?';
  }

  keyPrefix(values: unknown[], column: string, value: string): { condition: string; order: string[] } {
    return { condition: `${column} = ${this.value(values, value)}`, order: [] };
  }

  oneOf(values: unknown[], column: string, keys: readonly string[]): string {
    values.push(...keys);
    return `${column} IN (${keys.map(() => '+?').join(', ')})`;
  }
}

/** What Sequelize's SQLite dialect does to a column of this type when findAll reads it. */
function reader(type: unknown): ColumnReader | null {
  if (type instanceof DataTypes.DATE) return (value) => (typeof value === 'string' ? dateFromText(value) : value);
  if (type instanceof DataTypes.JSON) return (value) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : value);
  return null;
}

export class SqliteBackend implements SqlBackend {
  readonly kind = 'sqlite';
  readonly sql: SqliteWriter;
  // One INSERT carries the rows as one JSON text: no bind-parameter limit; this bounds its size.
  readonly maxRowsPerInsert = 10_000;
  readonly insertOne: string;
  readonly insertMany: string;

  constructor(readonly sequelize: Sequelize) {
    this.sql = new SqliteWriter(sequelize);
    const columns = INSERT_COLUMNS.map((column) => this.sql.name(column)).join(', ');
    const table = this.sql.name(ACTIONS_TABLE);
    this.insertOne = `INSERT INTO ${table} (${columns}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})`;
    // Many rows in one statement and one bound value, whatever their number: a JSON array of rows.
    const fields = INSERT_COLUMNS.map((_, i) => `value ->> ${i}`).join(', ');
    this.insertMany = `INSERT INTO ${table} (${columns}) SELECT ${fields} FROM json_each(?)`;
  }

  /** Whether the connections Sequelize opens are this driver's (not node-sqlite3's). */
  static serves(sequelize: Sequelize): boolean {
    const lib = (sequelize.connectionManager as unknown as { lib?: { Database?: unknown } }).lib;
    return lib?.Database === Database;
  }

  session<T>(transaction: Transaction | undefined, kind: 'read' | 'write', work: (session: SqlSession) => Promise<T>): Promise<T> {
    return onConnection(this.sequelize, transaction, kind, (db: Database) => work(new SqliteSession(this, db)));
  }
}

class SqliteSession implements SqlSession {
  constructor(
    private readonly backend: SqliteBackend,
    private readonly db: Database,
  ) {}

  select(statement: Statement): Promise<Row[]> {
    return this.run(statement.text, statement.values, 'all');
  }

  selectArrays(statement: Statement): Promise<unknown[][]> {
    return this.run(statement.text, statement.values, 'arrays');
  }

  objects(model: ModelStatic<Model>, ids: readonly string[], attributes?: readonly string[]): Promise<Model[]> {
    return readObjects(this.backend.sql, this, reader, model, ids, attributes);
  }

  async execute(statement: Statement): Promise<number> {
    return (await this.run(statement.text, statement.values, 'run')).changes;
  }

  async insertActions(rows: readonly NewAction[]): Promise<number[]> {
    const { insertOne, insertMany } = this.backend;
    const result =
      rows.length === 1 ? await this.run(insertOne, parameters(rows[0]), 'run') : await this.run(insertMany, [JSON.stringify(rows.map(parameters))], 'run');
    // One INSERT takes consecutive rowids under the write lock; the last one is reported.
    const first = result.lastInsertRowid - rows.length + 1;
    return rows.map((_, i) => first + i);
  }

  private run(text: string, values: unknown[], method: 'all'): Promise<Row[]>;
  private run(text: string, values: unknown[], method: 'arrays'): Promise<unknown[][]>;
  private run(text: string, values: unknown[], method: 'run'): Promise<RunResult>;
  private async run(text: string, values: unknown[], method: 'all' | 'arrays' | 'run'): Promise<unknown> {
    const { sequelize } = this.backend;
    const done = logStatement(sequelize, this.db, text, values);
    try {
      return await this.db.query(text, values, method);
    } catch (error) {
      throw sequelizeError(sequelize, this.db, error, text, values);
    } finally {
      done();
    }
  }
}

/** A row's values in INSERT_COLUMNS order, as SQLite stores them (booleans 1/0, times as Sequelize's text). */
function parameters(row: NewAction): unknown[] {
  return [
    row.actorType,
    row.actorId,
    row.verb,
    row.description,
    row.targetType,
    row.targetId,
    row.actionObjectType,
    row.actionObjectId,
    storedTime(row.timestamp),
    row.public ? 1 : 0,
    row.data,
  ];
}
