import { QueryTypes, Sequelize, type InferCreationAttributes, type Model, type Transaction } from 'sequelize';
import { ActstreamArgumentError } from './errors.js';
import { Action, type ActionData } from './models.js';
import { referenceOf } from './registry.js';
import { timestampParameter } from './rows.js';
import { currentSettings } from './setup.js';

export interface SendOptions {
  verb: string;
  actionObject?: Model | null;
  target?: Model | null;
  description?: string | null;
  /** Private actions (false) never appear in streams. Default true. */
  public?: boolean;
  /** Default: now. */
  timestamp?: Date;
  data?: ActionData | null;
  transaction?: Transaction | null;
}

export interface SendManyItem extends Omit<SendOptions, 'transaction'> {
  actor: Model;
}

type ActionRow = Omit<InferCreationAttributes<Action>, 'id'>;

/** Checks everything and turns it into a row; throws before anything is written. */
function toRow(actor: Model, options: Omit<SendOptions, 'transaction'>): ActionRow {
  currentSettings();
  const { verb } = options;
  if (typeof verb !== 'string' || verb.trim() === '') {
    throw new ActstreamArgumentError('verb must be a non-empty string');
  }
  if (verb.length > 255) throw new ActstreamArgumentError('verb must be at most 255 characters');
  if (options.timestamp !== undefined && !(options.timestamp instanceof Date && !Number.isNaN(options.timestamp.getTime()))) {
    throw new ActstreamArgumentError('timestamp must be a valid Date');
  }
  const actorRef = referenceOf(actor);
  const target = options.target ? referenceOf(options.target) : null;
  const actionObject = options.actionObject ? referenceOf(options.actionObject) : null;
  return {
    actorType: actorRef.type,
    actorId: actorRef.id,
    verb,
    description: options.description ?? null,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    actionObjectType: actionObject?.type ?? null,
    actionObjectId: actionObject?.id ?? null,
    timestamp: options.timestamp ?? new Date(),
    public: options.public ?? true,
    data: options.data ?? null,
  };
}

function attach(saved: Action, actor: Model, options: Omit<SendOptions, 'transaction'>): Action {
  // The caller already holds the objects: hand them back loaded, no query needed.
  saved.actor = actor;
  saved.target = options.target ?? null;
  saved.actionObject = options.actionObject ?? null;
  return saved;
}

// ---------------------------------------------------------------------------------------------
// The write path. Model.create / bulkCreate spend most of a send building and validating an
// instance and generating SQL; toRow has already checked everything they would, so the INSERT
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


// Hooks Model.create (without `validate: false`) and bulkCreate (without individualHooks) would run.
// While any is registered on Action or on the Sequelize instance, send / sendMany go through
// Model.create / bulkCreate as before, so those hooks keep running (and can veto the write).
const CREATE_HOOKS = ['beforeValidate', 'afterValidate', 'validationFailed', 'beforeCreate', 'beforeSave', 'afterCreate', 'afterSave'] as const;
const BULK_CREATE_HOOKS = ['beforeBulkCreate', 'afterBulkCreate'] as const;

