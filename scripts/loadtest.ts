// `npm run loadtest -- [--seconds 30] [--clients 200] [--max-requests N] [--compiled] [--workers N] [--json]`
// (--compiled: the built app, dist/, as `npm start` runs it, with --workers processes, default one per CPU)
// Starts the real app (server/index.ts) on 127.0.0.1 against DATABASE_URL or a fresh SQLite file,
// runs concurrent clients (API actions with bearer tokens and sessions, follows, admin edits), then
// checks that every acknowledged write is in the database exactly once. Exit code 1 if anything was
// lost or duplicated, or a request failed without being told why.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { initModels } from '../models/index.js';
import { runLoad } from './load/clients.js';
import { seedLoadWorld } from './load/seed.js';
import { startServer } from './load/server-process.js';
import { summarise } from './load/summary.js';
import { verifyLoad } from './load/verify.js';

function bounded(name: string, raw: string | undefined, fallback: number, max: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`--${name} must be a whole number from 1 to ${max}`);
    process.exit(2);
  }
  return value;
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    clients: { type: 'string' },
    'max-requests': { type: 'string' },
    json: { type: 'boolean', default: false },
    compiled: { type: 'boolean', default: false },
    workers: { type: 'string' },
  },
});
const seconds = bounded('seconds', values.seconds, 30, 600);
const clients = bounded('clients', values.clients, 200, 1000);
const maxRequests = bounded('max-requests', values['max-requests'], 2_000_000, 10_000_000);

const dir = mkdtempSync(join(tmpdir(), 'actstream-load-'));
const databaseUrl = process.env.DATABASE_URL ?? `sqlite:${join(dir, 'load.sqlite')}`;
const logFile = join(dir, 'server.log');
const say = (text: string) => {
  if (!values.json) console.log(text);
};

const sequelize = await connect(databaseUrl);
await migrate(sequelize);
initModels(sequelize);
say(`Seeding ${clients} users...`);
const world = await seedLoadWorld(clients);

// The write limit stays on (its counters are part of the load) but out of the way: this measures
// durability, not the limit (test/http/write-limit.test.ts does).
const workers = bounded('workers', values.workers, values.compiled ? availableParallelism() : 1, 64);
if (values.compiled) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
const server = await startServer({
  databaseUrl,
  logFile,
  env: { LOG_LEVEL: process.env.LOADTEST_LOG_LEVEL ?? 'warn', WRITE_LIMIT: process.env.WRITE_LIMIT ?? '1000000', WORKERS: String(workers) },
  ...(values.compiled ? { nodeArgs: ['--enable-source-maps', 'dist/server/index.js'] } : {}),
});
// On stderr even with --json: the fault test waits for this line before it stops the database.
console.error(`load started on ${server.baseUrl} (server log: ${logFile}); ${clients} clients for ${seconds} s`);
const run = await runLoad({ baseUrl: server.baseUrl, world, seconds, maxRequests });
const exitCode = await server.stop();
for (const a of run.attempts.filter((x) => !x.ok && !x.told).slice(0, 20)) {
  console.error(`untold failure: ${a.op} by client ${a.client} at +${a.at} ms after ${a.ms} ms: ${a.status} ${a.message ?? ''}`);
}
const verification = await verifyLoad(world, run.expectations);
const summary = await summarise(sequelize, { seconds, clients, run, verification, serverExit: exitCode });
await sequelize.close();

if (values.json) {
  console.log(JSON.stringify(summary));
} else {
  console.log(JSON.stringify(summary, null, 2));
  for (const problem of verification.problems) console.log(`  ${problem}`);
}
const failed = summary.lost > 0 || summary.duplicated > 0 || summary.untold > 0 || exitCode !== 0;
process.exit(failed ? 1 : 0);
