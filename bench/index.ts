// `npm run bench -- --actions 100000 [--json] [--samples 200] [--partitioned] [--load sql] [--feed write]`: the
// actstream core on a fresh database (a new SQLite file, or DATABASE_URL emptied first) with
// deterministic data; see README "Benchmarks". PostgreSQL only: --partitioned builds the actions
// table partitioned by month; --load sql writes the bulk of the actions with INSERT … SELECT FROM
// generate_series in the server (for 10M rows), instead of sendMany from here. --feed write: the
// user feeds written on send (actstream/feed.ts) instead of read from the follows.
import { performance } from 'node:perf_hooks';
import type { CreationAttributes, Model, ModelStatic, Sequelize } from 'sequelize';
import {
  action,
  actionObjectStream,
  partitionActionsTable,
  actorStream,
  anyStream,
  follow,
  modelStream,
  setup,
  targetStream,
  userStream,
  type StreamPage,
} from 'actstream';
import { Band, Comment, Concert, Group, Location, User } from '../models/index.js';
import { parseArgs } from './args.js';
import { openBenchDatabase } from './database.js';
import { notificationBench, printNotificationFigures } from './notifications.js';
import { random, summarise } from './stats.js';

const args = parseArgs(process.argv.slice(2));
const ACTIONS = Number(args.get('actions') ?? 100_000);
const SAMPLES = Number(args.get('samples') ?? 500);
// Pages read before timing, so V8 has compiled the hot paths as a running server would have.
const WARMUP = 300;
const JSON_OUTPUT = args.has('json');
const VERBS = ['posted', 'liked', 'shared', 'commented on'];
const BATCH = 1000;
const PARTITIONED = args.has('partitioned');
const SQL_LOAD = args.get('load') === 'sql';
// Rows one INSERT … SELECT of the SQL load writes.
const SQL_CHUNK = 500_000;
const FEED = args.get('feed') === 'write' ? 'write' : 'read';

const log = (message: string) => {
  if (!JSON_OUTPUT) console.error(message);
};

let queries = 0;

async function bulkInsert<M extends Model>(model: ModelStatic<M>, rows: CreationAttributes<M>[]): Promise<M[]> {
  const saved: M[] = [];
  for (let i = 0; i < rows.length; i += 5000) saved.push(...(await model.bulkCreate(rows.slice(i, i + 5000))));
  return saved;
}

async function tableBytes(sequelize: Sequelize): Promise<number> {
  const dialect = sequelize.getDialect();
  if (dialect === 'sqlite') {
    const [rows] = await sequelize.query(
      "SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name = 'actstream_actions' OR name LIKE 'actstream_actions_%' OR name LIKE 'sqlite_autoindex_actstream_actions%'",
    );
    return Number((rows as { bytes: number }[])[0].bytes);
  }
  if (dialect === 'postgres') {
    // Every partition's, when the table is partitioned (the parent itself holds nothing).
    const [rows] = await sequelize.query("SELECT SUM(pg_total_relation_size(relid)) AS bytes FROM pg_partition_tree('actstream_actions')");
    return Number((rows as { bytes: string }[])[0].bytes);
  }
  await sequelize.query('ANALYZE TABLE actstream_actions');
  const [rows] = await sequelize.query(
    "SELECT data_length + index_length AS bytes FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'actstream_actions'",
  );
  return Number((rows as { bytes: string }[])[0].bytes);
}

interface StreamFigures {
  median_ms: number;
  p95_ms: number;
  queries: number;
  /** Pages timed: SAMPLES, or fewer when a stream is so slow that TIME_BUDGET_MS ran out. */
  samples: number;
}

// A stream whose pages take long (a feed that walks the table) is timed for this long at most.
const TIME_BUDGET_MS = Number(args.get('budget-ms') ?? 30_000);

/** Times `SAMPLES` pages (after a warm-up) and counts the queries one page takes. */
async function measure(page: (i: number) => Promise<StreamPage>): Promise<StreamFigures> {
  const deadline = performance.now() + TIME_BUDGET_MS;
  for (let i = 0; i < WARMUP && performance.now() < deadline - TIME_BUDGET_MS / 2; i++) await page(i);
  const times: number[] = [];
  for (let i = 0; i < SAMPLES && (i < 5 || performance.now() < deadline); i++) {
    const start = performance.now();
    await page(i);
    times.push(performance.now() - start);
  }
  const before = queries;
  await page(0);
  return { ...summarise(times), queries: queries - before, samples: times.length };
}

/**
 * The bulk of the actions written by the server itself, chunk by chunk: the same shape as the
 * sendMany load (a user acts on a comment in a group, two actions a second), the picks made by
 * hashing the row number instead of this process's generator. For loading 10M rows in minutes.
 */
