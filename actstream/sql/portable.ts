import { Op, QueryTypes, type Model, type ModelStatic, type Sequelize, type Transaction } from 'sequelize';
import type { NewAction, Row, SqlBackend, SqlSession, SqlWriter, Statement } from './contract.js';
import { quotedTable } from './connection.js';

// Any database through Sequelize alone: `sequelize.query` with values escaped by Sequelize,
// `findAll` for referenced objects, `bulkCreate` for actions. Used for dialects without a backend
// of their own, for connections the driver backends do not recognise, while query hooks are
// registered, and (setup's `sql: 'portable'`) to check the fast paths against.

class PortableWriter implements SqlWriter {
  readonly true: string;
  readonly false: string;
  readonly materialized: string;
  private readonly quote: (identifier: string) => string;

  constructor(
    private readonly sequelize: Sequelize,
    options: { materialized: string },
  ) {
    this.materialized = options.materialized;
    const generator = (sequelize.getQueryInterface() as unknown as { queryGenerator: { quoteIdentifier(identifier: string): string } }).queryGenerator;
    this.quote = (identifier) => generator.quoteIdentifier(identifier);
    this.true = sequelize.escape(true as unknown as string);
    this.false = sequelize.escape(false as unknown as string);
  }

  name(identifier: string): string {
    return this.quote(identifier);
  }

  table(model: ModelStatic<Model>): string {
    return quotedTable(this.sequelize, model);
  }

  value(_values: unknown[], value: string | number): string {
    return this.sequelize.escape(value);
  }

  literal(_values: unknown[], value: string): string {
    return this.sequelize.escape(value);
  }

  limit(_values: unknown[], count: number): string {
    return String(Math.trunc(count));
  }

  time(_values: unknown[], date: Date): string {
    // Sequelize writes a date as each dialect stores it (and SQLite compares the text).
    return this.sequelize.escape(date as unknown as string);
  }

  keyPrefix(values: unknown[], column: string, value: string): { condition: string; order: string[] } {
    return { condition: `${column} = ${this.value(values, value)}`, order: [] };
  }

  oneOf(_values: unknown[], column: string, keys: readonly string[]): string {
    return `${column} IN (${keys.map((key) => this.sequelize.escape(key)).join(', ')})`;
  }
}

export class PortableBackend implements SqlBackend {
  readonly kind = 'portable';
  readonly sql: PortableWriter;
  // bulkCreate escapes every value into one statement: bounded to keep that statement small.
  readonly maxRowsPerInsert = 5000;

  constructor(
    readonly sequelize: Sequelize,
    options: { materialized: string } = { materialized: '' },
  ) {
    this.sql = new PortableWriter(sequelize, options);
  }

  // Sequelize takes the connection for each statement itself (the transaction's, CLS included).
  session<T>(transaction: Transaction | undefined, _kind: 'read' | 'write', work: (session: SqlSession) => Promise<T>): Promise<T> {
    return work(new PortableSession(this.sequelize, transaction));
  }
}

class PortableSession implements SqlSession {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly transaction: Transaction | undefined,
  ) {}

  select(statement: Statement): Promise<Row[]> {
    return this.sequelize.query<Row>(statement.text, { type: QueryTypes.SELECT, raw: true, transaction: this.transaction });
  }

  async selectArrays(statement: Statement): Promise<unknown[][]> {
    // Rows keep the statement's column order (no column alias here is an integer-like key).
    return (await this.select(statement)).map((row) => Object.values(row));
  }

  objects(model: ModelStatic<Model>, ids: readonly string[], attributes?: readonly string[]): Promise<Model[]> {
    return model.findAll({
      where: { [model.primaryKeyAttribute]: { [Op.in]: [...ids] } },
      attributes: attributes ? [...attributes] : undefined,
      transaction: this.transaction,
    });
  }

  async execute(statement: Statement): Promise<number> {
    // BULKUPDATE answers the affected row count on every dialect.
    return Number(await this.sequelize.query(statement.text, { type: QueryTypes.BULKUPDATE, transaction: this.transaction }));
  }

  async insertActions(rows: readonly NewAction[]): Promise<number[]> {
    const Action = this.sequelize.model('Action');
    const values = rows.map((row) => ({ ...row, data: row.data === null ? null : (JSON.parse(row.data) as unknown) }));
    const saved = await Action.bulkCreate(values, { transaction: this.transaction, returning: true });
    return saved.map((action) => Number(action.get('id')));
  }
}
