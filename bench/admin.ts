// `npm run bench:admin -- [--actions 100000,1000000] [--samples 30] [--json]`: the admin on SQLite
// with many actions: the Action log's first list page, one record's Activity view (both as the
// JSON API calls AdminJS's pages make), and what recording adds to an admin save.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Sequelize } from 'sequelize';
import supertest from 'supertest';
import { Action, withoutTracking } from 'actstream';
import { COUNT_CAP } from '../admin/action-log-resource.js';
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { Band, Concert, Group, Location, User, initModels, trackAppModels } from '../models/index.js';
import { createApp } from '../server/app.js';
import { parseArgs } from './args.js';
import { random, summarise } from './stats.js';

const args = parseArgs(process.argv.slice(2));
const SIZES = String(args.get('actions') ?? '100000')
  .split(',')
  .map(Number);
const SAMPLES = Number(args.get('samples') ?? 30);
const JSON_OUTPUT = args.has('json');
const BATCH = 2000; // 12 columns × 2000 rows stays under SQLite's 32766 bound parameters
const VERBS = ['created', 'updated', 'deleted', 'booked a concert', 'liked', 'joined'];
const PASSWORD = 'bench password';

const log = (message: string) => {
  if (!JSON_OUTPUT) console.error(message);
};

async function time(samples: number, run: () => Promise<unknown>): Promise<{ median_ms: number; p95_ms: number }> {
  await run(); // warm-up
  const timings: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await run();
    timings.push(performance.now() - start);
  }
  return summarise(timings);
}

async function seed(sequelize: Sequelize, total: number) {
  const rnd = random(42);
  const pick = <T>(items: T[]) => items[Math.floor(rnd() * items.length)];
  const { staff, users, bands, locations, concerts, hot } = await withoutTracking(async () => {
    const staff = User.build({ email: 'staff@example.com', name: 'Staff', isStaff: true });
    await staff.setPassword(PASSWORD);
    await staff.save();
    const users = await User.bulkCreate(Array.from({ length: 200 }, (_, i) => ({ email: `u${i}@example.com`, name: `User ${i}` })));
    const bands = await Band.bulkCreate(Array.from({ length: 50 }, (_, i) => ({ name: `Band ${i}` })));
    const locations = await Location.bulkCreate(Array.from({ length: 20 }, (_, i) => ({ name: `Hall ${i}`, city: 'Ghent' })));
    const concerts = await Concert.bulkCreate(
      Array.from({ length: 500 }, (_, i) => ({ title: `Concert ${i}`, date: new Date(), bandId: bands[i % 50].id, locationId: locations[i % 20].id })),
    );
    await Group.bulkCreate(Array.from({ length: 10 }, (_, i) => ({ name: `Group ${i}` })));
    return { staff, users, bands, locations, concerts, hot: concerts[0] };
  });
  const start = Date.now() - total * 1000;
  let done = 0;
  const began = performance.now();
  while (done < total) {
    const rows = [];
    for (let i = 0; i < BATCH && done < total; i++, done++) {
      const concert = rnd() < 0.002 ? hot : pick(concerts);
      const actor = rnd() < 0.5 ? { actorType: 'User', actorId: String(pick(users).id) } : { actorType: 'Band', actorId: String(pick(bands).id) };
      rows.push({
        ...actor,
        verb: pick(VERBS),
        actionObjectType: 'Concert',
        actionObjectId: String(concert.id),
        targetType: 'Location',
        targetId: String(pick(locations).id),
        timestamp: new Date(start + done * 1000),
        public: rnd() < 0.95,
        data: null,
      });
    }
    await Action.bulkCreate(rows);
  }
  const insertSeconds = (performance.now() - began) / 1000;
  await sequelize.query('ANALYZE');
  return { staff, hot, insertSeconds, group: (await Group.findOne())! };
}

