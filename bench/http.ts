// `npm run bench:http -- [--actions 100000] [--duration 10] [--connections 10] [--json]`: requests/s and
// latency (p50/p95/p99) of GET /api/streams/any/User/:id and GET /api/streams/user (bearer tokens)
// over real HTTP on 127.0.0.1, at --actions actions. The app runs here; autocannon runs in a child
// process (bench/http-load.ts) for a bounded time per endpoint.
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Model } from 'sequelize';
import { action, follow } from '../actstream/index.js';
import { Comment, Group, User } from '../models/index.js';
import { createApp } from '../server/app.js';
import { createToken } from '../auth/tokens.js';
import { parseArgs } from './args.js';
import { openBenchDatabase } from './database.js';
import { random } from './stats.js';

const run = promisify(execFile);
const args = parseArgs(process.argv.slice(2));
const ACTIONS = Number(args.get('actions') ?? 100_000);
const DURATION = Number(args.get('duration') ?? 10);
const CONNECTIONS = Number(args.get('connections') ?? 10);
const JSON_OUTPUT = args.has('json');
const BATCH = 1000;
const VERBS = ['posted', 'liked', 'shared', 'commented on'];
const LOAD_SCRIPT = fileURLToPath(new URL('./http-load.ts', import.meta.url));

const log = (message: string) => {
  if (!JSON_OUTPUT) console.error(message);
};

interface LoadResult {
  requests: number;
  requests_per_s: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  non_2xx: number;
  errors: number;
}

async function load(base: string, requests: { path: string; headers?: Record<string, string> }[]): Promise<LoadResult> {
  const spec = JSON.stringify({ base, duration: DURATION, connections: CONNECTIONS, requests });
  const { stdout } = await run(process.execPath, ['--import', 'tsx', LOAD_SCRIPT, spec], {
    timeout: (DURATION + 60) * 1000,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as LoadResult;
}

async function main(): Promise<void> {
  const { sequelize, close } = await openBenchDatabase();
  const rand = random(7);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
  log(`database: ${sequelize.getDialect()}, ${ACTIONS} actions`);

  const users = await User.bulkCreate(Array.from({ length: 250 }, (_, i) => ({ email: `user${i}@bench.example`, name: `User ${i}` })));
  const groups = await Group.bulkCreate(Array.from({ length: 100 }, (_, i) => ({ name: `Group ${i}` })));
  const comments: Comment[] = [];
  const commentCount = Math.max(1, Math.floor(ACTIONS / 10));
  for (let i = 0; i < commentCount; i += 5000) {
    const rows = Array.from({ length: Math.min(5000, commentCount - i) }, (_, k) => ({ text: `Comment ${i + k}` }));
    comments.push(...(await Comment.bulkCreate(rows)));
  }
  // Two actions per second of history; one in 20 private (the API must filter them out).
  const start = Date.now() - ACTIONS * 500;
  for (let done = 0; done < ACTIONS; done += BATCH) {
    const items = Array.from({ length: Math.min(BATCH, ACTIONS - done) }, (_, k) => ({
      actor: pick(users) as Model,
      verb: pick(VERBS),
      actionObject: pick(comments) as Model,
      target: pick(groups) as Model,
      public: (done + k) % 20 !== 0,
      timestamp: new Date(start + Math.floor((done + k) / 2) * 1000),
    }));
    await action.sendMany(items);
  }
  log(`loaded ${ACTIONS} actions`);

  // 10 readers each follow 60 users and 40 groups (half with actorOnly false), each with a bearer token.
  const readers = users.slice(0, 10);
  const tokens: string[] = [];
  for (const [n, user] of readers.entries()) {
    const objects: Model[] = [...users.slice(10 + n * 10, 70 + n * 10), ...groups.slice(n * 5, 40 + n * 5)];
    for (const [k, obj] of objects.entries()) await follow(user, obj, { actorOnly: k % 2 === 0, sendAction: false });
    tokens.push((await createToken(user, 'bench', 'api')).token);
  }
  if (sequelize.getDialect() !== 'mysql' && sequelize.getDialect() !== 'mariadb') await sequelize.query('ANALYZE');

  const app = await createApp({ sequelize, config: { sessionSecret: 'bench-secret', production: true } });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  log(`load: ${CONNECTIONS} connections, ${DURATION}s per endpoint`);
  const any = await load(
    base,
    users.map((u) => ({ path: `/api/streams/any/User/${u.id}` })),
  );
  log(`GET /api/streams/any/User/:id  ${any.requests_per_s} req/s, p95 ${any.p95_ms} ms`);
  const user = await load(
    base,
    tokens.map((token) => ({ path: '/api/streams/user', headers: { authorization: `Bearer ${token}` } })),
  );
  log(`GET /api/streams/user         ${user.requests_per_s} req/s, p95 ${user.p95_ms} ms`);

  await new Promise((resolve) => server.close(resolve));
  await close();
  const result = {
    actions: ACTIONS,
    database: sequelize.getDialect(),
    duration_s: DURATION,
    connections: CONNECTIONS,
    any_stream: any,
    user_stream: user,
  };
  if (JSON_OUTPUT) console.log(JSON.stringify(result));
  else console.log(JSON.stringify(result, null, 2));
  // The session store's expiry timer would keep the process alive.
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
