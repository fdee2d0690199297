import type { Model, ModelStatic, Sequelize, Transaction } from 'sequelize';
import type { NewAction, Row, SqlBackend, SqlSession, SqlWriter, Statement } from './contract.js';
import { logStatement, onConnection, quotedTable, sequelizeError, transactionOf } from './connection.js';
import { readObjects } from './objects.js';
import { ACTIONS_TABLE } from './statements.js';

// PostgreSQL through `pg`, on the clients Sequelize's pool hands out: every statement is a named
// prepared statement, so the server plans it once per connection. pg's Client remembers every
// name it has prepared; an LRU per client bounds them, DEALLOCATE-ing the least recently used.

/** The part of pg's Client used here. */
interface PgClient {
  query(config: { name?: string; text: string; values?: unknown[]; rowMode?: 'array' }): Promise<{ rows: Row[]; rowCount?: number | null }>;
  connection?: { parsedStatements?: Record<string, string> };
  _invalid?: boolean;
}

/** Prepared statements kept per connection. */
export const PREPARED_PER_CONNECTION = 100;

const INSERT_COLUMNS: [column: string, type: string][] = [
  ['actorType', 'text'],
  ['actorId', 'text'],
  ['verb', 'text'],
  ['description', 'text'],
  ['targetType', 'text'],
  ['targetId', 'text'],
  ['actionObjectType', 'text'],
  ['actionObjectId', 'text'],
  ['timestamp', 'timestamptz'],
  ['public', 'boolean'],
  ['data', 'jsonb'],
];

/** One client's prepared statements, least recently used first (a Map keeps insertion order). */
class PreparedStatements {
  private readonly names = new Map<string, string>();
  private serial = 0;
  // Evicted names still prepared on the server. DEALLOCATE waits until the client is outside any
  // transaction: there, a failing statement cannot abort someone's work.
  private readonly evicted: string[] = [];

  constructor(private readonly client: PgClient) {}

  /** The name `text` is prepared under on this client, made room for if new. */
  nameOf(text: string): string {
    let name = this.names.get(text);
    if (name !== undefined) {
      this.names.delete(text);
      this.names.set(text, name);
      return name;
    }
    // Never reused, so a name not yet deallocated can never clash with a new statement.
    name = `actstream_${++this.serial}`;
    this.names.set(text, name);
    if (this.names.size > PREPARED_PER_CONNECTION) this.forget(this.names.keys().next().value!);
    return name;
  }

  /** Drops a statement (evicted, or made stale by a change of its table). */
  forget(text: string): void {
    const name = this.names.get(text);
    if (name === undefined) return;
    this.names.delete(text);
    const parsed = this.client.connection?.parsedStatements;
    // pg's Client would otherwise remember the name for the connection's lifetime.
    if (parsed?.[name] !== undefined) {
      delete parsed[name];
      this.evicted.push(name);
    }
  }

  /** Deallocates evicted statements; only called outside a transaction. */
  async deallocateEvicted(): Promise<void> {
    for (const name of this.evicted.splice(0)) await this.client.query({ text: `DEALLOCATE ${name}` }).catch(() => undefined);
  }

  get size(): number {
    return this.names.size;
  }
}

const preparedByClient = new WeakMap<PgClient, PreparedStatements>();

function preparedOf(client: PgClient): PreparedStatements {
  let prepared = preparedByClient.get(client);
  if (!prepared) preparedByClient.set(client, (prepared = new PreparedStatements(client)));
  return prepared;
}

/** How many statements actstream keeps prepared on this client (for tests). */
export function preparedCount(client: unknown): number {
  return preparedByClient.get(client as PgClient)?.size ?? 0;
}

/** PostgreSQL refuses NUL in text; Sequelize's bind parameters write it as a backslash and a 0, and so does this. */
function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replace(/\u0000/g, '\\0') : value;
}