interface InsertStatement {
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
function insertStatement(sequelize: Sequelize): InsertStatement | null {
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

function hooked(sequelize: Sequelize, hooks: readonly string[]): boolean {
  // validationFailed is a real hook that Sequelize's typings leave out.
  return hooks.some((hook) => Action.hasHook(hook as 'beforeCreate') || sequelize.hasHook(hook as 'beforeCreate'));
}

/** What Sequelize's BOOLEAN does to a value before writing it ('true' / 1 → true …). */
function booleanParameter(value: unknown): unknown {
  if (typeof value === 'string') return value === 'true' ? true : value === 'false' ? false : value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : value;
  return value;
}

/** Appends a row's bind parameters, in COLUMNS order. Throws (data that JSON cannot encode) before any write. */
function pushParameters(bind: unknown[], sequelize: Sequelize, row: ActionRow): void {
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
async function insert(
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
function savedAction(row: ActionRow, id: number): Action {
  return Action.build({ id, ...row }, { raw: true, isNewRecord: false });
}

/** The transaction Sequelize itself would use when none is given: the CLS one, with `Sequelize.useCLS`. */
function ambientTransaction(): Transaction | undefined {
  const cls = (Sequelize as unknown as { _cls?: { get(key: string): unknown } })._cls;
  return (cls?.get('transaction') as Transaction | undefined) ?? undefined;
}

/** Records `<actor> <verb> [<actionObject>] [on <target>]`; returns the saved action. */
async function send(actor: Model, options: SendOptions): Promise<Action> {
  const row = toRow(actor, options);
  const transaction = options.transaction ?? undefined;
  const sequelize = Action.sequelize!;
  const statement = insertStatement(sequelize);
  if (statement === null || hooked(sequelize, CREATE_HOOKS)) {
    return attach(await Action.create(row, { transaction }), actor, options);
  }
  const bind: unknown[] = [];
  pushParameters(bind, sequelize, row);
  const [id] = await insert(sequelize, statement, 1, bind, transaction);
  return attach(savedAction(row, id), actor, options);
}

/**
 * Validates every item, then writes them all in one INSERT, except when there are more rows than one
 * INSERT carries: 5957 on PostgreSQL and MySQL/MariaDB (their 65535 bind parameters), 2978 on SQLite
 * (32766). Then the rows go in several INSERTs, in a transaction of their own (or a savepoint of the given one), so the call
 * is still all or nothing. The actions come back in item order, with their ids.
 */
async function sendMany(items: SendManyItem[], options: { transaction?: Transaction | null } = {}): Promise<Action[]> {
  if (!Array.isArray(items)) throw new ActstreamArgumentError('sendMany expects an array of actions');
  const rows = items.map(({ actor, ...rest }) => toRow(actor, rest));
  if (rows.length === 0) return [];
  const sequelize = Action.sequelize!;
  const statement = insertStatement(sequelize);
  if (statement === null || hooked(sequelize, BULK_CREATE_HOOKS)) {
    const saved = await Action.bulkCreate(rows, { transaction: options.transaction ?? undefined, returning: true });
    return saved.map((action, i) => attach(action, items[i].actor, items[i]));
  }

  // Every statement's parameters first, so nothing is written when one of them cannot be encoded.
  const chunks: { count: number; bind: unknown[] }[] = [];
  for (let start = 0; start < rows.length; start += statement.maxRows) {
    const end = Math.min(start + statement.maxRows, rows.length);
    const bind: unknown[] = [];
    for (let i = start; i < end; i++) pushParameters(bind, sequelize, rows[i]);
    chunks.push({ count: end - start, bind });
  }

  let ids: number[];
  if (chunks.length === 1) {
    ids = await insert(sequelize, statement, chunks[0].count, chunks[0].bind, options.transaction ?? undefined);
  } else {
    // More rows than one INSERT carries (see maxRows): several INSERTs, all or nothing. In
    // a transaction of its own, or in a savepoint of the caller's, so that a failing INSERT leaves
    // none of the others behind even when the caller goes on and commits.
    const insertAll = async (transaction: Transaction): Promise<number[]> => {
      const all: number[] = [];
      for (const chunk of chunks) all.push(...(await insert(sequelize, statement, chunk.count, chunk.bind, transaction)));
      return all;
    };
    const given = options.transaction ?? ambientTransaction();
    ids = await sequelize.transaction(given ? { transaction: given } : {}, insertAll);
  }
  return rows.map((row, i) => attach(savedAction(row, ids[i]), items[i].actor, items[i]));
}

export const action = { send, sendMany };

/** Rows one sendMany INSERT carries at most on this database (for tests); null where Sequelize's bulkCreate is used. */
export function maxRowsPerInsert(sequelize: Sequelize): number | null {
  return insertStatement(sequelize)?.maxRows ?? null;
}
