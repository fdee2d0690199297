// `npm run bench:export -- [--actions 100000,1000000]`: the Action log's CSV export on SQLite. The
// bench seeds a database file, starts the real server on it (`npm start`'s entry, one process) and
// downloads the export over HTTP, throwing the bytes away, while it samples the server process's
// RSS (/proc/<pid>/status) every 100 ms. Flat RSS from 100k to 1M rows means the export holds a
// page or so, never the rows it has sent.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Action, withoutTracking } from 'actstream';
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { Band, Concert, Location, User, initModels } from '../models/index.js';
import { startServer } from '../scripts/load/server-process.js';
import { parseArgs } from './args.js';
import { random } from './stats.js';

const args = parseArgs(process.argv.slice(2));
const SIZES = String(args.get('actions') ?? '100000')
  .split(',')
  .map(Number);
const BATCH = 2000;
const VERBS = ['created', 'updated', 'deleted', 'booked a concert', 'liked', 'joined'];
const PASSWORD = 'bench password';
const MB = 1024 * 1024;

async function seed(total: number): Promise<void> {
  const rnd = random(7);
  const pick = <T>(items: T[]) => items[Math.floor(rnd() * items.length)];
  const { users, bands, locations, concerts } = await withoutTracking(async () => {
    const users = await User.bulkCreate(Array.from({ length: 200 }, (_, i) => ({ email: `u${i}@example.com`, name: `User ${i}` })));
    const bands = await Band.bulkCreate(Array.from({ length: 50 }, (_, i) => ({ name: `Band ${i}` })));
    const locations = await Location.bulkCreate(Array.from({ length: 20 }, (_, i) => ({ name: `Hall ${i}`, city: 'Ghent' })));
    const concerts = await Concert.bulkCreate(
      Array.from({ length: 500 }, (_, i) => ({ title: `Concert ${i}`, date: new Date(), bandId: bands[i % 50].id, locationId: locations[i % 20].id })),
    );
    return { users, bands, locations, concerts };
  });
  const start = Date.now() - total * 1000;
  for (let done = 0; done < total; ) {
    const rows = [];
    for (let i = 0; i < BATCH && done < total; i++, done++) {
      const verb = pick(VERBS);
      const actor = rnd() < 0.5 ? { actorType: 'User', actorId: String(pick(users).id) } : { actorType: 'Band', actorId: String(pick(bands).id) };
      rows.push({
        ...actor,
        verb,
        actionObjectType: 'Concert',
        actionObjectId: String(pick(concerts).id),
        targetType: 'Location',
        targetId: String(pick(locations).id),
        timestamp: new Date(start + done * 1000),
        public: rnd() < 0.95,
        description: rnd() < 0.1 ? 'changed by "the office", see ticket #12' : null,
        data: verb === 'updated' ? { changes: { title: { old: `Concert ${done}`, new: `Concert ${done} (moved)` } } } : null,
      });
    }
    await Action.bulkCreate(rows);
  }
}

/** The resident set size of process `pid`, in bytes (Linux). */
function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Downloads `path` with the session cookie, counting rows and bytes, sampling the server's RSS meanwhile. */
async function exportOnce(base: string, cookie: string, path: string, pid: number) {
  const before = rssOf(pid);
  const samples: number[] = [];
  const began = performance.now();
  const timer = setInterval(() => samples.push(rssOf(pid)), 100);
  let bytes = 0;
  let lines = 0;
  try {
    const res = await fetch(`${base}${path}`, { headers: { cookie } });
    if (res.status !== 200 || !res.body) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines += 1;
    }
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - began) / 1000;
  const at = (fraction: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor(samples.length * fraction))] / MB);
  return {
    rows: lines - 1,
    mb: Math.round((bytes / MB) * 10) / 10,
    seconds: Math.round(seconds * 10) / 10,
    rows_per_s: Math.round((lines - 1) / seconds),
    server_rss_before_mb: Math.round(before / MB),
    server_rss_at_10_25_50_75_90_pct_mb: [0.1, 0.25, 0.5, 0.75, 0.9].map(at),
    server_rss_peak_mb: Math.round(Math.max(...samples) / MB),
  };
}

async function run(total: number) {
  const dir = mkdtempSync(join(tmpdir(), 'actstream-export-bench-'));
  const databaseUrl = `sqlite:${join(dir, 'bench.sqlite')}`;
  try {
    const sequelize = await connect(databaseUrl, { logging: false });
    await migrate(sequelize);
    initModels(sequelize);
    console.error(`${total} actions: inserting…`);
    const began = performance.now();
    await seed(total);
    await sequelize.query('ANALYZE');
    await sequelize.close();
    console.error(`  inserted in ${((performance.now() - began) / 1000).toFixed(1)} s`);

    const server = await startServer({
      databaseUrl,
      logFile: join(dir, 'server.log'),
      env: { LOG_LEVEL: 'warn', ADMIN_EMAIL: 'staff@example.com', ADMIN_PASSWORD: PASSWORD },
    });
    try {
      const login = await fetch(`${server.baseUrl}/admin/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'staff@example.com', password: PASSWORD }),
      });
      if (login.status !== 302) throw new Error(`login failed: ${login.status}`);
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const pid = server.child.pid!;
      const results: Record<string, unknown> = { actions: total };
      for (const [name, query] of [
        ['export_all', ''],
        ['export_actor_type_user', '?filters.actorType=User'],
        ['export_verb_updated', '?filters.verb=updated'],
        ['export_all_again', ''],
      ]) {
        results[name] = await exportOnce(server.baseUrl, cookie, `/admin/export/action-log.csv${query}`, pid);
        console.error(`  ${name}: ${JSON.stringify(results[name])}`);
      }
      return results;
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const all = [];
for (const size of SIZES) all.push(await run(size));
console.log(JSON.stringify(all, null, 2));
process.exit(0);
