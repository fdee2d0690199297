import BetterSqlite3 from 'better-sqlite3';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataTypes, DatabaseError, QueryTypes, Sequelize, TimeoutError, UniqueConstraintError, type Model, type ModelStatic, type Options } from 'sequelize';
import { connect } from '../../db/connect.js';
import { Database, OPEN_READWRITE, Statement } from '../../actstream/sql/sqlite-driver.js';

// actstream/sql/sqlite-driver.ts offers node-sqlite3's callback API on better-sqlite3. These tests drive it
// directly and through Sequelize (db/connect.ts), on temporary files. Nothing here asserts a duration:
// where a statement must wait for a lock, the lock is released by the test and the timeouts are long.

type Params = unknown[] | Record<string, unknown>;

interface Outcome {
  error: (Error & { code?: string }) | null;
  statement: Statement;
  rows: unknown[] | undefined;
}

let directory: string;

function tempFile(name: string): string {
  return join(directory, name);
}

function open(filename: string, mode?: number): Promise<Database> {
  return new Promise((resolve, reject) => {
    const db: Database = new Database(filename, mode, (error) => (error ? reject(error) : resolve(db)));
  });
}

/** Runs `run` or `all` and settles with everything the callback saw, errors included. */
function call(db: Database, method: 'run' | 'all', sql: string, params?: Params): Promise<Outcome> {
  return new Promise((resolve) => {
    db[method](sql, params ?? [], function (this: Statement, error, rows) {
      resolve({ error: error as Outcome['error'], statement: this, rows });
    });
  });
}

async function ok(db: Database, method: 'run' | 'all', sql: string, params?: Params): Promise<Outcome> {
  const outcome = await call(db, method, sql, params);
  if (outcome.error) throw outcome.error;
  return outcome;
}

function exec(db: Database, sql: string): Promise<Error | null> {
  return new Promise((resolve) => db.exec(sql, resolve));
}

function close(db: Database): Promise<Error | null> {
  return new Promise((resolve) => db.close(resolve));
}

/** A promise whose settling can be observed without awaiting it. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  return { promise: watched, settled: () => settled };
}

/** Holds the write lock of `filename` from a plain better-sqlite3 connection until `release`. */
function holdWriteLock(filename: string): { release: () => void } {
  const holder = new BetterSqlite3(filename, { timeout: 0 });
  holder.exec('BEGIN IMMEDIATE');
  return {
    release: () => {
      holder.exec('COMMIT');
      holder.close();
    },
  };
}

before(() => {
  directory = mkdtempSync(join(tmpdir(), 'actstream-sqlite-driver-'));
});

