import { Sequelize, type Transaction } from 'sequelize';

// What the driver backends (sqlite.ts, postgres.ts, mysql.ts) share: which connection a statement
// runs on, logging it the way Sequelize does, and turning a driver's error into Sequelize's.
// Connections always come from Sequelize (the transaction's, or its pool's) and go back to it.

/** Sequelize's connection manager, as far as the backends use it. */
interface ConnectionManager {
  getConnection(options: { type: 'SELECT' | 'INSERT' }): Promise<unknown>;
  releaseConnection(connection: unknown): unknown;
}

/** Sequelize internals the backends rely on: its options, and the dialect's Query (for formatError). */
interface SequelizeInternals {
  options: { logging?: unknown; benchmark?: boolean; logQueryParameters?: boolean };
  dialect: { Query: new (connection: unknown, sequelize: Sequelize, options: object) => { formatError(error: Error, stack?: string): Error; sql?: string } };
}

const internals = (sequelize: Sequelize) => sequelize as unknown as SequelizeInternals;

/** The transaction Sequelize itself would use: the given one, else the CLS one (with `Sequelize.useCLS`). */
export function transactionOf(given: Transaction | undefined): Transaction | undefined {
  if (given) return given;
  const cls = (Sequelize as unknown as { _cls?: { get(key: string): unknown } })._cls;
  return (cls?.get('transaction') as Transaction | undefined) ?? undefined;
}

/**
 * Runs `use` on the connection a statement belongs on: the transaction's, else one taken from
 * Sequelize's pool (the read pool for reads, so that `replication` is honoured) and given back.
 */
export async function onConnection<C, T>(
  sequelize: Sequelize,
  given: Transaction | undefined,
  kind: 'read' | 'write',
  use: (connection: C) => Promise<T>,
): Promise<T> {
  const transaction = transactionOf(given);
  if (transaction) {
    const { finished, id } = transaction as unknown as { finished?: string; id: string };
    if (finished) throw new Error(`${finished} has been called on this transaction(${id}), you can no longer use it.`);
    return use((transaction as unknown as { connection: C }).connection);
  }
  const manager = sequelize.connectionManager as unknown as ConnectionManager;
  const connection = (await manager.getConnection({ type: kind === 'read' ? 'SELECT' : 'INSERT' })) as C;
  try {
    return await use(connection);
  } finally {
    await manager.releaseConnection(connection);
  }
}

const NOTHING = () => undefined;

/**
 * Logs a statement as Sequelize's queries do ("Executing (<connection>): <sql>", through the
 * `logging` option, with `benchmark` and `logQueryParameters`); call the result when it is done.
 */
export function logStatement(sequelize: Sequelize, connection: unknown, text: string, values: readonly unknown[]): () => void {
  const { logging, benchmark, logQueryParameters } = internals(sequelize).options;
  if (typeof logging !== 'function' && logging !== true) return NOTHING;
  const log = (logging === true ? console.log : logging) as (...args: unknown[]) => void;
  const parameters = logQueryParameters && values.length > 0 ? `${text.endsWith(';') ? '' : ';'} ${values.map(show).join(', ')}` : '';
  const line = `(${(connection as { uuid?: string } | null)?.uuid ?? 'default'}): ${text}${parameters}`;
  const options = { logging: log, bind: values };
  if (!benchmark) {
    if (log === console.log) log(`Executing ${line}`);
    else log(`Executing ${line}`, options);
    return NOTHING;
  }
  const started = Date.now();
  return () => (log === console.log ? log(`Executed ${line} Elapsed time: ${Date.now() - started}ms`) : log(`Executed ${line}`, Date.now() - started, options));
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The error Sequelize would raise for this driver error (UniqueConstraintError, TimeoutError,
 * DatabaseError … with `original` / `parent`), made by the dialect's own Query#formatError.
 */
export function sequelizeError(sequelize: Sequelize, connection: unknown, error: unknown, text: string, values: readonly unknown[]): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  Object.assign(error, { sql: text, parameters: values });
  const { Query } = internals(sequelize).dialect;
  const query = new Query(connection, sequelize, { logging: false });
  query.sql = text;
  try {
    return query.formatError(error, new Error(error.message).stack);
  } catch (formatted) {
    // Some formatError branches throw their error rather than return it.
    return formatted instanceof Error ? formatted : error;
  }
}

const quotedTables = new WeakMap<object, string>();

/** A model's table as Sequelize's query generator quotes it (schema included), once per model. */
export function quotedTable(sequelize: Sequelize, model: { getTableName(): unknown }): string {
  let quoted = quotedTables.get(model);
  if (quoted === undefined) {
    const generator = (sequelize.getQueryInterface() as unknown as { queryGenerator: { quoteTable(table: unknown): string } }).queryGenerator;
    quoted = generator.quoteTable(model.getTableName());
    quotedTables.set(model, quoted);
  }
  return quoted;
}
