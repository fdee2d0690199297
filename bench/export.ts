// `npm run bench:export -- [--actions 100000,1000000]`: the Action log's CSV export on SQLite, over
// real HTTP, read by a client that throws the bytes away. Reports rows, bytes, time, and the
// process's RSS and heap sampled every 100 ms while it streams: flat memory means the export never
// holds more than a page or so, however many rows.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Action, withoutTracking } from '../actstream/index.js';
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { Band, Concert, Location, User, initModels } from '../models/index.js';
import { createApp } from '../server/app.js';
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

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function seed(total: number): Promise<void> {
  const rnd = random(7);
  const pick = <T>(items: T[]) => items[Math.floor(rnd() * items.length)];
  const { users, bands, locations, concerts } = await withoutTracking(async () => {
    const staff = User.build({ email: 'staff@example.com', name: 'Staff', isStaff: true });
    await staff.setPassword(PASSWORD);
    await staff.save();
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

interface Sample {
  at: number;
  rss: number;
  heap: number;
}

/** Downloads `path` with the session cookie, counting rows and bytes, sampling memory meanwhile. */
async function exportOnce(base: string, cookie: string, path: string) {
  gc();
  const before = process.memoryUsage();
  const samples: Sample[] = [];
  const began = performance.now();
  const timer = setInterval(() => {
    const { rss, heapUsed } = process.memoryUsage();
    samples.push({ at: performance.now() - began, rss, heap: heapUsed });
  }, 100);
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
  const peak = samples.reduce((max, s) => (s.rss > max.rss ? s : max), samples[0] ?? { at: 0, rss: before.rss, heap: before.heapUsed });
  const at = (fraction: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * fraction))];
  return {
    rows: lines - 1,
    mb: Math.round((bytes / MB) * 10) / 10,
    seconds: Math.round(seconds * 10) / 10,
    rows_per_s: Math.round((lines - 1) / seconds),
    rss_before_mb: Math.round(before.rss / MB),
    rss_at_10_50_90_pct_mb: [0.1, 0.5, 0.9].map((f) => Math.round((at(f)?.rss ?? 0) / MB)),
    rss_peak_mb: Math.round(peak.rss / MB),
    heap_before_mb: Math.round(before.heapUsed / MB),
    heap_peak_mb: Math.round(Math.max(...samples.map((s) => s.heap)) / MB),
  };
}

async function run(total: number) {
  const dir = mkdtempSync(join(tmpdir(), 'actstream-export-bench-'));
  try {
    const sequelize = await connect(`sqlite:${join(dir, 'bench.sqlite')}`, { logging: false });
    await migrate(sequelize);
    initModels(sequelize);
    console.error(`${total} actions: inserting…`);
    const began = performance.now();
    await seed(total);
    await sequelize.query('ANALYZE');
    console.error(`  inserted in ${((performance.now() - began) / 1000).toFixed(1)} s`);

    const app = await createApp({ sequelize, config: { sessionSecret: 'bench', production: false } });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const login = await fetch(`${base}/admin/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'staff@example.com', password: PASSWORD }),
      });
      if (login.status !== 302) throw new Error(`login failed: ${login.status}`);
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const results: Record<string, unknown> = { actions: total };
      results.export_all = await exportOnce(base, cookie, '/admin/export/action-log.csv');
      results.export_actor_type_user = await exportOnce(base, cookie, '/admin/export/action-log.csv?filters.actorType=User');
      results.export_verb_updated = await exportOnce(base, cookie, '/admin/export/action-log.csv?filters.verb=updated');
      return results;
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await sequelize.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const all = [];
for (const size of SIZES) all.push(await run(size));
console.log(JSON.stringify(all, null, 2));
process.exit(0);