class PostgresWriter implements SqlWriter {
  readonly true = 'TRUE';
  readonly false = 'FALSE';
  readonly materialized = 'MATERIALIZED ';
  private readonly names = new Map<string, string>();

  constructor(private readonly sequelize: Sequelize) {}

  name(identifier: string): string {
    let quoted = this.names.get(identifier);
    if (quoted === undefined) {
      quoted = `"${identifier.replace(/"/g, '""')}"`;
      this.names.set(identifier, quoted);
    }
    return quoted;
  }

  table(model: ModelStatic<Model>): string {
    return quotedTable(this.sequelize, model);
  }

  value(values: unknown[], value: string | number): string {
    values.push(typeof value === 'string' ? withoutNul(value) : value);
    return `$${values.length}`;
  }

  literal(values: unknown[], value: string): string {
    // Sequelize keeps standard_conforming_strings on: only the quote is special.
    return value.includes('\u0000') ? this.value(values, value) : `'${value.replace(/'/g, "''")}'`;
  }

  limit(values: unknown[], count: number): string {
    // A parameter, not text: with the page size unknown PostgreSQL keeps planning each call with
    // the values at hand. Given a LIMIT it could cost, it switched to a generic plan, and one for a
    // model stream scanned the whole (timestamp, id) index for a type that never takes a role.
    return this.value(values, count);
  }

  time(values: unknown[], date: Date): string {
    values.push(date.toISOString());
    return `$${values.length}`;
  }

  keyPrefix(values: unknown[], column: string, value: string): { condition: string; order: string[] } {
    // Seeing `column = $1`, PostgreSQL may walk the primary key backwards and filter (it did when
    // one user held many notifications with low ids, reading everyone else's newer ones); a range
    // and an ORDER BY led by the column leave it only the index that starts with the column.
    return { condition: `${column} >= ${this.value(values, value)} AND ${column} <= ${this.value(values, value)}`, order: [`${column} DESC`] };
  }

  oneOf(values: unknown[], column: string, keys: readonly string[]): string {
    // One statement for any number of keys; the array takes the column's type.
    values.push(keys.map(withoutNul));
    return `${column} = ANY($${values.length})`;
  }
}

// Errors after which Sequelize's own PostgreSQL query marks the connection broken, so its pool
// discards it; and those that say the server ended the session (57P0x: terminated, shutting down;
// class 08: connection exceptions), which Sequelize leaves to the client's later 'error' event:
// marked here at once, so the pool never hands the dead connection to the next caller meanwhile.
const BROKEN_CONNECTION = /Unable to set non-blocking to true|SSL SYSCALL error: EOF detected|Local: Authentication failure|Connection terminated/i;

function breaksConnection(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'ECONNRESET' || message === 'Query read timeout' || BROKEN_CONNECTION.test(String(error))) return true;
  return typeof code === 'string' && (/^57P0[1-3]$/.test(code) || code.startsWith('08'));
}

/** A statement prepared before a change of the table's columns: the server refuses to run it as it was planned. */
function isStalePlan(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === '0A000' && /cached plan must not change result type/.test(message ?? '');
}

export class PostgresBackend implements SqlBackend {
  readonly kind = 'postgres';
  readonly sql: PostgresWriter;
  // One INSERT carries every column as one array: no bind-parameter limit; this bounds its size.
  readonly maxRowsPerInsert = 10_000;
  readonly insertOne: string;
  readonly insertMany: string;

  constructor(readonly sequelize: Sequelize) {
    this.sql = new PostgresWriter(sequelize);
    const table = this.sql.name(ACTIONS_TABLE);
    const columns = INSERT_COLUMNS.map(([column]) => this.sql.name(column)).join(', ');
    const returning = `RETURNING ${this.sql.name('id')}`;
    this.insertOne = `INSERT INTO ${table} (${columns}) VALUES (${INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) ${returning}`;
    const arrays = INSERT_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
    this.insertMany = `INSERT INTO ${table} (${columns}) SELECT * FROM unnest(${arrays}) ${returning}`;
  }