after(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('actstream/sql/sqlite-driver: the node-sqlite3 API on better-sqlite3', () => {
  let file: string;
  let db: Database;

  beforeEach(async function () {
    file = tempFile(`direct-${this.currentTest!.title.replace(/\W+/g, '-')}.sqlite`);
    db = await open(file);
    db.configure('busyTimeout', 60_000);
    expect(await exec(db, 'PRAGMA journal_mode = WAL; CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, value)')).to.equal(null);
  });

  afterEach(async () => {
    await close(db);
  });

  it('calls the open callback after the constructor returns, with an error for a file it may not create', async () => {
    let constructed = false;
    const opened = new Promise<Error | null>((resolve) => {
      new Database(tempFile('later.sqlite'), undefined, (error) => {
        expect(constructed, 'callback ran inside the constructor').to.equal(true);
        resolve(error);
      }).close();
    });
    constructed = true;
    expect(await opened).to.equal(null);

    const missing = await new Promise<Error | null>((resolve) => new Database(tempFile('missing.sqlite'), OPEN_READWRITE, resolve));
    expect(missing).to.be.an('error');
    expect((missing as Error & { code?: string }).code).to.equal('SQLITE_CANTOPEN');
    expect(missing!.message).to.match(/^SQLITE_CANTOPEN: /);
  });

  it('returns rows from all, bound positionally and by name', async () => {
    await ok(db, 'run', 'INSERT INTO items (name, value) VALUES (?, ?), (?, ?)', ['a', 1, 'b', 2]);
    const { rows } = await ok(db, 'all', 'SELECT name, value FROM items ORDER BY id');
    expect(rows).to.deep.equal([
      { name: 'a', value: 1 },
      { name: 'b', value: 2 },
    ]);
    const named = await ok(db, 'all', 'SELECT name FROM items WHERE value = $value', { $value: 2 });
    expect(named.rows).to.deep.equal([{ name: 'b' }]);
    const noParams = await new Promise<unknown[] | undefined>((resolve, reject) =>
      db.all('SELECT count(*) AS n FROM items', (error, rows) => (error ? reject(error) : resolve(rows))),
    );
    expect(noParams).to.deep.equal([{ n: 2 }]);
  });

  it('gives lastID and changes to the run callback, on a Statement as Sequelize expects', async () => {
    const first = await ok(db, 'run', 'INSERT INTO items (name) VALUES (?)', ['a']);
    const second = await ok(db, 'run', 'INSERT INTO items (name) VALUES (?)', ['b']);
    expect(first.statement).to.be.instanceOf(Statement);
    expect(first.statement.constructor.name).to.equal('Statement');
    expect([first.statement.lastID, first.statement.changes]).to.deep.equal([1, 1]);
    expect([second.statement.lastID, second.statement.changes]).to.deep.equal([2, 1]);
    expect(Object.prototype.hasOwnProperty.call(second.statement, 'lastID'), 'Sequelize checks hasOwnProperty(lastID)').to.equal(true);

    const update = await ok(db, 'run', 'UPDATE items SET value = 7');
    expect(update.statement.changes).to.equal(2);
    const none = await ok(db, 'run', 'DELETE FROM items WHERE name = ?', ['nobody']);
    expect(none.statement.changes).to.equal(0);
  });

  it('runs INSERT … RETURNING through run: the row is written, lastID and changes set, rows dropped like node-sqlite3', async () => {
    await ok(db, 'run', 'INSERT INTO items (name) VALUES (?)', ['first']);
    const returning = await ok(db, 'run', 'INSERT INTO items (name) VALUES (?) RETURNING id, name', ['second']);
    expect(returning.statement.lastID).to.equal(2);
    expect(returning.statement.changes).to.equal(1);
    expect(returning.rows ?? []).to.deep.equal([]);
    const { rows } = await ok(db, 'all', 'SELECT id, name FROM items ORDER BY id');
    expect(rows).to.deep.equal([
      { id: 1, name: 'first' },
      { id: 2, name: 'second' },
    ]);
    // `all` on the same statement gives the returned rows.
    const viaAll = await ok(db, 'all', 'INSERT INTO items (name) VALUES (?) RETURNING id, name', ['third']);
    expect(viaAll.rows).to.deep.equal([{ id: 3, name: 'third' }]);
  });

  it('binds booleans as 0/1, dates as epoch milliseconds and undefined as NULL', async () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    // node-sqlite3 binds a Date as a REAL number of milliseconds.
    const positional = await ok(db, 'all', 'SELECT ? AS t, ? AS f, ? AS d, typeof(?) AS dtype, ? AS u, typeof(?) AS utype', [true, false, at, at, undefined, undefined]);
    expect(positional.rows).to.deep.equal([{ t: 1, f: 0, d: at.getTime(), dtype: 'real', u: null, utype: 'null' }]);

    const named = await ok(db, 'all', 'SELECT $t AS t, :f AS f, @d AS d, $u AS u', { $t: true, ':f': false, '@d': at, $u: undefined });
    expect(named.rows).to.deep.equal([{ t: 1, f: 0, d: at.getTime(), u: null }]);

    await ok(db, 'run', 'INSERT INTO items (name, value) VALUES ($name, $value)', { $name: 'flag', $value: true });
    const stored = await ok(db, 'all', 'SELECT value, typeof(value) AS type FROM items WHERE name = ?', ['flag']);
    expect(stored.rows).to.deep.equal([{ value: 1, type: 'integer' }]);
  });

  it('binds numbers as node-sqlite3 does: 32-bit integers as INTEGER, other numbers as REAL', async () => {
    const { rows } = await ok(db, 'all', 'SELECT typeof(?) AS small, typeof(?) AS negative, typeof(?) AS fraction, typeof(?) AS large, ? / 2 AS half', [5, -7, 1.5, 2 ** 40, 5]);
    expect(rows).to.deep.equal([{ small: 'integer', negative: 'integer', fraction: 'real', large: 'real', half: 2 }]);
    // Into a text column an INTEGER 5 is '5'; a REAL would be '5.0' and no longer equal '5'.
    await exec(db, 'CREATE TABLE refs (object_id VARCHAR(100))');
    await ok(db, 'run', 'INSERT INTO refs (object_id) VALUES (?)', [5]);
    await ok(db, 'run', 'INSERT INTO refs (object_id) VALUES ($id)', { $id: 6 });
    const stored = await ok(db, 'all', 'SELECT object_id FROM refs ORDER BY rowid');
    expect(stored.rows).to.deep.equal([{ object_id: '5' }, { object_id: '6' }]);
  });

  it('reports errors in node-sqlite3 shape: primary code (extended for constraints), message prefixed with it', async () => {
    const syntax = await call(db, 'all', 'SELEC 1');
    expect(syntax.error).to.be.an('error');
    expect(syntax.error!.code).to.equal('SQLITE_ERROR');
    expect(syntax.error!.message).to.equal('SQLITE_ERROR: near "SELEC": syntax error');

    await ok(db, 'run', 'INSERT INTO items (name) VALUES (?)', ['twice']);
    const unique = await call(db, 'run', 'INSERT INTO items (name) VALUES (?)', ['twice']);
    expect(unique.error!.code).to.equal('SQLITE_CONSTRAINT_UNIQUE');
    expect(unique.error!.message).to.equal('SQLITE_CONSTRAINT: UNIQUE constraint failed: items.name');
    expect([unique.statement.lastID, unique.statement.changes]).to.deep.equal([0, 0]);

    // A failed statement does not stop the ones behind it.
    const after = await ok(db, 'all', 'SELECT count(*) AS n FROM items');
    expect(after.rows).to.deep.equal([{ n: 1 }]);
  });

  it('waits for a busy write lock without blocking the event loop, then succeeds', async () => {
    const lock = holdWriteLock(file);
    const write = track(ok(db, 'run', 'INSERT INTO items (name) VALUES (?)', ['waited']));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await sleep(30);
    clearInterval(timer);
    expect(ticks, 'timers ran while the write waited').to.be.greaterThan(0);
    expect(write.settled(), 'the write finished while another connection held the lock').to.equal(false);
    lock.release();
    const { statement } = await write.promise;
    expect([statement.lastID, statement.changes]).to.deep.equal([1, 1]);
  });

  it('query, for actstream\'s statements: rows as objects or arrays, run results, errors in node-sqlite3 shape', async () => {
    const written = await db.query('INSERT INTO items (name, value) VALUES (?, ?), (?, ?)', ['a', 1n, 'b', 2.5], 'run');
    expect(written).to.deep.equal({ lastInsertRowid: 2, changes: 2 });
    expect(await db.query('SELECT name, value FROM items ORDER BY id', [], 'all')).to.deep.equal([
      { name: 'a', value: 1 },
      { name: 'b', value: 2.5 },
    ]);
    // The same text as arrays, then as objects again: each kind of result keeps its own statement.
    expect(await db.query('SELECT name, value FROM items ORDER BY id', [], 'arrays')).to.deep.equal([
      ['a', 1],
      ['b', 2.5],
    ]);
    expect(await db.query('SELECT name FROM items WHERE value = ?', [1n], 'all')).to.deep.equal([{ name: 'a' }]);
    const error = await db.query('INSERT INTO items (name) VALUES (?)', ['a'], 'run').then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    expect(error).to.be.instanceOf(Error);
    expect(error!.code).to.equal('SQLITE_CONSTRAINT_UNIQUE');
  });

  it('query waits for a busy write lock without blocking the event loop, in order with the other calls', async () => {
    const lock = holdWriteLock(file);
    const order: string[] = [];
    const direct = track(db.query('INSERT INTO items (name) VALUES (?)', ['direct'], 'run').then((result) => (order.push('direct'), result)));
    const after = track(ok(db, 'run', 'INSERT INTO items (name) VALUES (?)', ['after']).then(() => order.push('after')));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await sleep(30);
    clearInterval(timer);
    expect(ticks, 'timers ran while the write waited').to.be.greaterThan(0);
    expect(direct.settled() || after.settled(), 'nothing written while another connection held the lock').to.equal(false);
    lock.release();
    expect(await direct.promise).to.deep.equal({ lastInsertRowid: 1, changes: 1 });
    await after.promise;
    expect(order).to.deep.equal(['direct', 'after']);
  });

  it('fails with SQLITE_BUSY once the busy timeout is over', async () => {
    db.configure('busyTimeout', 20);
    const lock = holdWriteLock(file);
    try {
      const outcome = await call(db, 'run', 'INSERT INTO items (name) VALUES (?)', ['too late']);
      expect(outcome.error!.code).to.equal('SQLITE_BUSY');
      expect(outcome.error!.message).to.match(/^SQLITE_BUSY: /);
    } finally {
      lock.release();
    }
    db.configure('busyTimeout', 60_000);
    await ok(db, 'run', 'INSERT INTO items (name) VALUES (?)', ['in time']);
  });

  it("waits up to node-sqlite3's default busy timeout (1 s) when none is configured", async () => {
    const fresh = await open(file);
    const lock = holdWriteLock(file);
    try {
      const write = call(fresh, 'run', 'INSERT INTO items (name) VALUES (?)', ['default timeout']);
      setImmediate(() => lock.release());
      const outcome = await write;
      expect(outcome.error).to.equal(null);
    } finally {
      await close(fresh);
    }
  });

  it('runs statements issued while one waits in the order they were issued, exec included', async () => {
    const lock = holdWriteLock(file);
    const order: string[] = [];
    const errors: Array<Error | null> = [];
    let counted: unknown[] | undefined;
    let names: unknown[] | undefined;
    const done = new Promise<void>((resolve) => {
      // Order is noted in the callbacks themselves, as they are called.
      db.run('INSERT INTO items (name) VALUES (?)', ['1'], (error) => {
        order.push('insert 1');
        errors.push(error);
      });
      db.all('SELECT count(*) AS n FROM items', (error, rows) => {
        order.push('count');
        errors.push(error);
        counted = rows;
      });
      db.run('INSERT INTO items (name) VALUES (?)', ['2'], (error) => {
        order.push('insert 2');
        errors.push(error);
      });
      db.exec("INSERT INTO items (name) VALUES ('3')", (error) => {
        order.push('exec 3');
        errors.push(error);
      });
      db.all('SELECT name FROM items ORDER BY id', (error, rows) => {
        order.push('select');
        errors.push(error);
        names = rows;
        resolve();
      });
    });
    await sleep(20);
    expect(order, 'nothing runs past the waiting statement').to.deep.equal([]);
    lock.release();
    await done;
    expect(order).to.deep.equal(['insert 1', 'count', 'insert 2', 'exec 3', 'select']);
    expect(errors).to.deep.equal([null, null, null, null, null]);
    expect(counted).to.deep.equal([{ n: 1 }]);
    expect(names).to.deep.equal([{ name: '1' }, { name: '2' }, { name: '3' }]);
  });

  it('gives each statement its own busy timeout, counted from when it starts, not from when it was queued', async function () {
    this.timeout(30_000);
    // Two locks on two files: the first statement waits for one, the next for the other, longer than
    // the busy timeout after both were queued but well within it after the second one starts.
    const other = tempFile('attached.sqlite');
    const setup = new BetterSqlite3(other);
    setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE others (id INTEGER PRIMARY KEY, name TEXT)');
    setup.close();
    expect(await exec(db, `ATTACH DATABASE '${other}' AS other`)).to.equal(null);
    db.configure('busyTimeout', 4000);
    const otherLock = holdWriteLock(other);
    const mainLock = holdWriteLock(file);
    const first = call(db, 'run', 'INSERT INTO other.others (name) VALUES (?)', ['first']);
    const second = call(db, 'run', 'INSERT INTO main.items (name) VALUES (?)', ['second']);
    setTimeout(() => otherLock.release(), 2500);
    setTimeout(() => mainLock.release(), 5000);
    const outcomes = await Promise.all([first, second]);
    expect(outcomes.map((outcome) => outcome.error?.message ?? null)).to.deep.equal([null, null]);
    await exec(db, 'DETACH DATABASE other');
  });

  it('fails a write whose read snapshot went stale (SQLITE_BUSY_SNAPSHOT) at once: waiting cannot help', async function () {
    this.timeout(20_000);
    db.configure('busyTimeout', 10 * 60_000);
    await ok(db, 'run', 'BEGIN DEFERRED');
    await ok(db, 'all', 'SELECT count(*) AS n FROM items');
    const writer = new BetterSqlite3(file, { timeout: 0 });
    writer.prepare('INSERT INTO items (name) VALUES (?)').run('elsewhere');
    writer.close();
    const outcome = await call(db, 'run', 'INSERT INTO items (name) VALUES (?)', ['stale']);
    expect(outcome.error!.code).to.equal('SQLITE_BUSY');
    await ok(db, 'run', 'ROLLBACK');
    const { rows } = await ok(db, 'all', 'SELECT name FROM items');
    expect(rows).to.deep.equal([{ name: 'elsewhere' }]);
  });

  it('closes after the statements queued before close, and fails those after it', async function () {
    this.timeout(20_000);
    const lock = holdWriteLock(file);
    const write = call(db, 'run', 'INSERT INTO items (name) VALUES (?)', ['before close']);
    const closed = close(db);
    const late = call(db, 'all', 'SELECT 1');
    await sleep(10);
    lock.release();
    const [written, closeError, rejected] = await Promise.all([write, closed, late]);
    expect(written.error).to.equal(null);
    expect(closeError).to.equal(null);
    expect(rejected.error!.code).to.equal('SQLITE_MISUSE');
    const check = new BetterSqlite3(file, { readonly: true });
    expect(check.prepare('SELECT name FROM items').all()).to.deep.equal([{ name: 'before close' }]);
    check.close();
    db = await open(file); // for afterEach
  });

  it('answers use after close with SQLITE_MISUSE errors, and a second close without crashing', async () => {
    expect(await close(db)).to.equal(null);
    const run = await call(db, 'run', 'INSERT INTO items (name) VALUES (?)', ['x']);
    expect(run.error!.code).to.equal('SQLITE_MISUSE');
    expect(run.error!.message).to.equal('SQLITE_MISUSE: Database is closed');
    const all = await call(db, 'all', 'SELECT 1');
    expect(all.error!.code).to.equal('SQLITE_MISUSE');
    const execError = (await exec(db, 'SELECT 1')) as (Error & { code?: string }) | null;
    expect(execError?.code).to.equal('SQLITE_MISUSE');
    expect(await close(db)).to.equal(null);
  });
});

