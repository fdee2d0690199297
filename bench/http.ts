// `npm run bench:http -- [--actions 100000] [--duration 10] [--connections 10] [--workers N] [--cpu-prof DIR] [--json]`:
// requests/s and latency (p50/p95/p99) over real HTTP on 127.0.0.1 against the COMPILED server
// (`npm run build`, then `node dist/server/index.js` as `npm start` runs it, NODE_ENV=production,
// one JSON log line per request), with WORKERS processes (default: one per CPU), at --actions actions:
//   - GET /api/streams/any/User/:id (anonymous JSON)
//   - GET /api/streams/user (the user feed, bearer tokens)
//   - GET /streams/Group/:id (an anonymous HTML page)
//   - GET /feeds/any/Group/:id.atom (an Atom feed)
// autocannon runs in a child process (bench/http-load.ts) for a bounded time per endpoint. The data
// is built here first (a fresh SQLite file, or DATABASE_URL emptied). --cpu-prof DIR runs the server
// processes with `node --cpu-prof` and leaves one .cpuprofile per process in DIR.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Model } from 'sequelize';
import { action, follow } from 'actstream';
import { createToken } from '../auth/tokens.js';
import { Comment, Group, User } from '../models/index.js';
import { startServer } from '../scripts/load/server-process.js';
import { parseArgs } from './args.js';
import { openBenchDatabase } from './database.js';
import { random } from './stats.js';

const run = promisify(execFile);
const args = parseArgs(process.argv.slice(2));
const ACTIONS = Number(args.get('actions') ?? 100_000);
const DURATION = Number(args.get('duration') ?? 10);
const CONNECTIONS = Number(args.get('connections') ?? 10);
const WORKERS = Number(args.get('workers') ?? process.env.WORKERS ?? availableParallelism());
const PROFILE_DIR = typeof args.get('cpu-prof') === 'string' ? resolve(String(args.get('cpu-prof'))) : undefined;
const JSON_OUTPUT = args.has('json');
const BATCH = 1000;
const VERBS = ['posted', 'liked', 'shared', 'commented on'];
const ROOT = fileURLToPath(new URL('..', import.meta.url));
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

type Request = { path: string; headers?: Record<string, string> };

/** CPU seconds (user + system) used so far by a process and its children (the workers), from /proc; 0 where there is none. */
function cpuSeconds(rootPid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  for (const pid of entries) {
    try {
      // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15).
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(pid), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // gone meanwhile
    }
  }
  let ticks = stats.get(rootPid)?.ticks ?? 0;
  for (const { ppid, ticks: own } of stats.values()) if (ppid === rootPid) ticks += own;
  return ticks / 100;
}

async function load(base: string, requests: Request[]): Promise<LoadResult> {
  const spec = JSON.stringify({ base, duration: DURATION, connections: CONNECTIONS, requests });
  const { stdout } = await run(process.execPath, ['--import', 'tsx', LOAD_SCRIPT, spec], {
    timeout: (DURATION + 60) * 1000,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as LoadResult;
}

/** The bench's world: 250 users, 100 groups, ACTIONS / 10 comments, ACTIONS actions, 10 readers with tokens. */
async function seed(): Promise<{ users: User[]; groups: Group[]; tokens: string[] }> {
  const rand = random(7);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
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
  // 10 readers each follow 60 users and 40 groups (half with actorOnly false), each with a bearer token.
  const readers = users.slice(0, 10);
  const tokens: string[] = [];
  for (const [n, user] of readers.entries()) {
    const objects: Model[] = [...users.slice(10 + n * 10, 70 + n * 10), ...groups.slice(n * 5, 40 + n * 5)];
    for (const [k, obj] of objects.entries()) await follow(user, obj, { actorOnly: k % 2 === 0, sendAction: false });
    tokens.push((await createToken(user, 'bench', 'api')).token);
  }
  return { users, groups, tokens };
}

async function main(): Promise<void> {
  const { sequelize, url: databaseUrl, close } = await openBenchDatabase();
  const dialect = sequelize.getDialect();
  log(`database: ${dialect}, ${ACTIONS} actions, ${WORKERS} workers`);
  const { users, groups, tokens } = await seed();
  if (dialect === 'postgres') await sequelize.query('VACUUM ANALYZE');
  else if (dialect !== 'mysql' && dialect !== 'mariadb') await sequelize.query('ANALYZE');
  log(`loaded ${ACTIONS} actions`);

  log('building dist/ (npm run build)');
  await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
  const work = mkdtempSync(join(tmpdir(), 'actstream-bench-http-'));
  const nodeArgs = ['--enable-source-maps', ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), 'dist/server/index.js'];
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
  const server = await startServer({
    databaseUrl,
    logFile: join(work, 'server.log'),
    nodeArgs,
    // As in production: compiled, one JSON line per request, WORKERS processes, writes unlimited here.
    env: { NODE_ENV: 'production', SESSION_SECRET: 'bench-secret-bench-secret', LOG_LEVEL: 'info', WORKERS: String(WORKERS), WRITE_LIMIT: '0' },
  });

  const started = loadavg()[0];
  log(`load: ${CONNECTIONS} connections, ${DURATION}s per endpoint, load average ${started.toFixed(2)}`);
  const endpoints: [string, string, Request[]][] = [
    ['any_stream', 'GET /api/streams/any/User/:id', users.map((u) => ({ path: `/api/streams/any/User/${u.id}` }))],
    ['user_stream', 'GET /api/streams/user', tokens.map((token) => ({ path: '/api/streams/user', headers: { authorization: `Bearer ${token}` } }))],
    ['html_page', 'GET /streams/Group/:id', groups.map((g) => ({ path: `/streams/Group/${g.id}` }))],
    ['atom_feed', 'GET /feeds/any/Group/:id.atom', groups.map((g) => ({ path: `/feeds/any/Group/${g.id}.atom` }))],
  ];
  const results: Record<string, LoadResult & { server_cpu_ms_per_request: number }> = {};
  try {
    for (const [key, label, requests] of endpoints) {
      // The server's own CPU per request: steadier than req/s when other work shares the machine.
      const cpuBefore = cpuSeconds(server.child.pid!);
      const result = await load(server.baseUrl, requests);
      const cpu = cpuSeconds(server.child.pid!) - cpuBefore;
      results[key] = { ...result, server_cpu_ms_per_request: Math.round((cpu * 1000 * 1000) / Math.max(1, result.requests)) / 1000 };
      log(`${label.padEnd(32)} ${result.requests_per_s} req/s, p95 ${result.p95_ms} ms, non-2xx ${result.non_2xx}, ${results[key].server_cpu_ms_per_request} CPU ms/request`);
    }
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
  await close();
  const result = {
    actions: ACTIONS,
    database: dialect,
    server: 'dist/server/index.js (compiled), NODE_ENV=production',
    workers: WORKERS,
    duration_s: DURATION,
    connections: CONNECTIONS,
    // The machine may be shared: the 1-minute load average before and after the runs.
    load_average: { before: Math.round(started * 100) / 100, after: Math.round(loadavg()[0] * 100) / 100 },
    ...results,
  };
  if (JSON_OUTPUT) console.log(JSON.stringify(result));
  else console.log(JSON.stringify(result, null, 2));
  if (PROFILE_DIR) log(`CPU profiles in ${PROFILE_DIR}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