async function sqlLoad(sequelize: Sequelize, start: number, users: Model[], groups: Model[], comments: Model[]): Promise<void> {
  const span = (list: Model[]) => {
    const ids = list.map((m) => Number(m.get('id')));
    if (ids.at(-1)! - ids[0] !== ids.length - 1) throw new Error('the SQL load expects consecutive ids');
    return { first: ids[0], count: ids.length };
  };
  const [u, g, c] = [span(users), span(groups), span(comments)];
  const pick = (seed: number, { first, count }: { first: number; count: number }) => `(${first} + (hashint4(i + ${seed}) & 2147483647) % ${count})::text`;
  for (let from = 0; from < ACTIONS; from += SQL_CHUNK) {
    const to = Math.min(ACTIONS, from + SQL_CHUNK) - 1;
    await sequelize.query(
      `INSERT INTO actstream_actions ("actorType", "actorId", verb, "targetType", "targetId", "actionObjectType", "actionObjectId", "timestamp", public)
       SELECT 'User', ${pick(1, u)}, (ARRAY['posted', 'liked', 'shared', 'commented on'])[1 + (hashint4(i + 2) & 2147483647) % 4],
              'Group', ${pick(3, g)}, 'Comment', ${pick(4, c)}, to_timestamp(${start / 1000} + i / 2), TRUE
         FROM generate_series(${from}, ${to}) i`,
    );
    log(`  loaded ${to + 1}`);
  }
}