async function run(total: number) {
  const dir = mkdtempSync(join(tmpdir(), 'actstream-admin-bench-'));
  try {
    const sequelize = await connect(`sqlite:${join(dir, 'bench.sqlite')}`, { logging: false });
    await migrate(sequelize);
    initModels(sequelize);
    log(`${total} actions: inserting…`);
    const { hot, insertSeconds, group } = await seed(sequelize, total);
    log(`  inserted in ${insertSeconds.toFixed(1)} s`);

    const app = await createApp({ sequelize, config: { sessionSecret: 'bench', production: false } });
    const agent = supertest.agent(app);
    const login = await agent.post('/admin/login').type('form').send({ email: 'staff@example.com', password: PASSWORD });
    if (login.status !== 302) throw new Error(`login failed: ${login.status}`);
    const get = (path: string) => async () => {
      const res = await agent.get(path);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return res;
    };

    const hotActions = await Action.count({ where: { actionObjectType: 'Concert', actionObjectId: String(hot.id) } });
    const results: Record<string, unknown> = { actions: total, insert_s: Math.round(insertSeconds * 10) / 10, hot_record_actions: hotActions };
    results.action_log_first_page = await time(SAMPLES, get('/admin/api/resources/action-log/actions/list'));
    results.action_log_page_50 = await time(SAMPLES, get('/admin/api/resources/action-log/actions/list?page=50'));
    results.action_log_filter_verb = await time(SAMPLES, get('/admin/api/resources/action-log/actions/list?filters.verb=liked'));
    results.action_log_filter_actor_type = await time(SAMPLES, get('/admin/api/resources/action-log/actions/list?filters.actorType=Band'));
    results.activity_view = await time(SAMPLES, get(`/admin/api/resources/concerts/records/${hot.id}/activity`));
    const first = (await get(`/admin/api/resources/concerts/records/${hot.id}/activity`)()).body.next as string;
    results.activity_view_page_2 = await time(SAMPLES, get(`/admin/api/resources/concerts/records/${hot.id}/activity?before=${encodeURIComponent(first)}`));
    results.dashboard = await time(SAMPLES, get('/admin/api/dashboard'));
    // What the list would pay per page for an exact total (AdminJS's default), against the capped count it uses.
    results.full_count = await time(Math.min(SAMPLES, 10), () => sequelize.query('SELECT COUNT(*) FROM actstream_actions'));
    results.capped_count = await time(Math.min(SAMPLES, 10), () =>
      sequelize.query(`SELECT COUNT(*) FROM (SELECT id FROM actstream_actions LIMIT ${COUNT_CAP}) AS capped`),
    );

    // One admin save (edit form POST), with the tracking hooks off and on.
    let flip = 0;
    const saveGroup = async () => {
      flip += 1;
      const res = await agent.post(`/admin/api/resources/groups/records/${group.id}/edit`).type('form').send({ name: `Group renamed ${flip}` });
      if (res.body.notice?.type !== 'success') throw new Error(`save failed: ${JSON.stringify(res.body.notice)}`);
    };
    const saveConcert = async () => {
      flip += 1;
      const res = await agent
        .post(`/admin/api/resources/concerts/records/${hot.id}/edit`)
        .type('form')
        .send({ title: `Hot ${flip}`, date: '2026-12-01T20:00:00.000Z', bandId: String(hot.bandId), locationId: String(hot.locationId) });
      if (res.body.notice?.type !== 'success') throw new Error(`save failed: ${JSON.stringify(res.body.notice)}`);
    };
    results.save_group_recording_off = await time(SAMPLES, saveGroup);
    results.save_concert_recording_off = await time(SAMPLES, saveConcert);
    const untrack = trackAppModels();
    try {
      results.save_group_recording_on = await time(SAMPLES, saveGroup);
      results.save_concert_recording_on = await time(SAMPLES, saveConcert);
    } finally {
      untrack();
    }
    await sequelize.close();
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const all = [];
for (const size of SIZES) {
  const result = await run(size);
  all.push(result);
  if (!JSON_OUTPUT) {
    console.log(`\n== ${size} actions (inserted in ${String(result.insert_s)} s; the measured concert has ${String(result.hot_record_actions)}) ==`);
    for (const [name, value] of Object.entries(result)) {
      if (typeof value === 'object' && value) {
        const { median_ms, p95_ms } = value as { median_ms: number; p95_ms: number };
        console.log(`${name.padEnd(30)} median ${median_ms.toFixed(1).padStart(8)} ms   p95 ${p95_ms.toFixed(1).padStart(8)} ms`);
      }
    }
  }
}
if (JSON_OUTPUT) console.log(JSON.stringify(all, null, 2));
process.exit(0);