describe('actstream/sql/sqlite-driver through Sequelize (db/connect.ts)', () => {
  interface MemberAttributes {
    id?: number;
    email: string;
    nickname?: string | null;
    active?: boolean;
    joinedAt?: Date | null;
  }
  type Member = Model<MemberAttributes, MemberAttributes>;

  interface DriverConnection {
    configure(option: 'busyTimeout', value: number): void;
  }

  let url: string;
  let sequelize: Sequelize;
  let Members: ModelStatic<Member>;

  /** The connection Sequelize uses outside transactions (configured by connect.ts on first use). */
  async function defaultConnection(of: Sequelize): Promise<DriverConnection> {
    const manager = of.connectionManager as unknown as { getConnection(options: object): Promise<DriverConnection> };
    return manager.getConnection({});
  }

  function defineMembers(on: Sequelize): ModelStatic<Member> {
    return on.define<Member>(
      'Member',
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        email: { type: DataTypes.STRING, allowNull: false, unique: true },
        nickname: { type: DataTypes.STRING(100), allowNull: true },
        active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        joinedAt: { type: DataTypes.DATE, allowNull: true },
      },
      { tableName: 'members', timestamps: false },
    );
  }

  before(async () => {
    url = `sqlite:${tempFile('sequelize.sqlite')}`;
    sequelize = await connect(url);
    Members = defineMembers(sequelize);
    await sequelize.sync();
    // Waiting is expected in some tests below: far longer than any of them needs.
    (await defaultConnection(sequelize)).configure('busyTimeout', 60_000);
  });

  beforeEach(async () => {
    await Members.destroy({ where: {} });
  });

  after(async () => {
    await sequelize.close();
  });

  it('opens the database with the adapter, in WAL mode', async () => {
    expect((sequelize as unknown as { options: Options }).options.dialectModule).to.have.property('Database', Database);
    const [rows] = (await sequelize.query('PRAGMA journal_mode')) as [Array<{ journal_mode: string }>, unknown];
    expect(rows).to.deep.equal([{ journal_mode: 'wal' }]);
  });

  it('creates, reads, updates and counts model rows, with booleans and dates round-tripping', async () => {
    const joinedAt = new Date('2026-01-02T03:04:05.678Z');
    const ann = await Members.create({ email: 'ann@example.com', active: true, joinedAt });
    const bob = await Members.create({ email: 'bob@example.com' });
    expect(ann.get('id')).to.be.a('number');
    expect(bob.get('id')).to.equal((ann.get('id') as number) + 1);

    const found = await Members.findAll({ order: [['id', 'ASC']] });
    expect(found.map((member) => member.get({ plain: true }))).to.deep.equal([
      { id: ann.get('id'), email: 'ann@example.com', nickname: null, active: true, joinedAt },
      { id: bob.get('id'), email: 'bob@example.com', nickname: null, active: false, joinedAt: null },
    ]);

    const [updated] = await Members.update({ active: true }, { where: { email: 'bob@example.com' } });
    expect(updated).to.equal(1);
    expect(await Members.count({ where: { active: true } })).to.equal(2);
    expect(await Members.destroy({ where: { active: true } })).to.equal(2);

    const created = await Members.bulkCreate([{ email: 'c@example.com' }, { email: 'd@example.com' }]);
    expect(created.map((member) => member.get('email'))).to.deep.equal(['c@example.com', 'd@example.com']);
    expect(await Members.count()).to.equal(2);
  });

  it('binds $1-style and $name parameters of sequelize.query, converting booleans and dates', async () => {
    const at = new Date('2026-05-06T07:08:09.010Z');
    const positional = await sequelize.query('SELECT $1 AS t, $2 AS f, $3 AS d, $4 AS n, $5 AS s', {
      bind: [true, false, at, null, 'text'],
      type: QueryTypes.SELECT,
    });
    expect(positional).to.deep.equal([{ t: 1, f: 0, d: at.getTime(), n: null, s: 'text' }]);

    const named = await sequelize.query('SELECT $flag AS flag, $at AS at, $flag AS again', {
      bind: { flag: true, at },
      type: QueryTypes.SELECT,
    });
    expect(named).to.deep.equal([{ flag: 1, at: at.getTime(), again: 1 }]);

    await sequelize.query('INSERT INTO members (email, active) VALUES ($email, $active)', { bind: { email: 'bound@example.com', active: true } });
    const member = await Members.findOne({ where: { email: 'bound@example.com' } });
    expect(member?.get('active')).to.equal(true);
  });

  it('binds only real $n parameters: $1 inside quoted text, identifiers and comments stays text', async () => {
    const rows = await sequelize.query(
      `SELECT $1 AS "$2 col", '$1 and it''s $2' AS text, $2 AS second /* $1 */ -- $2
       , 'end' AS last`,
      { bind: ['one', 'two'], type: QueryTypes.SELECT },
    );
    expect(rows).to.deep.equal([{ '$2 col': 'one', text: "$1 and it's $2", second: 'two', last: 'end' }]);

    // Sequelize's own UPDATE binds the new values and writes the WHERE value inline.
    await Members.create({ email: 'a$1@example.com' });
    await Members.create({ email: 'a?@example.com' });
    const [updated] = await Members.update({ nickname: 'dollar' }, { where: { email: 'a$1@example.com' } });
    expect(updated).to.equal(1);
    expect((await Members.findOne({ where: { nickname: 'dollar' } }))?.get('email')).to.equal('a$1@example.com');
  });

  it('stores a number given for a STRING attribute as its digits, as with node-sqlite3', async () => {
    await Members.create({ email: 'numbered@example.com', nickname: 42 as unknown as string });
    const member = await Members.findOne({ where: { nickname: '42' } });
    expect(member?.get('nickname')).to.equal('42');
  });

  it('runs INSERT … RETURNING through run and answers the new id and the change count', async () => {
    const [id, changes] = (await sequelize.query("INSERT INTO members (email) VALUES ('returning@example.com') RETURNING id", {
      type: QueryTypes.INSERT,
    })) as unknown as [number, number];
    const member = await Members.findOne({ where: { email: 'returning@example.com' } });
    expect(id).to.equal(member!.get('id'));
    expect(changes).to.equal(1);
  });

  it('surfaces a unique-constraint violation as UniqueConstraintError naming the field', async () => {
    await Members.create({ email: 'same@example.com' });
    let caught: unknown;
    try {
      await Members.create({ email: 'same@example.com' });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(UniqueConstraintError);
    const error = caught as UniqueConstraintError;
    expect(error.fields).to.deep.equal(['email']);
    expect(error.errors.map((item) => [item.path, item.type])).to.deep.equal([['email', 'unique violation']]);
    expect((error.parent as Error & { code?: string }).code).to.equal('SQLITE_CONSTRAINT_UNIQUE');
    expect(await Members.count()).to.equal(1);
  });

  it('surfaces a syntax error as a DatabaseError that says what is wrong', async () => {
    let caught: unknown;
    try {
      await sequelize.query('SELEC * FROM members');
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(DatabaseError);
    expect(caught).not.to.be.instanceOf(UniqueConstraintError);
    const error = caught as DatabaseError;
    expect(error.message).to.equal('SQLITE_ERROR: near "SELEC": syntax error');
    expect(error.sql).to.equal('SELEC * FROM members');
    expect((error.parent as Error & { code?: string }).code).to.equal('SQLITE_ERROR');
    // The connection is still usable.
    expect(await Members.count()).to.equal(0);
  });

  it('lets a write wait while a transaction holds the write lock, keeps the event loop running, and succeeds after the commit', async () => {
    const transaction = await sequelize.transaction();
    await Members.create({ email: 'in-transaction@example.com' }, { transaction });
    const write = track(Members.create({ email: 'outside@example.com' }));
    let timerFired = false;
    setTimeout(() => {
      timerFired = true;
    }, 5);
    await sleep(30);
    expect(timerFired, 'a timer fired while the write waited').to.equal(true);
    expect(write.settled(), 'the write finished while the transaction held the lock').to.equal(false);
    await transaction.commit();
    await write.promise;
    const emails = (await Members.findAll({ order: [['id', 'ASC']] })).map((member) => member.get('email'));
    expect(emails).to.deep.equal(['in-transaction@example.com', 'outside@example.com']);
  });

  it('lets a second transaction wait for the first one to commit', async () => {
    const first = await sequelize.transaction();
    await Members.create({ email: 'first@example.com' }, { transaction: first });
    const second = track(
      sequelize.transaction(async (transaction) => {
        // IMMEDIATE: this runs only once the first transaction has committed, and sees its row.
        const count = await Members.count({ transaction });
        await Members.create({ email: 'second@example.com' }, { transaction });
        return count;
      }),
    );
    await sleep(30);
    expect(second.settled()).to.equal(false);
    await first.commit();
    expect(await second.promise).to.equal(1);
    expect(await Members.count()).to.equal(2);
  });

  it('fails a write with TimeoutError (SQLITE_BUSY) after a short busy timeout instead of hanging', async () => {
    // (Sequelize itself retries a query failing with "SQLITE_BUSY: database is locked" 5 times.)
    const other = await connect(url);
    const OtherMembers = defineMembers(other);
    (await defaultConnection(other)).configure('busyTimeout', 50);
    const transaction = await sequelize.transaction();
    let caught: unknown;
    try {
      await OtherMembers.create({ email: 'blocked@example.com' });
    } catch (error) {
      caught = error;
    } finally {
      await transaction.rollback();
    }
    try {
      expect(caught).to.be.instanceOf(TimeoutError);
      expect((caught as TimeoutError).message).to.match(/^SQLITE_BUSY: /);
      expect(((caught as TimeoutError).parent as Error & { code?: string }).code).to.equal('SQLITE_BUSY');
      // Once the lock is free the same connection writes again.
      await OtherMembers.create({ email: 'later@example.com' });
      expect(await Members.count()).to.equal(1);
    } finally {
      await other.close();
    }
  });

  it('runs queries issued while one waits for the lock in the order they were issued', async () => {
    const transaction = await sequelize.transaction();
    const order: number[] = [];
    const inserts = [1, 2, 3, 4, 5].map((n) =>
      sequelize.query(`INSERT INTO members (email) VALUES ('${n}@example.com')`).then(() => {
        order.push(n);
      }),
    );
    await sleep(20);
    expect(order).to.deep.equal([]);
    await transaction.commit();
    await Promise.all(inserts);
    expect(order).to.deep.equal([1, 2, 3, 4, 5]);
    const emails = (await Members.findAll({ order: [['id', 'ASC']] })).map((member) => member.get('email'));
    expect(emails).to.deep.equal(['1@example.com', '2@example.com', '3@example.com', '4@example.com', '5@example.com']);
  });

  it('answers a query on a closed connection with a DatabaseError (SQLITE_MISUSE), and a closed Sequelize with an error', async () => {
    const other = await connect(url);
    // The connection closed under Sequelize: the adapter answers, Sequelize reports.
    const connection = (await defaultConnection(other)) as unknown as Database;
    expect(await close(connection)).to.equal(null);
    let caught: unknown;
    try {
      await other.query('SELECT count(*) AS n FROM members');
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(DatabaseError);
    expect((caught as DatabaseError).message).to.equal('SQLITE_MISUSE: Database is closed');
    // Closing Sequelize closes that connection a second time, harmlessly.
    await other.close();
    let afterClose: unknown;
    try {
      await other.query('SELECT 1');
    } catch (error) {
      afterClose = error;
    }
    expect(afterClose).to.be.instanceOf(Error);
    expect((afterClose as Error).message).to.match(/closed/);
    // The database itself is untouched.
    expect(await Members.count()).to.equal(0);
  });
});