  /** Whether Sequelize talks to the server through pg's JavaScript client (not pg-native). */
  static serves(sequelize: Sequelize): boolean {
    return !(sequelize as unknown as { config: { native?: boolean } }).config.native;
  }

  session<T>(transaction: Transaction | undefined, kind: 'read' | 'write', work: (session: SqlSession) => Promise<T>): Promise<T> {
    const inTransaction = transactionOf(transaction) !== undefined;
    return onConnection(this.sequelize, transaction, kind, (client: PgClient) => work(new PostgresSession(this, client, inTransaction)));
  }
}

class PostgresSession implements SqlSession {
  private readonly prepared: PreparedStatements;
  // A pg Client runs one query at a time; the session's statements (a page's reference reads go
  // out together) wait for each other here instead of piling up in the client.
  private previous: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly backend: PostgresBackend,
    private readonly client: PgClient,
    private readonly inTransaction: boolean,
  ) {
    this.prepared = preparedOf(client);
  }

  async select(statement: Statement): Promise<Row[]> {
    return this.run(statement.text, statement.values);
  }

  async selectArrays(statement: Statement): Promise<unknown[][]> {
    return (await this.run(statement.text, statement.values, true)) as unknown as unknown[][];
  }

  objects(model: ModelStatic<Model>, ids: readonly string[], attributes?: readonly string[]): Promise<Model[]> {
    // pg hands back every column as Sequelize's own reads do: its type parsers are on the connection.
    return readObjects(this.backend.sql, this, () => null, model, ids, attributes);
  }

  async execute(statement: Statement): Promise<number> {
    const result = this.previous.then(() => this.query(statement.text, statement.values, false, false));
    this.previous = result.catch(() => undefined);
    return (await result).rowCount ?? 0;
  }

  async insertActions(rows: readonly NewAction[]): Promise<number[]> {
    const { insertOne, insertMany } = this.backend;
    const inserted = rows.length === 1 ? await this.run(insertOne, parameters(rows[0])) : await this.run(insertMany, columnArrays(rows));
    // The rows take their ids in the order unnest gives them, so ascending ids are in row order.
    return inserted.map((row) => Number(row.id)).sort((a, b) => a - b);
  }

  private async run(text: string, values: unknown[], arrays = false): Promise<Row[]> {
    const result = this.previous.then(() => this.query(text, values, arrays, false));
    this.previous = result.catch(() => undefined);
    return (await result).rows;
  }

  private async query(text: string, values: unknown[], arrays: boolean, retried: boolean): Promise<{ rows: Row[]; rowCount?: number | null }> {
    const { sequelize } = this.backend;
    if (!this.inTransaction) await this.prepared.deallocateEvicted();
    const done = logStatement(sequelize, this.client, text, values);
    try {
      const name = this.prepared.nameOf(text);
      return await this.client.query(arrays ? { name, text, values, rowMode: 'array' } : { name, text, values });
    } catch (error) {
      if (breaksConnection(error)) this.client._invalid = true;
      if (isStalePlan(error)) {
        this.prepared.forget(text);
        // Outside a transaction nothing was aborted: prepare it afresh, once.
        if (!this.inTransaction && !retried) return this.query(text, values, arrays, true);
      }
      throw sequelizeError(sequelize, this.client, error, text, values);
    } finally {
      done();
    }
  }
}

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
    row.timestamp.toISOString(),
    row.public,
    row.data,
  ];
}

/** The rows as one array per column, for unnest. */
function columnArrays(rows: readonly NewAction[]): unknown[][] {
  const arrays: unknown[][] = INSERT_COLUMNS.map(() => new Array<unknown>(rows.length));
  rows.forEach((row, i) => {
    const values = parameters(row);
    for (let c = 0; c < values.length; c++) arrays[c][i] = values[c];
  });
  return arrays;
}
