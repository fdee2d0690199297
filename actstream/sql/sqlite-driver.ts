import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';

// better-sqlite3 is an optional peer dependency of the package: loaded when a connection opens, so an
// app on PostgreSQL or MySQL imports actstream without having it installed.
const require = createRequire(import.meta.url);
const betterSqlite3 = (): typeof BetterSqlite3 => require('better-sqlite3') as typeof BetterSqlite3;

// Sequelize's SQLite dialect talks to node-sqlite3's callback API. This module offers that API on
// top of better-sqlite3, handed to Sequelize as `dialectModule` (exported from actstream's index):
// statements run in-process without a thread-pool round trip and are prepared once per SQL text.
// Only the part of the API that Sequelize (and the app's db/connect.ts) calls is provided, plus
// `query`, through which actstream's own statements (sqlite.ts) run on the same connections.

export const OPEN_READONLY = 0x01;
export const OPEN_READWRITE = 0x02;
export const OPEN_CREATE = 0x04;

type Params = unknown[] | Record<string, unknown> | undefined;
type RowsCallback = (this: Statement, error: Error | null, rows?: unknown[]) => void;
type DoneCallback = (error: Error | null) => void;
type Method = 'run' | 'all' | 'exec' | 'close' | 'query-all' | 'query-arrays' | 'query-run';

/** What `query(…, 'run')` resolves with. */
export interface RunResult {
  lastInsertRowid: number;
  changes: number;
}

// Prepared statements are kept per SQL text; Sequelize inlines values in most SQL it writes, so the
// cache is bounded and simply starts over when full.
const STATEMENT_CACHE_SIZE = 500;
const BUSY_RETRY_DELAYS_MS = [1, 2, 5, 10, 20, 50, 100];
// node-sqlite3 opens every connection with a 1 s busy timeout; configure('busyTimeout') changes it.
const DEFAULT_BUSY_TIMEOUT_MS = 1000;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The `this` of node-sqlite3's callbacks; Sequelize reads lastID and changes, and checks the class name. */
export class Statement {
  constructor(
    readonly lastID: number,
    readonly changes: number,
  ) {}
}

interface Job {
  method: Method;
  sql: string;
  params: Params;
  callback?: RowsCallback;
  /** query(): the arguments as better-sqlite3 binds them, and how the promise settles. */
  args?: unknown[];
  settle?: (error: Error | null, result?: unknown) => void;
  // Set when the job first runs: time spent queued behind another job's wait does not count.
  deadline: number | null;
  attempt: number;
}

/**
 * node-sqlite3 binds booleans as 0/1, dates as epoch ms (REAL) and undefined as NULL, which
 * better-sqlite3 refuses; and it binds a number that fits 32 bits as INTEGER where better-sqlite3
 * binds every number as REAL, so that 5 stored in a VARCHAR column would read back as '5.0'.
 */
function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return BigInt(value);
  return value;
}

function bindings(params: Params): unknown[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params.map(bindable);
  // Sequelize names bind parameters `$1`, `$2`…; better-sqlite3 wants the names without the sigil.
  const named: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) named[key.replace(/^[$:@]/, '')] = bindable(value);
  return [named];
}

// Sequelize writes bind parameters as $1, $2 … which SQLite treats as named parameters and looks
// up by a linear search while preparing: a statement with thousands of them (a multi-row INSERT)
// prepares in quadratic time. Rewritten to anonymous `?` in order of appearance they cost nothing
// extra. Only real parameters are rewritten: `$1` inside a quoted string, identifier or comment is text.
const numberedCache = new Map<string, { sql: string; order: string[] } | null>();

const CLOSING: Record<string, string> = { "'": "'", '"': '"', '`': '`', '[': ']' };

function numberedParameters(sql: string): { sql: string; order: string[] } | null {
  let found = numberedCache.get(sql);
  if (found !== undefined) return found;
  const order: string[] = [];
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    let end = i + 1;
    if (c in CLOSING) {
      // A quoted run; a doubled closing quote inside it is an escaped quote, so scanning on is right.
      end = sql.indexOf(CLOSING[c], i + 1);
      end = end === -1 ? sql.length : end + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      end = sql.indexOf('\n', i);
      end = end === -1 ? sql.length : end;
    } else if (c === '/' && sql[i + 1] === '*') {
      end = sql.indexOf('*/', i + 2);
      end = end === -1 ? sql.length : end + 2;
    } else if (c === '$' && !/\w/.test(sql[i - 1] ?? '')) {
      const digits = /^\d+/.exec(sql.slice(i + 1, i + 12));
      if (digits) {
        order.push(`$${digits[0]}`);
        out += '?';
        i += 1 + digits[0].length;
        continue;
      }
    }
    out += sql.slice(i, end);
    i = end;
  }
  found = order.length > 0 ? { sql: out, order } : null;
  if (numberedCache.size >= STATEMENT_CACHE_SIZE) numberedCache.clear();
  numberedCache.set(sql, found);
  return found;
}

