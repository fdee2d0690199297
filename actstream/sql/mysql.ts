import type { Model, ModelStatic, Sequelize, Transaction } from 'sequelize';
import type { NewAction, Row, SqlBackend, SqlSession, SqlWriter, Statement } from './contract.js';
import { logStatement, onConnection, quotedTable, sequelizeError, transactionOf } from './connection.js';
import { utcDateTime } from './datetime.js';
import { readObjects } from './objects.js';
import { ACTIONS_TABLE, INSERT_COLUMNS } from './statements.js';

// MySQL and MariaDB through mysql2, on the connections Sequelize's pool hands out. Values are
// escaped into the SQL text and sent with the text protocol: measured faster here than mysql2's
// prepared statements (`execute`), whose binary rows mysql2 decodes field by field through the
// type casting Sequelize installs on every connection.

/** The part of mysql2's Connection used here. */
interface MysqlConnection {
  query(options: { sql: string; rowsAsArray?: boolean }, callback: (error: Error | null, result: unknown) => void): unknown;
}

const ER_DEADLOCK = 1213;


class MysqlWriter implements SqlWriter {
  readonly true = '1';
  readonly false = '0';
  readonly materialized = '';
  private readonly names = new Map<string, string>();

  constructor(private readonly sequelize: Sequelize) {}

  name(identifier: string): string {
    let quoted = this.names.get(identifier);
    if (quoted === undefined) {
      quoted = `\`${identifier.replace(/`/g, '``')}\``;
      this.names.set(identifier, quoted);
    }
    return quoted;
  }

  table(model: ModelStatic<Model>): string {
    return quotedTable(this.sequelize, model);
  }

  value(_values: unknown[], value: string | number): string {
    return typeof value === 'number' ? String(value) : this.sequelize.escape(value);
  }

  literal(_values: unknown[], value: string): string {
    return this.sequelize.escape(value);
  }

  limit(_values: unknown[], count: number): string {
    return String(Math.trunc(count));
  }

  time(_values: unknown[], date: Date): string {
    return `'${utcDateTime(date)}'`;
  }

  keyPrefix(values: unknown[], column: string, value: string): { condition: string; order: string[] } {
    return { condition: `${column} = ${this.value(values, value)}`, order: [] };
  }

  oneOf(_values: unknown[], column: string, keys: readonly string[]): string {
    return `${column} IN (${keys.map((key) => this.sequelize.escape(key)).join(', ')})`;
  }

  /** An action's values as one parenthesised row of a multi-row INSERT. */
  row(row: NewAction): string {
    const text = (value: string | null) => (value === null ? 'NULL' : this.sequelize.escape(value));
    return `(${[
      text(row.actorType),
      text(row.actorId),
      text(row.verb),
      text(row.description),
      text(row.targetType),
      text(row.targetId),
      text(row.actionObjectType),
      text(row.actionObjectId),
      `'${utcDateTime(row.timestamp)}'`,
      row.public ? '1' : '0',
      text(row.data),
    ].join(',')})`;
  }
}

export class MysqlBackend implements SqlBackend {
  readonly kind = 'mysql';
  readonly sql: MysqlWriter;
  // Rows per INSERT: keeps one statement well under max_allowed_packet (16 MB by default).
  readonly maxRowsPerInsert = 5000;
  readonly insertHead: string;

  constructor(readonly sequelize: Sequelize) {
    this.sql = new MysqlWriter(sequelize);
    this.insertHead = `INSERT INTO ${this.sql.name(ACTIONS_TABLE)} (${INSERT_COLUMNS.map((column) => this.sql.name(column)).join(',')}) VALUES `;
  }

  session<T>(transaction: Transaction | undefined, kind: 'read' | 'write', work: (session: SqlSession) => Promise<T>): Promise<T> {
    return onConnection(this.sequelize, transaction, kind, (connection: MysqlConnection) => work(new MysqlSession(this, connection, transaction)));
  }
}

class MysqlSession implements SqlSession {
  constructor(
    private readonly backend: MysqlBackend,
    private readonly connection: MysqlConnection,
    private readonly transaction: Transaction | undefined,
  ) {}

  async select(statement: Statement): Promise<Row[]> {
    return (await this.run(statement.text)) as Row[];
  }

  async selectArrays(statement: Statement): Promise<unknown[][]> {
    return (await this.run(statement.text, true)) as unknown[][];
  }

  objects(model: ModelStatic<Model>, ids: readonly string[], attributes?: readonly string[]): Promise<Model[]> {
    // The connection's type casting is Sequelize's: rows come back as its own reads get them.
    return readObjects(this.backend.sql, this, () => null, model, ids, attributes);
  }

  async execute(statement: Statement): Promise<number> {
    return Number(((await this.run(statement.text)) as { affectedRows?: number }).affectedRows ?? 0);
  }

  async insertActions(rows: readonly NewAction[]): Promise<number[]> {
    const { insertHead, sql } = this.backend;
    const result = (await this.run(insertHead + rows.map((row) => sql.row(row)).join(','))) as { insertId: number };
    // A multi-row INSERT takes consecutive ids from the first one reported (as Sequelize's bulkCreate relies on).
    return rows.map((_, i) => Number(result.insertId) + i);
  }

  private async run(text: string, rowsAsArray = false): Promise<unknown> {
    const { sequelize } = this.backend;
    const done = logStatement(sequelize, this.connection, text, []);
    try {
      return await new Promise((resolve, reject) => this.connection.query({ sql: text, rowsAsArray }, (error, result) => (error ? reject(error) : resolve(result))));
    } catch (error) {
      const current = transactionOf(this.transaction);
      if (current && (error as { errno?: number }).errno === ER_DEADLOCK) {
        // As Sequelize does: the server has rolled the transaction back; finish it here too.
        await current.rollback().catch(() => undefined);
        (current as unknown as { finished: string }).finished = 'rollback';
      }
      throw sequelizeError(sequelize, this.connection, error, text, []);
    } finally {
      done();
    }
  }
}
