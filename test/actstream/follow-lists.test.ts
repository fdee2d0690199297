import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Follow, followers, following, type FollowersPage, type FollowingPage, type FollowListOptions } from 'actstream';
import { Group, User } from '../../models/index.js';
import { createToken } from '../../auth/tokens.js';
import { createApp } from '../../server/app.js';
import { GENEROUS_WRITE_LIMIT, database, resetDatabase } from '../helpers/database.js';

const CROWD = 40_000;
const CHUNK = 1000;
const base = Date.UTC(2026, 0, 1);

/** Every page of a list, following `next`; the pages' sizes too. */
async function walk<T>(read: (options: FollowListOptions) => Promise<{ items: T[]; next: string | null }>, limit?: number): Promise<{ items: T[]; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  let after: string | null = null;
  do {
    const page: { items: T[]; next: string | null } = await read({ limit, after });
    items.push(...page.items);
    sizes.push(page.items.length);
    after = page.next;
  } while (after !== null);
  return { items, sizes };
}

const followersOf = (obj: User | Group) => async (options: FollowListOptions) => {
  const page: FollowersPage = await followers(obj, options);
  return { items: page.followers.map((u) => Number(u.get('id'))), next: page.next };
};
const followedBy = (user: User) => async (options: FollowListOptions) => {
  const page: FollowingPage = await following(user, options);
  return { items: page.following.map((o) => Number(o.get('id'))), next: page.next };
};

// Issue 9, item 4: followers() and following() a page at a time, whatever the numbers.
describe('follower and following lists, a page at a time (40,000 follows)', function () {
  this.timeout(300_000);
  let star: User;
  let crowd: number[];
  let app: Express;

  before(async () => {
    const sequelize = await database();
    await resetDatabase();
    app = await createApp({ sequelize, config: { sessionSecret: 'follow-lists-test', production: false, writeLimit: GENEROUS_WRITE_LIMIT } });
    star = await User.create({ name: 'Star', email: 'star@example.test' });
    crowd = [];
    // Multi-row INSERTs: 40,000 users, each following the star, and the star following each.
    // Starts repeat every 7 follows (ties broken by id). Every 1000th user also follows under a flag,
    // later; and 40 follow only under two flags: each is listed once all the same.
    for (let start = 0; start < CROWD; start += CHUNK) {
      const users = await User.bulkCreate(
        Array.from({ length: CHUNK }, (_, i) => ({ name: `Fan ${start + i}`, email: `fan${start + i}@example.test` })),
        { returning: true },
      );
      const ids = users.map((u) => u.id);
      crowd.push(...ids);
      await Follow.bulkCreate(
        ids.flatMap((id, i) => {
          const n = start + i;
          const started = new Date(base + Math.floor(n / 7));
          const later = new Date(base + 86_400_000);
          const fan = (flag: string, at = started) => ({ userId: String(id), contentType: 'User', objectId: String(star.id), flag, actorOnly: true, started: at });
          const idol = (flag: string, at = started) => ({ userId: String(star.id), contentType: 'User', objectId: String(id), flag, actorOnly: true, started: at });
          if (n % 1000 === 500) return [fan('liking'), fan('watching', later), idol('liking'), idol('watching', later)];
          return [fan(''), idol(''), ...(n % 1000 === 0 ? [fan('liking', later), idol('liking', later)] : [])];
        }),
      );
    }
    if (crowd.length !== CROWD || new Set(crowd).size !== CROWD) throw new Error('ids of the crowd did not come back');
  });
  after(() => resetDatabase());

  it('followers: every page of 500 in order, each follower once, the last page says so', async () => {
    const { items, sizes } = await walk(followersOf(star), 500);
    expect(items).to.have.length(CROWD);
    expect(items).to.deep.equal(crowd);
    expect(sizes.slice(0, -1).every((size) => size === 500)).to.equal(true);
    expect(sizes).to.have.length(CROWD / 500);
  });

  it('following: every page of 500 in order (no statement binds more than a page of ids)', async () => {
    const { items, sizes } = await walk(followedBy(star), 500);
    expect(items).to.deep.equal(crowd);
    expect(sizes).to.have.length(CROWD / 500);
  });

  it('pages hold 50 by default; a flag narrows the list', async () => {
    const first = await followers(star);
    expect(first.followers.map((u) => Number(u.get('id')))).to.deep.equal(crowd.slice(0, 50));
    expect(first.next).to.be.a('string');
    const second = await followers(star, { after: first.next });
    expect(second.followers.map((u) => Number(u.get('id')))).to.deep.equal(crowd.slice(50, 100));
    const liking = await walk(async (options) => {
      const page = await followers(star, { ...options, flag: 'liking' });
      return { items: page.followers.map((u) => Number(u.get('id'))), next: page.next };
    }, 7);
    expect(liking.items).to.deep.equal([...crowd.filter((_, n) => n % 1000 === 500), ...crowd.filter((_, n) => n % 1000 === 0)]);
    const watching = await followers(star, { flag: 'watching', limit: 500 });
    expect(watching.followers.map((u) => Number(u.get('id')))).to.deep.equal(crowd.filter((_, n) => n % 1000 === 500));
    expect(watching.next).to.equal(null);
  });

  it('refuses a limit outside 1..500 and a cursor no page produced', async () => {
    for (const limit of [0, 501, 2.5, Number.NaN]) {
      const error = await followers(star, { limit }).then(() => null, (e: unknown) => e);
      expect(error, String(limit)).to.be.instanceOf(RangeError);
      expect((error as Error).message).to.equal(`limit must be an integer from 1 to 500, got ${String(limit)}`);
    }
    const error = await following(star, { after: 'nope!' }).then(() => null, (e: unknown) => e);
    expect((error as Error).name).to.equal('InvalidCursorError');
    expect((error as { parameter?: string }).parameter).to.equal('after');
  });

  it('GET /api/followers and /api/following: every page by `next`, and 400s that say why', async () => {
    const bearer = `Bearer ${(await createToken(star, 'lists', 'api')).token}`;
    const walkApi = async (path: string, key: 'followers' | 'following') => {
      const ids: number[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const res: request.Response = await request(app).get(path).query({ limit: 500, ...(after ? { after } : {}) }).set('Authorization', bearer).expect(200);
        ids.push(...res.body[key].map((ref: { type: string; id: string }) => Number(ref.id)));
        after = res.body.next;
        pages++;
      } while (after !== null);
      return { ids, pages };
    };
    const fans = await walkApi(`/api/followers/User/${star.id}`, 'followers');
    expect(fans.ids).to.deep.equal(crowd);
    expect(fans.pages).to.equal(CROWD / 500);
    const followed = await walkApi(`/api/following/${star.id}`, 'following');
    expect(followed.ids).to.deep.equal(crowd);

    const tooMany = await request(app).get(`/api/followers/User/${star.id}?limit=501`).set('Authorization', bearer).expect(400);
    expect(tooMany.body.error).to.deep.include({ code: 'invalid_request' });
    expect(tooMany.body.error.message).to.match(/^Invalid limit: /);
    const badCursor = await request(app).get(`/api/following/${star.id}?after=nope`).set('Authorization', bearer).expect(400);
    expect(badCursor.body.error).to.deep.include({ code: 'invalid_cursor', details: { parameter: 'after' } });
  });
});