interface SqliteError extends Error {
  code?: string;
}

/**
 * Whether waiting may clear the error. SQLITE_BUSY_SNAPSHOT (a read transaction that may no longer
 * write because another connection committed since it read) persists until that transaction ends,
 * so SQLite's own busy handler does not wait for it either.
 */
function isRetryableBusy(error: unknown): boolean {
  const code = (error as SqliteError).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY') && code !== 'SQLITE_BUSY_SNAPSHOT';
}

/**
 * node-sqlite3's error shape: a native Error (better-sqlite3's SqliteError is not one, which
 * inspectors and loggers notice), `code` the primary result code (extended for constraints, which
 * Sequelize tells apart), message prefixed with the primary code.
 */
function asNodeSqliteError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const code = (error as SqliteError).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const primary = code.split('_').slice(0, 2).join('_');
  const message = error.message.startsWith('SQLITE_') ? error.message : `${primary}: ${error.message}`;
  return Object.assign(new Error(message), { code: code.startsWith('SQLITE_CONSTRAINT') ? code : primary });
}

export class Database {
  readonly filename: string;
  private readonly db: BetterSqlite3.Database | null = null;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  // actstream's statements are few and hot: kept apart, so that Sequelize's many one-off texts never evict them.
  private readonly ownStatements = new Map<string, BetterSqlite3.Statement>();
  private busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS;
  // Every call waits here, in order, as on node-sqlite3's serialized connection: while the one in
  // front retries a busy write lock, later ones (exec and close included) wait behind it.
  private readonly queue: Job[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  // Callbacks run inside drain(); one that issues a statement must not start a second, nested drain.
  private draining = false;

  constructor(filename: string, mode: number = OPEN_READWRITE | OPEN_CREATE, callback?: DoneCallback) {
    this.filename = filename;
    let failure: Error | null = null;
    try {
      // timeout 0: a busy lock is retried asynchronously below, never by blocking the event loop.
      this.db = new (betterSqlite3())(filename, {
        readonly: (mode & OPEN_READWRITE) === 0,
        fileMustExist: (mode & OPEN_CREATE) === 0,
        timeout: 0,
      });
    } catch (error) {
      failure = asNodeSqliteError(error);
    }
    // Sequelize stores the Database before its callback may run, as node-sqlite3 calls it later.
    process.nextTick(() => callback?.(failure));
  }

  /** node-sqlite3 runs statements in order on a connection; here they always do. */
  serialize(fn?: () => void): void {
    fn?.();
  }

  configure(option: string, value: number): void {
    if (option === 'busyTimeout') this.busyTimeoutMs = value;
  }

  run(sql: string, params?: Params | RowsCallback, callback?: RowsCallback): this {
    return this.schedule('run', sql, params, callback);
  }

  all(sql: string, params?: Params | RowsCallback, callback?: RowsCallback): this {
    return this.schedule('all', sql, params, callback);
  }

  exec(sql: string, callback?: DoneCallback): this {
    return this.schedule('exec', sql, undefined, callback && ((error) => callback(error)));
  }

  /**
   * Runs `sql` (prepared once per connection) with `args` as better-sqlite3 binds them, queued behind
   * the calls made before it like every other call, so a busy write lock is waited for asynchronously
   * and order is kept. Resolves with the rows ('all': objects, 'arrays': arrays of the columns in
   * order) or the last rowid and the change count ('run'); rejects with the error node-sqlite3 would give.
   */
  query(sql: string, args: unknown[], method: 'all'): Promise<Record<string, unknown>[]>;
  query(sql: string, args: unknown[], method: 'arrays'): Promise<unknown[][]>;
  query(sql: string, args: unknown[], method: 'run'): Promise<RunResult>;
  query(sql: string, args: unknown[], method: 'all' | 'arrays' | 'run'): Promise<unknown>;
  query(sql: string, args: unknown[], method: 'all' | 'arrays' | 'run'): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const settle = (error: Error | null, result?: unknown) => (error ? reject(error) : resolve(result));
      this.enqueue({ method: `query-${method}`, sql, params: undefined, args, settle, deadline: null, attempt: 0 });
    });
  }

  /** Closes once the calls made before it are done; calls made after it fail with SQLITE_MISUSE. */
  close(callback?: DoneCallback): void {
    this.schedule('close', '', undefined, callback && ((error) => callback(error)));
  }

  private open(): BetterSqlite3.Database {
    if (!this.db || !this.db.open) throw Object.assign(new Error('SQLITE_MISUSE: Database is closed'), { code: 'SQLITE_MISUSE' });
    return this.db;
  }

  private schedule(method: Method, sql: string, params: Params | RowsCallback, callback?: RowsCallback): this {
    if (typeof params === 'function') {
      callback = params;
      params = undefined;
    }
    this.enqueue({ method, sql, params, callback, deadline: null, attempt: 0 });
    return this;
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    if (!this.draining && this.retryTimer === null) this.drain();
  }

  private drain(): void {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const job = this.queue[0];
        job.deadline ??= Date.now() + this.busyTimeoutMs;
        let result: { statement: Statement; rows: unknown[] } | { direct: unknown };
        try {
          result = job.args ? { direct: this.executeDirect(job) } : this.execute(job);
        } catch (error) {
          // exec is not retried: statements of its script before the busy one have already run.
          const remaining = job.deadline - Date.now();
          if (job.method !== 'exec' && isRetryableBusy(error) && remaining > 0) {
            // Like SQLite's busy handler: the last wait is cut short so the last try is at the deadline.
            const delay = Math.min(BUSY_RETRY_DELAYS_MS[Math.min(job.attempt++, BUSY_RETRY_DELAYS_MS.length - 1)], remaining);
            this.retryTimer = setTimeout(() => {
              this.retryTimer = null;
              this.drain();
            }, delay);
            return;
          }
          this.queue.shift();
          if (job.settle) job.settle(asNodeSqliteError(error));
          else job.callback?.call(new Statement(0, 0), asNodeSqliteError(error));
          continue;
        }
        this.queue.shift();
        if ('direct' in result) job.settle!(null, result.direct);
        else job.callback?.call(result.statement, null, result.rows);
      }
    } finally {
      this.draining = false;
    }
  }

  private prepared(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.open().prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** The statement and its arguments, with Sequelize's numbered parameters bound by position where possible. */
  private bound(sql: string, params: Params): { statement: BetterSqlite3.Statement; args: unknown[] } {
    if (params !== undefined && !Array.isArray(params)) {
      const numbered = numberedParameters(sql);
      if (numbered && numbered.order.every((key) => key in params)) {
        return { statement: this.prepared(numbered.sql), args: numbered.order.map((key) => bindable(params[key])) };
      }
    }
    return { statement: this.prepared(sql), args: bindings(params) };
  }

  private executeDirect(job: Job): unknown {
    // Keyed by method too: a statement in raw (arrays) mode stays in it.
    const key = job.method === 'query-arrays' ? `arrays:${job.sql}` : job.sql;
    let statement = this.ownStatements.get(key);
    if (!statement) {
      statement = this.open().prepare(job.sql);
      if (job.method === 'query-arrays') statement.raw(true);
      if (this.ownStatements.size >= STATEMENT_CACHE_SIZE) this.ownStatements.clear();
      this.ownStatements.set(key, statement);
    }
    if (job.method !== 'query-run') return statement.all(...job.args!);
    const { lastInsertRowid, changes } = statement.run(...job.args!);
    return { lastInsertRowid: Number(lastInsertRowid), changes } satisfies RunResult;
  }

  private execute(job: Job): { statement: Statement; rows: unknown[] } {
    if (job.method === 'exec') {
      this.open().exec(job.sql);
      return { statement: new Statement(0, 0), rows: [] };
    }
    if (job.method === 'close') {
      // Closing twice is harmless (Sequelize may close a connection it already released).
      this.statements.clear();
      this.ownStatements.clear();
      this.db?.close();
      return { statement: new Statement(0, 0), rows: [] };
    }
    const { statement, args } = this.bound(job.sql, job.params);
    if (statement.reader && job.method === 'all') return { statement: new Statement(0, 0), rows: statement.all(...args) };
    if (statement.reader) {
      // `run` of a statement that returns rows (INSERT … RETURNING): node-sqlite3 drops the rows.
      const rows = statement.all(...args);
      return { statement: new Statement(this.lastInsertRowid(), rows.length), rows: [] };
    }
    const { lastInsertRowid, changes } = statement.run(...args);
    return { statement: new Statement(Number(lastInsertRowid), changes), rows: [] };
  }

  private lastInsertRowid(): number {
    const row = this.prepared('SELECT last_insert_rowid() AS id').get() as { id: number | bigint };
    return Number(row.id);
  }
}

/** The module Sequelize loads in place of node-sqlite3. */
export const sqliteDriver = { Database, Statement, OPEN_READONLY, OPEN_READWRITE, OPEN_CREATE };
