import { expect } from 'chai';
import {
  Follow,
  action,
  actorStream,
  anyStream,
  follow,
  modelStream,
  targetStream,
  userStream,
  type Action,
  type StreamOptions,
  type StreamPage,
} from 'actstream';
import { Group, User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at, dataStatements, ids, makeGroup, makeUser, recordQueries } from './fixtures.js';

type Read = (options: StreamOptions) => Promise<StreamPage>;

/** Walks every page; `between` runs after each page (to write while someone is paging). */
async function walk(read: Read, limit: number, between: () => Promise<void> = async () => {}): Promise<Action[][]> {
  const pages: Action[][] = [];
  let before: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const page: StreamPage = await read({ limit, before });
    pages.push(page.actions);
    if (page.next === null) return pages;
    expect(page.actions).to.have.length(limit);
    before = page.next;
    await between();
  }
  throw new Error('pagination did not end');
}

/** The expected order: newest first, ties by id descending. */
function newestFirst(actions: Action[]): number[] {
  return [...actions].sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime() || b.id - a.id).map((a) => a.id);
}

describe('stream pagination', () => {
  let ann: User;
  let bob: User;
  let group: Group;
  let expectedByAnn: Action[];
  let all: Action[];

  before(() => database());
  beforeEach(async () => {
    await resetDatabase();
    ann = await makeUser('Ann');
    bob = await makeUser('Bob');
    group = await makeGroup('Climbers');
    // 53 actions in bursts of equal timestamps (ties cross page boundaries), some private.
    all = await action.sendMany(
      Array.from({ length: 53 }, (_, i) => ({
        actor: i % 2 === 0 ? ann : bob,
        verb: `v${i}`,
        target: i % 3 === 0 ? group : null,
        public: i % 10 !== 7,
        timestamp: at(Math.floor(i / 4)),
      })),
    );
    expectedByAnn = all.filter((a) => a.actorId === String(ann.id) && a.public);
  });

  it('walks actorStream page by page with no duplicates and no gaps', async () => {
    for (const limit of [1, 3, 5, 27, 100]) {
      const pages = await walk((o) => actorStream(ann, o), limit);
      expect(pages.flat().map((a) => a.id), `limit ${limit}`).to.deep.equal(newestFirst(expectedByAnn));
    }
  });

  it('walks union streams (any, model) and the user feed the same way', async () => {
    const publicOnes = all.filter((a) => a.public);
    await follow(bob, ann, { sendAction: false });
    await follow(bob, group, { actorOnly: false, sendAction: false });
    const feedIds = newestFirst(publicOnes.filter((a) => a.actorId === String(ann.id) || a.targetId === String(group.id)));
    const cases: [string, Read, number[]][] = [
      ['any', (o) => anyStream(group, o), newestFirst(publicOnes.filter((a) => a.targetId === String(group.id)))],
      ['model', (o) => modelStream(User, o), newestFirst(publicOnes)],
      ['target', (o) => targetStream(group, o), newestFirst(publicOnes.filter((a) => a.targetId === String(group.id)))],
      ['user', (o) => userStream(bob, o), feedIds],
    ];
    for (const [name, read, expected] of cases) {
      expect(expected.length, name).to.be.greaterThan(7);
      for (const limit of [4, 7]) {
        const pages = await walk(read, limit);
        expect(pages.flat().map((a) => a.id), `${name}, limit ${limit}`).to.deep.equal(expected);
      }
    }
  });

  it('stays stable while new actions arrive between pages', async () => {
    const tieTime = at(Math.floor(20 / 4));
    let added = 0;
    const pages = await walk(
      (o) => actorStream(ann, o),
      4,
      async () => {
        added += 1;
        // A brand-new action, and one stamped exactly like actions already paged (a later id).
        await action.send(ann, { verb: `new${added}` });
        await action.send(ann, { verb: `tie${added}`, timestamp: tieTime });
      },
    );
    expect(added).to.be.greaterThan(3);
    const seen = pages.flat().map((a) => a.id);
    expect(new Set(seen).size).to.equal(seen.length);
    // Every original action exactly once, in order; arrivals newer than the cursor never slip in.
    const original = new Set(expectedByAnn.map((a) => a.id));
    expect(seen.filter((id) => original.has(id))).to.deep.equal(newestFirst(expectedByAnn));
    expect(pages.flat().filter((a) => a.verb.startsWith('new'))).to.deep.equal([]);
    // A fresh first page does show them.
    const fresh = await actorStream(ann, { limit: 1 });
    expect(fresh.actions[0].verb).to.equal(`new${added}`);
  });

  it('keeps since and until across pages', async () => {
    const options = { since: at(2), until: at(10) };
    const expected = newestFirst(expectedByAnn.filter((a) => a.timestamp >= at(2) && a.timestamp <= at(10)));
    const pages = await walk((o) => actorStream(ann, { ...o, ...options }), 3);
    expect(pages.flat().map((a) => a.id)).to.deep.equal(expected);
  });

  it('pages a feed of more follows than fit in one union of branches', async () => {
    const users = await User.bulkCreate(Array.from({ length: 230 }, (_, i) => ({ name: `u${i}`, email: `bulk${i}@example.test` })));
    await Follow.bulkCreate(users.map((u) => ({ userId: String(ann.id), contentType: 'User', objectId: String(u.id), started: at(0) })));
    const sent = await action.sendMany(users.map((u, i) => ({ actor: u, verb: `bulk${i}`, timestamp: at(100 + (i % 17)) })));
    const pages = await walk((o) => userStream(ann, o), 50);
    expect(pages).to.have.length(5);
    expect(pages.flat().map((a) => a.id)).to.deep.equal(newestFirst(sent));
    expect(ids(pages[0]).length).to.equal(50);
    // A dense feed: the page and its actors, two statements, however many follows.
    const sequelize = await database();
    const { result, queries } = await recordQueries(sequelize, () => userStream(ann, { limit: 20 }));
    expect(result.actions).to.have.length(20);
    expect(dataStatements(queries)).to.have.length(2);
  });
});