async function main(): Promise<void> {
  const { sequelize, close } = await openBenchDatabase({ logging: () => void queries++ });
  setup(sequelize, { userModel: User, feed: FEED });
  if ((PARTITIONED || SQL_LOAD) && sequelize.getDialect() !== 'postgres') throw new Error('--partitioned and --load sql need PostgreSQL (DATABASE_URL)');
  const rand = random(42);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
  log(`database: ${sequelize.getDialect()}, ${ACTIONS} actions, feed ${FEED}`);

  const users = await bulkInsert(User, Array.from({ length: 250 }, (_, i) => ({ email: `user${i}@bench.example`, name: `User ${i}` })));
  const groups = await bulkInsert(Group, Array.from({ length: 100 }, (_, i) => ({ name: `Group ${i}` })));
  const comments = await bulkInsert(
    Comment,
    Array.from({ length: Math.max(1, Math.floor(ACTIONS / 10)) }, (_, i) => ({ text: `Comment ${i}` })),
  );
  const band = await Band.create({ name: 'Bench band' });
  const hall = await Location.create({ name: 'Bench hall' });
  await Concert.bulkCreate(Array.from({ length: 10 }, () => ({ date: new Date(), bandId: band.id, locationId: hall.id })));

  // Actions, two per second of history (so timestamps tie and ids break the ties), in sendMany batches.
  const start = Date.now() - ACTIONS * 500;
  // Monthly partitions from the month of the oldest action (the quiet users' below).
  if (PARTITIONED) await partitionActionsTable(sequelize, { from: new Date(start - 4000_000) });

  // 500 quiet users, who acted twice each before all of that (and never since), and one user who
  // follows all of them (actorOnly alternating, so 1000 branches: 500 by actor, 250 × 2 on them).
  const quiet = await bulkInsert(User, Array.from({ length: 500 }, (_, i) => ({ email: `quiet${i}@bench.example`, name: `Quiet ${i}` })));
  await action.sendMany(
    quiet.flatMap((user, i) =>
      [0, 1].map((k) => ({ actor: user as Model, verb: 'posted', target: groups[i % groups.length] as Model, timestamp: new Date(start - (2000 - 2 * i - k) * 1000) })),
    ),
  );
  const quietReader = await User.create({ email: 'quiet-reader@bench.example', name: 'Quiet reader' });
  for (const [k, user] of quiet.entries()) await follow(quietReader, user, { actorOnly: k % 2 === 0, sendAction: false });

  const loadStart = performance.now();
  if (SQL_LOAD) {
    await sqlLoad(sequelize, start, users, groups, comments);
    log(`loaded ${ACTIONS} actions with INSERT … SELECT in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`);
  }
  for (let done = 0; done < ACTIONS && !SQL_LOAD; done += BATCH) {
    const items = Array.from({ length: Math.min(BATCH, ACTIONS - done) }, (_, k) => ({
      actor: pick(users) as Model,
      verb: pick(VERBS),
      actionObject: pick(comments) as Model,
      target: pick(groups) as Model,
      timestamp: new Date(start + Math.floor((done + k) / 2) * 1000),
    }));
    await action.sendMany(items);
    if (done % 100_000 === 0 && done) log(`  loaded ${done}`);
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const sendManyPerS = ACTIONS / loadSeconds;
  if (!SQL_LOAD) log(`loaded ${ACTIONS} actions (${Math.round(sendManyPerS)}/s with sendMany of ${BATCH})`);

  // 5 users each follow 60 users and 40 groups, actorOnly alternating.
  const followStart = performance.now();
  const followers = users.slice(0, 5);
  for (const [n, user] of followers.entries()) {
    const objects: Model[] = [...users.slice(5 + n * 10, 65 + n * 10), ...groups.slice(n * 10, 40 + n * 10)];
    for (const [k, obj] of objects.entries()) await follow(user, obj, { actorOnly: k % 2 === 0, sendAction: false });
  }
  const followMs = (performance.now() - followStart) / (followers.length * 100);
  if (sequelize.getDialect() === 'sqlite') await sequelize.query('ANALYZE');
  // VACUUM too, as autovacuum would have by now: index-only scans need the visibility map.
  if (sequelize.getDialect() === 'postgres') await sequelize.query('VACUUM ANALYZE');
  if (sequelize.getDialect() === 'mysql') await sequelize.query('ANALYZE TABLE actstream_actions, actstream_follows');

  // Cursors 50 pages deep (or as deep as the actor's stream goes) for a few actors.
  const deepActors = users.slice(100, 110);
  const deepCursors: string[] = [];
  let depth = 0;
  for (const user of deepActors) {
    let next: string | null = null;
    let pages = 0;
    for (; pages < 50; pages++) {
      const page: StreamPage = await actorStream(user, { before: next });
      if (!page.next) break;
      next = page.next;
    }
    depth = Math.max(depth, pages);
    if (next) deepCursors.push(next);
  }

  const at = <T>(list: T[], i: number) => list[i % list.length];
  const streams = {
    actor: await measure((i) => actorStream(at(users, i))),
    target: await measure((i) => targetStream(at(groups, i))),
    actionObject: await measure((i) => actionObjectStream(at(comments, i * 97))),
    any: await measure((i) => anyStream(at(users, i))),
    model: await measure(() => modelStream(Group)),
    modelEmpty: await measure(() => modelStream(Concert)),
    user: await measure((i) => userStream(at(followers, i))),
    userQuiet: await measure(() => userStream(quietReader)),
    actorDeep: await measure((i) => actorStream(at(deepActors, i), { before: at(deepCursors, i) })),
  };

  // Sends one by one: autocommit, then inside one transaction.
  const oneByOne = Math.min(2000, ACTIONS);
  let t0 = performance.now();
  for (let i = 0; i < oneByOne; i++) await action.send(pick(users), { verb: 'posted', target: pick(groups) });
  const autocommit = oneByOne / ((performance.now() - t0) / 1000);
  const inTransaction = 10_000;
  t0 = performance.now();
  await sequelize.transaction(async (transaction) => {
    for (let i = 0; i < inTransaction; i++) {
      await action.send(pick(users), { verb: 'posted', target: pick(groups), transaction });
    }
  });
  const transactionRate = inTransaction / ((performance.now() - t0) / 1000);
  // sendMany once the follows exist (with --feed write each action is copied to its followers).
  const followedBatches = 10;
  t0 = performance.now();
  for (let b = 0; b < followedBatches; b++) {
    await action.sendMany(Array.from({ length: BATCH }, () => ({ actor: pick(users) as Model, verb: 'posted', actionObject: pick(comments) as Model, target: pick(groups) as Model })));
  }
  const followedSendMany = (followedBatches * BATCH) / ((performance.now() - t0) / 1000);
  const [[{ n: feedItems }]] = (await sequelize.query('SELECT COUNT(*) AS n FROM actstream_feed_items')) as [{ n: number }[], unknown];

  const total = ACTIONS + quiet.length * 2 + oneByOne + inTransaction + followedBatches * BATCH;
  const result = {
    actions: ACTIONS,
    database: sequelize.getDialect(),
    partitioned: PARTITIONED,
    feed: FEED,
    feed_items: Number(feedItems),
    follow_ms: Number(followMs.toFixed(2)),
    send_many_followed_per_s: Math.round(followedSendMany),
    load: { how: SQL_LOAD ? 'INSERT … SELECT generate_series' : `sendMany of ${BATCH}`, seconds: Math.round(loadSeconds) },
    send_per_s: { autocommit: Math.round(autocommit), transaction: Math.round(transactionRate) },
    send_many_per_s: SQL_LOAD ? null : Math.round(sendManyPerS),
    streams,
    actor_deep_pages: depth,
    bytes_per_action: Math.round((await tableBytes(sequelize)) / total),
    notifications: await notificationBench(sequelize, log),
  };
  await close();

  if (JSON_OUTPUT) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`\nactstream bench: ${result.actions} actions on ${result.database}, feed ${result.feed}`);
  console.log(`send, one by one:   ${result.send_per_s.autocommit}/s autocommit, ${result.send_per_s.transaction}/s in a transaction`);
  console.log(`sendMany:           ${result.send_many_per_s}/s (load), ${result.send_many_followed_per_s}/s once followed`);
  console.log(`follow:             ${result.follow_ms} ms each; ${result.feed_items} feed items`);
  console.log(`bytes per action:   ${result.bytes_per_action}`);
  console.log(`\n${'stream (page of 20)'.padEnd(22)}${'median ms'.padStart(10)}${'p95 ms'.padStart(10)}${'queries'.padStart(9)}${'pages'.padStart(7)}`);
  for (const [name, figures] of Object.entries(streams)) {
    const label = name === 'actorDeep' ? `actorDeep (${depth} pages)` : name;
    console.log(`${label.padEnd(22)}${figures.median_ms.toFixed(3).padStart(10)}${figures.p95_ms.toFixed(3).padStart(10)}${String(figures.queries).padStart(9)}${String(figures.samples).padStart(7)}`);
  }
  printNotificationFigures(result.notifications);
}

await main();
