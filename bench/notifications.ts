// Notifications on top of the core bench's data (bench/index.ts calls it after the streams): one user
// holding up to 100k notifications spread over the whole history of actions, read in pages (all,
// unread only, grouped) and counted; then one action fanned out to 50,000 followers.
import { performance } from 'node:perf_hooks';
import type { Sequelize } from 'sequelize';
import {
  ActionNotification,
  Follow,
  action,
  markItemRead,
  markRead,
  notifications,
  unreadCount,
  type NotificationItem,
} from 'actstream';
import { Band, User } from '../models/index.js';
import { summarise } from './stats.js';

const NOTIFIED = 100_000;
const FOLLOWERS = 50_000;
const WARMUP = 200;
const SAMPLES = 500;
const FAN_OUT_RUNS = 5;

export interface NotificationFigures {
  notifications: number;
  unread: number;
  pages: Record<'page' | 'unreadOnly' | 'grouped' | 'unreadCount', { median_ms: number; p95_ms: number }>;
  fan_out_ms: Record<'followersOf' | 'userList', { median_ms: number; min_ms: number; max_ms: number }>;
  followers: number;
}

async function time(run: (i: number) => Promise<unknown>): Promise<{ median_ms: number; p95_ms: number }> {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    await run(i);
    samples.push(performance.now() - start);
  }
  return summarise(samples);
}

function spread(samples: number[]): { median_ms: number; min_ms: number; max_ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { median_ms: round(sorted[Math.floor(sorted.length / 2)]), min_ms: round(sorted[0]), max_ms: round(sorted[sorted.length - 1]) };
}

/** One user notified of every n-th action (up to 100k), with a read marker at 90% and a few overrides. */
async function notifiedUser(sequelize: Sequelize, log: (message: string) => void): Promise<{ user: User; count: number; cursors: string[] }> {
  const user = await User.create({ email: 'notified@bench.example', name: 'Notified' });
  const q = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
  const [[{ total }]] = (await sequelize.query(`SELECT COUNT(*) AS total FROM ${q('actstream_actions')}`)) as [{ total: number }[], unknown];
  const step = Math.max(1, Math.floor(Number(total) / NOTIFIED));
  // Bench set-up only: the notifications of existing actions, written in one statement.
  await sequelize.query(
    `INSERT INTO ${q('actstream_notifications')} (${q('userId')}, ${q('actionId')}, ${q('timestamp')}) ` +
      `SELECT '${user.id}', a.${q('id')}, a.${q('timestamp')} FROM ${q('actstream_actions')} a WHERE a.${q('id')} % ${step} = 0 ORDER BY a.${q('id')} LIMIT ${NOTIFIED}`,
  );
  const count = await ActionNotification.count({ where: { userId: String(user.id) } });
  log(`notified ${user.name} of ${count} actions (every ${step}th)`);

  // Read up to 90% of them; 50 marked read above the marker and 50 unread below it.
  const ids = (await ActionNotification.findAll({ attributes: ['id'], where: { userId: String(user.id) }, order: [['id', 'ASC']], raw: true })).map(
    (row) => Number(row.id),
  );
  const marker = ids[Math.floor(ids.length * 0.9)];
  await markRead(user, { upTo: marker });
  for (let i = 0; i < 50; i++) {
    await markItemRead(user, ids[ids.length - 1 - i * 7], true);
    await markItemRead(user, ids[Math.floor(ids.length * 0.5) + i * 11], false);
  }
  // Cursors a few pages deep, for pages that are not all the first one.
  const cursors: string[] = [];
  let before: string | null = null;
  for (let i = 0; i < 20; i++) {
    const page: { items: NotificationItem[]; next: string | null } = await notifications(user, { before });
    if (!page.next) break;
    cursors.push(page.next);
    before = page.next;
  }
  return { user, count, cursors };
}

/** 50,000 users following one band (written in bulk: the set-up is not what is measured). */
async function bandWithFollowers(log: (message: string) => void): Promise<{ band: Band; followers: User[] }> {
  const band = await Band.create({ name: 'Fan-out band' });
  const followers: User[] = [];
  for (let start = 0; start < FOLLOWERS; start += 5000) {
    const rows = Array.from({ length: Math.min(5000, FOLLOWERS - start) }, (_, i) => ({ email: `fan${start + i}@bench.example`, name: `Fan ${start + i}` }));
    followers.push(...(await User.bulkCreate(rows)));
  }
  const started = new Date();
  for (let start = 0; start < followers.length; start += 5000) {
    await Follow.bulkCreate(
      followers.slice(start, start + 5000).map((user) => ({ userId: String(user.id), contentType: 'Band', objectId: String(band.id), started })),
    );
  }
  log(`${followers.length} users follow ${band.name}`);
  return { band, followers };
}

export async function notificationBench(sequelize: Sequelize, log: (message: string) => void = () => {}): Promise<NotificationFigures> {
  const { user, count, cursors } = await notifiedUser(sequelize, log);
  // Statistics as a running database would have them by now (the core bench analyzes the same way).
  if (sequelize.getDialect() === 'sqlite' || sequelize.getDialect() === 'postgres') await sequelize.query('ANALYZE');
  const at = (i: number) => (i % 4 === 0 || cursors.length === 0 ? null : cursors[i % cursors.length]);
  const pages = {
    page: await time((i) => notifications(user, { before: at(i) })),
    unreadOnly: await time(() => notifications(user, { unreadOnly: true })),
    grouped: await time((i) => notifications(user, { grouped: true, before: at(i) })),
    unreadCount: await time(() => unreadCount(user)),
  };
  const unread = (await unreadCount(user, { cap: 10_000 })).count;

  const { band, followers } = await bandWithFollowers(log);
  const followersOf: number[] = [];
  const userList: number[] = [];
  for (let run = 0; run < FAN_OUT_RUNS; run++) {
    let start = performance.now();
    await action.send(band, { verb: 'booked a concert', notify: { followersOf: band } });
    followersOf.push(performance.now() - start);
    start = performance.now();
    await action.send(band, { verb: 'played a concert', notify: followers });
    userList.push(performance.now() - start);
  }
  return {
    notifications: count,
    unread,
    pages,
    fan_out_ms: { followersOf: spread(followersOf), userList: spread(userList) },
    followers: followers.length,
  };
}

export function printNotificationFigures(figures: NotificationFigures): void {
  console.log(`\nnotifications: one user with ${figures.notifications} (${figures.unread} unread)`);
  console.log(`${'read (page of 20)'.padEnd(22)}${'median ms'.padStart(10)}${'p95 ms'.padStart(10)}`);
  for (const [name, f] of Object.entries(figures.pages)) console.log(`${name.padEnd(22)}${f.median_ms.toFixed(3).padStart(10)}${f.p95_ms.toFixed(3).padStart(10)}`);
  console.log(`fan-out of one action to ${figures.followers} followers, ms (median / min / max of ${FAN_OUT_RUNS}):`);
  for (const [name, f] of Object.entries(figures.fan_out_ms)) console.log(`  ${name.padEnd(20)}${f.median_ms} / ${f.min_ms} / ${f.max_ms}`);
}
