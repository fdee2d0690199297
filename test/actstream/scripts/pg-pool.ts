// Run by sql-pool.test.ts in its own process (actstream's setup is one per process) against a
// throw-away PostgreSQL cluster: the fast path under concurrency, a connection killed under it,
// and the bound on prepared statements. Prints one JSON report.
import { setTimeout as sleep } from 'node:timers/promises';
import { QueryTypes, type Model, type Sequelize } from 'sequelize';
import { Action, action, actorStream, anyStream, follow, isFollowing, userStream } from 'actstream';
import { sqlBackend } from '../../../actstream/sql/index.js';
import { PREPARED_PER_CONNECTION, preparedCount } from '../../../actstream/sql/postgres.js';
import { connect } from '../../../db/connect.js';
import { migrate } from '../../../db/migrate.js';
import { Group, User, initModels } from '../../../models/index.js';
import { isDatabaseUnavailable } from '../../../db/errors.js';

const url = process.argv[2];
const POOL_MAX = 5;
const report: Record<string, unknown> = {};

interface PoolStats {
  size: number;
  available: number;
  using: number;
  waiting: number;
}

function poolOf(sequelize: Sequelize): PoolStats {
  const { pool } = sequelize.connectionManager as unknown as { pool: PoolStats };
  return { size: pool.size, available: pool.available, using: pool.using, waiting: pool.waiting };
}

function describeError(error: unknown): Record<string, unknown> {
  const e = error as { name?: string; original?: { code?: string }; parent?: { code?: string } };
  return { name: e.name, code: e.original?.code ?? e.parent?.code, message: (error as Error).message, unavailable: isDatabaseUnavailable(error) };
}

const sequelize = await connect(url, { pool: { max: POOL_MAX, min: 0, idle: 60_000, acquire: 30_000 } });
await migrate(sequelize);
initModels(sequelize);

// 1. 200 concurrent sends and reads through a pool of 5.
const users = await User.bulkCreate(Array.from({ length: 20 }, (_, i) => ({ email: `pool${i}@example.test`, name: `Pool ${i}` })));
const groups = await Group.bulkCreate(Array.from({ length: 5 }, (_, i) => ({ name: `Pool group ${i}` })));
for (const user of users.slice(1, 8)) await follow(users[0], user, { sendAction: false });
const work: Promise<unknown>[] = [];
let expectedSends = 0;
for (let i = 0; i < 200; i++) {
  const user = users[i % users.length];
  const group = groups[i % groups.length];
  switch (i % 8) {
    case 0:
    case 1:
      expectedSends += 1;
      work.push(action.send(user, { verb: 'concurrent', target: group }));
      break;
    case 2:
      expectedSends += 3;
      work.push(action.sendMany([0, 1, 2].map((k) => ({ actor: user as Model, verb: `many ${k}`, target: group as Model }))));
      break;
    case 3:
      expectedSends += 2;
      work.push(
        sequelize.transaction(async (transaction) => {
          await action.send(user, { verb: 'in transaction', transaction });
          await actorStream(user, { transaction });
          await action.send(user, { verb: 'in transaction', transaction });
        }),
      );
      break;
    case 4:
      work.push(actorStream(user));
      break;
    case 5:
      work.push(userStream(users[0], { withUserActivity: true }));
      break;
    case 6:
      work.push(anyStream(group));
      break;
    default:
      work.push(isFollowing(users[0], user));
  }
}
const settled = await Promise.race([Promise.allSettled(work), sleep(60_000).then(() => 'timed out' as const)]);
report.concurrent = settled === 'timed out' ? 'timed out' : { fulfilled: settled.filter((s) => s.status === 'fulfilled').length, rejected: settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason)) };
report.actions = { expected: expectedSends, stored: await Action.count() };
report.poolAfterLoad = poolOf(sequelize);
report.poolMax = POOL_MAX;

// 2. A connection killed in the middle of a statement: the error Sequelize would raise.
async function killedWhileSleeping(run: (sql: string) => Promise<unknown>, marker: string): Promise<Record<string, unknown>> {
  const sql = `SELECT pg_sleep(10) AS ${marker}`;
  const running = run(sql).then(
    () => ({ name: 'no error' }),
    (error: unknown) => describeError(error),
  );
  for (let tries = 0; tries < 100; tries++) {
    const [row] = await sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = '${sql}' AND state = 'active'`, { type: QueryTypes.SELECT });
    if (row.n > 0) break;
    await sleep(50);
  }
  await sequelize.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = '${sql}'`);
  const outcome = await running;
  // Sequelize learns that the session is gone from the socket's end, a moment after the error.
  await sleep(200);
  return outcome;
}
const fast = sqlBackend(sequelize, 'fast');
report.killedFast = await killedWhileSleeping((sql) => fast.session(undefined, 'read', (session) => session.select({ text: sql, values: [] })), 'fast_path');
report.killedSequelize = await killedWhileSleeping((sql) => sequelize.query(sql, { type: QueryTypes.SELECT }), 'sequelize_path');
// The pool discards the broken connections: reads go on working.
const after = await Promise.allSettled(users.map((user) => actorStream(user)));
report.readsAfterKill = after.filter((s) => s.status === 'fulfilled').length;
report.poolAfterKill = poolOf(sequelize);

// 3. Prepared statements per connection stay bounded: one connection, many distinct statements.
const single = await connect(url, { pool: { max: 1, min: 0 } });
const backend = sqlBackend(single, 'fast');
const DISTINCT = PREPARED_PER_CONNECTION * 2 + 50;
const lru = await backend.session(undefined, 'read', async (session) => {
  const answers: number[] = [];
  for (let i = 0; i < DISTINCT; i++) answers.push(Number((await session.select({ text: `SELECT ${i}::int AS n`, values: [] }))[0].n));
  return answers;
});
const counts = await backend.session(undefined, 'read', async (session) => {
  const [server] = await session.select({ text: 'SELECT count(*)::int AS n FROM pg_prepared_statements', values: [] });
  // The first statement was evicted long ago: it runs again, prepared afresh.
  const [again] = await session.select({ text: 'SELECT 0::int AS n', values: [] });
  const { pool } = single.connectionManager as unknown as { pool: { _availableObjects?: { resource: unknown }[] } };
  return { server: Number(server.n), again: Number(again.n), pool };
});
const client = await (single.connectionManager as unknown as { getConnection(o: object): Promise<{ connection: { parsedStatements: object } }> }).getConnection({ type: 'SELECT' });
report.lru = {
  limit: PREPARED_PER_CONNECTION,
  distinct: DISTINCT,
  answersRight: lru.every((n, i) => n === i),
  onServer: counts.server,
  again: counts.again,
  keptByActstream: preparedCount(client),
  keptByPg: Object.keys(client.connection.parsedStatements).length,
};
single.connectionManager.releaseConnection(client as never);
await single.close();
await sequelize.close();
process.stdout.write(JSON.stringify(report));
