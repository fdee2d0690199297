import type { Model, ModelStatic, Transaction } from 'sequelize';

// What actstream's core asks of a database. Everything that depends on the dialect (how names are
// quoted and values passed, how a driver runs a statement and hands back rows, how many actions go
// into one INSERT) sits behind this contract, in this folder: one backend per driver (sqlite.ts,
// postgres.ts, mysql.ts) and portable.ts, which goes through `sequelize.query` for any other
// dialect. The statements themselves are written once, in statements.ts, with a backend's SqlWriter.

/** A row as a driver returns it, keyed by column alias. */
export type Row = Record<string, unknown>;

/** SQL text written with one backend's SqlWriter, and the values its placeholders stand for, in order. */
export interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/** How a backend writes SQL. Statements written with one backend's writer run on that backend only. */
export interface SqlWriter {
  /** A quoted table or column name. */
  name(identifier: string): string;
  /** A model's table, quoted (with its schema, if it has one). */
  table(model: ModelStatic<Model>): string;
  /** What stands for `value` in the SQL: a placeholder (and the value joins `values`), or the escaped literal. */
  value(values: unknown[], value: string | number): string;
  /**
   * `value` written into the text as an escaped literal, for the few values a column takes (model
   * names): the planner then knows which, and can tell a rare type from a common one.
   */
  literal(values: unknown[], value: string): string;
  /** A row count for LIMIT or OFFSET (a page size, not a value from the data). */
  limit(values: unknown[], count: number): string;
  /** A point in time as a DATE(3) column compares it. */
  time(values: unknown[], date: Date): string;
  /**
   * "`column` = `value`" written so the planner reads an index that starts with `column` in that
   * index's order, and `order`: the ORDER BY terms to put before the others (newest first). Some
   * planners, seeing the column constant, walk another index backwards and filter instead.
   */
  keyPrefix(values: unknown[], column: string, value: string): { condition: string; order: string[] };
  /** `<column> IN (<keys>)`, keys compared with the column's own type. */
  oneOf(values: unknown[], column: string, keys: readonly string[]): string;
  /** The literals a BOOLEAN column compares with. */
  readonly true: string;
  readonly false: string;
  /** `MATERIALIZED ` where a CTE must be computed once rather than folded into each use (or ''). */
  readonly materialized: string;
}

/** An action to write, validated (actions.ts), in the columns of actstream_actions. */
export interface NewAction {
  actorType: string;
  actorId: string;
  verb: string;
  description: string | null;
  targetType: string | null;
  targetId: string | null;
  actionObjectType: string | null;
  actionObjectId: string | null;
  timestamp: Date;
  public: boolean;
  /** The data as JSON text, or null. */
  data: string | null;
}

export interface SqlBackend {
  /** 'sqlite', 'postgres', 'mysql' or 'portable': for tests and diagnostics, never for branching. */
  readonly kind: string;
  readonly sql: SqlWriter;
  /** Rows one insertActions call writes with one statement at most (callers split larger writes, all or nothing). */
  readonly maxRowsPerInsert: number;
  /**
   * Runs `work` on one connection: the transaction's (the given one, else Sequelize's CLS
   * transaction), else one taken from Sequelize's pool (its read pool for 'read') and given back
   * when `work` is done. Never holds a connection outside the call.
   */
  session<T>(transaction: Transaction | undefined, kind: 'read' | 'write', work: (session: SqlSession) => Promise<T>): Promise<T>;
}

/** Statements on one connection (see SqlBackend#session). */
export interface SqlSession {
  select(statement: Statement): Promise<Row[]>;
  /** The same rows as arrays, columns in the statement's order (cheaper to make, for the hot reads). */
  selectArrays(statement: Statement): Promise<unknown[][]>;
  /**
   * The model's saved instances with these primary keys (in any order, missing ones left out), as
   * `findAll` gives them. For plain models only (no default scope, not paranoid): those go
   * through findAll itself. With `attributes`, only those (the primary key among them) are read.
   */
  objects(model: ModelStatic<Model>, ids: readonly string[], attributes?: readonly string[]): Promise<Model[]>;
  /** Runs a statement that writes (INSERT, UPDATE, DELETE); returns how many rows it changed. */
  execute(statement: Statement): Promise<number>;
  /** Writes the actions in one statement (at most maxRowsPerInsert); returns their ids in row order. */
  insertActions(rows: readonly NewAction[]): Promise<number[]>;
}
