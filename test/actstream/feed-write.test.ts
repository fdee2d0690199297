import { expect } from 'chai';
import type { Sequelize, Transaction } from 'sequelize';
import { Action, Follow, action, atomically, follow, setup, trackModel, trimFeeds, unfollow, userStream, type StreamPage } from 'actstream';
import { Group, User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at, ids, makeGroup, makeUser, recordQueries } from './fixtures.js';

// Fan-out on write (setup({ feed: 'write' }), actstream/feed.ts): what lands in actstream_feed_items,
// when it goes, and that every feed read from the items is the feed read from the follows.

/** The action ids in the user's feed items, newest first. */
async function items(sequelize: Sequelize, user: User, transaction?: Transaction): Promise<number[]> {
  const [rows] = await sequelize.query('SELECT "actionId" FROM actstream_feed_items WHERE "userId" = ? ORDER BY "timestamp" DESC, "actionId" DESC'.replace(/"/g, sequelize.getDialect() === 'mysql' ? '`' : '"'), {
    replacements: [String(user.id)],
    transaction,
  });
  return (rows as { actionId: number }[]).map((row) => Number(row.actionId));
}

async function everyPage(user: User, limit: number): Promise<number[]> {
  const all: number[] = [];
  let before: string | null = null;
  do {
    const page: StreamPage = await userStream(user, { limit, before });
    all.push(...ids(page.actions));
    before = page.next;
  } while (before);
  return all;
}

/** The same feed read from the follows (feed 'read'), to compare with. */
async function readFanOut(sequelize: Sequelize, user: User, limit: number, options: { feedKeep?: number; feedHotFollowers?: number }): Promise<number[]> {
  setup(sequelize, { userModel: User, feed: 'read' });
  try {
    return await everyPage(user, limit);
  } finally {
    setup(sequelize, { userModel: User, feed: 'write', ...options });
  }
}

// A statement reading the follows per user: the walk or the heads of the read fan-out.
const READS_FOLLOWS = /actstream_follows\W+f WHERE/;

describe('feed write: fan-out on write', () => {
  let sequelize: Sequelize;
  let ann: User;
  let bob: User;
  let cat: User;
  let climbers: Group;

  before(async () => {
    sequelize = await database();
  });
  beforeEach(async () => {
    setup(sequelize, { userModel: User, feed: 'write' });
    await resetDatabase();
    ann = await makeUser('Ann');
    bob = await makeUser('Bob');
    cat = await makeUser('Cat');
    climbers = await makeGroup('Climbers');
  });
  after(() => {
    setup(sequelize, { userModel: User });
  });

  it('a follow copies the object’s public actions into the feed, and the page is read from them', async () => {
    const sent = await action.sendMany([
      { actor: bob, verb: 'one', timestamp: at(1) },
      { actor: bob, verb: 'secret', timestamp: at(2), public: false },
      { actor: bob, verb: 'two', target: climbers, timestamp: at(3) },
      { actor: cat, verb: 'not followed', timestamp: at(4) },
      { actor: bob, verb: 'three', timestamp: at(5) },
    ]);
    expect(await items(sequelize, ann)).to.deep.equal([]);
    await follow(ann, bob, { sendAction: false });
    expect(await items(sequelize, ann)).to.deep.equal([sent[4].id, sent[2].id, sent[0].id]);

    const { result, queries } = await recordQueries(sequelize, () => userStream(ann, { limit: 2 }));
    expect(result.actions.map((a) => a.verb)).to.deep.equal(['three', 'two']);
    expect(queries.some((q) => q.includes('actstream_feed_items'))).to.equal(true);
    expect(queries.filter((q) => READS_FOLLOWS.test(q))).to.deep.equal([]);
    expect(await everyPage(ann, 2)).to.deep.equal([sent[4].id, sent[2].id, sent[0].id]);
  });

  it('a send reaches the feeds of the followers of its actor, target and action object; a private one none', async () => {
    await follow(ann, bob, { sendAction: false });
    await follow(cat, climbers, { actorOnly: false, sendAction: false });
    await follow(bob, climbers, { sendAction: false }); // actorOnly: not what is done to climbers
    const joined = await action.send(bob, { verb: 'joined', target: climbers, timestamp: at(1) });
    const secret = await action.send(bob, { verb: 'secret', target: climbers, actionObject: ann, public: false, timestamp: at(2) });
    const [many] = await action.sendMany([{ actor: cat, verb: 'thanked', actionObject: climbers, timestamp: at(3) }]);
    expect(await items(sequelize, ann)).to.deep.equal([joined.id]);
    expect(await items(sequelize, cat)).to.deep.equal([many.id, joined.id]);
    expect(await items(sequelize, bob)).to.deep.equal([]);
    for (const user of [ann, bob, cat]) expect(await items(sequelize, user)).not.to.include(secret.id);
  });

  it('an action rolled back leaves no feed items', async () => {
    await follow(ann, bob, { sendAction: false });
    await sequelize
      .transaction(async (transaction) => {
        const one = await action.send(bob, { verb: 'uncommitted', transaction, timestamp: at(1) });
        const [two] = await action.sendMany([{ actor: bob, verb: 'uncommitted too', timestamp: at(2) }], { transaction });
        expect(await items(sequelize, ann, transaction)).to.deep.equal([two.id, one.id]);
        throw new Error('abort');
      })
      .catch(() => undefined);
    expect(await items(sequelize, ann)).to.deep.equal([]);
    expect(await Action.count()).to.equal(0);
  });

  it('an action sent in a savepoint of a savepoint rolls back with it (Sequelize once reused the savepoint name)', async () => {
    // Tracked creates send their actions in a savepoint of the create's transaction (feed 'write').
    const stop = trackModel(Group, { create: 'created' });
    try {
      await follow(ann, climbers, { actorOnly: false, sendAction: false });
      await atomically(async () => {
        await Group.create({ name: 'Outer' });
        await atomically(async () => {
          await Group.create({ name: 'Inner' });
          throw new Error('inner fails');
        }).catch(() => undefined);
      });
    } finally {
      stop();
    }
    expect((await Group.findAll({ order: [['id', 'ASC']] })).map((g) => g.name)).to.deep.equal(['Climbers', 'Outer']);
    expect(await Action.count()).to.equal(1);
  });

  it('unfollow removes what only that follow brought in, in the same transaction', async () => {
    const [solo, onClimbers] = await action.sendMany([
      { actor: bob, verb: 'solo', timestamp: at(1) },
      { actor: bob, verb: 'on climbers', target: climbers, timestamp: at(2) },
    ]);
    await follow(ann, bob, { sendAction: false });
    await follow(ann, climbers, { actorOnly: false, sendAction: false });
    expect(await items(sequelize, ann)).to.deep.equal([onClimbers.id, solo.id]);
    // A failed unfollow (its transaction rolled back) keeps them.
    await sequelize
      .transaction(async (transaction) => {
        await unfollow(ann, bob, { transaction });
        throw new Error('abort');
      })
      .catch(() => undefined);
    expect(await items(sequelize, ann)).to.deep.equal([onClimbers.id, solo.id]);
    await unfollow(ann, bob);
    expect(await items(sequelize, ann)).to.deep.equal([onClimbers.id]);
    await unfollow(ann, climbers, { sendAction: true });
    expect(await items(sequelize, ann)).to.deep.equal([]);
    expect(await everyPage(ann, 5)).to.deep.equal([]);
  });

  it('turning actorOnly off copies what is done to the object; back on removes it', async () => {
    const [by, to] = await action.sendMany([
      { actor: climbers, verb: 'by climbers', timestamp: at(1) },
      { actor: cat, verb: 'to climbers', actionObject: climbers, timestamp: at(2) },
    ]);
    await follow(ann, climbers, { sendAction: false });
    expect(await items(sequelize, ann)).to.deep.equal([by.id]);
    await follow(ann, climbers, { actorOnly: false, sendAction: false });
    expect(await items(sequelize, ann)).to.deep.equal([to.id, by.id]);
    await follow(ann, climbers, { actorOnly: true, sendAction: false });
    expect(await items(sequelize, ann)).to.deep.equal([by.id]);
  });

  it('follow writes that bypass follow() (the admin’s Follow.create, bulk destroys, deleting a user) keep the items right', async () => {
    const [one] = await action.sendMany([{ actor: bob, verb: 'one', timestamp: at(1) }]);
    await Follow.create({ userId: String(ann.id), contentType: 'User', objectId: String(bob.id) });
    await Follow.create({ userId: String(cat.id), contentType: 'User', objectId: String(bob.id) });
    expect(await items(sequelize, ann)).to.deep.equal([one.id]);
    await Follow.destroy({ where: { userId: String(ann.id) } });
    expect(await items(sequelize, ann)).to.deep.equal([]);
    expect(await items(sequelize, cat)).to.deep.equal([one.id]);
    // Deleting the action deletes its items; deleting the follower deletes their feed.
    const two = await action.send(bob, { verb: 'two', timestamp: at(2) });
    expect(await items(sequelize, cat)).to.deep.equal([two.id, one.id]);
    await one.destroy();
    expect(await items(sequelize, cat)).to.deep.equal([two.id]);
    await cat.destroy();
    expect(await items(sequelize, cat)).to.deep.equal([]);
  });

  describe('bounded per user', () => {
    beforeEach(() => {
      setup(sequelize, { userModel: User, feed: 'write', feedKeep: 5 });
    });

    it('keeps the newest feedKeep items, and reads older pages from the follows', async () => {
      const old = await action.sendMany(Array.from({ length: 12 }, (_, i) => ({ actor: bob, verb: `old ${i}`, timestamp: at(i) })));
      await follow(ann, bob, { sendAction: false });
      // The backfill copies the newest 5 only.
      expect(await items(sequelize, ann)).to.deep.equal(ids(old).reverse().slice(0, 5));
      const everything = ids(old).reverse();
      expect(await everyPage(ann, 2)).to.deep.equal(everything);
      expect(await everyPage(ann, 3)).to.deep.equal(await readFanOut(sequelize, ann, 3, { feedKeep: 5 }));

      // Sends add items past the bound until the trim (the retention job) takes them back to 5.
      const fresh = await action.sendMany(Array.from({ length: 4 }, (_, i) => ({ actor: bob, verb: `new ${i}`, timestamp: at(100 + i) })));
      expect(await items(sequelize, ann)).to.have.length(9);
      expect(await trimFeeds()).to.equal(1);
      const newest = [...ids(fresh).reverse(), ...everything];
      expect(await items(sequelize, ann)).to.deep.equal(newest.slice(0, 5));
      expect(await trimFeeds()).to.equal(0);
      expect(await everyPage(ann, 2)).to.deep.equal(newest);
      // The first page comes from the items alone.
      const { queries } = await recordQueries(sequelize, () => userStream(ann, { limit: 3 }));
      expect(queries.filter((q) => READS_FOLLOWS.test(q))).to.deep.equal([]);
    });
  });

  describe('hot objects', () => {
    beforeEach(() => {
      setup(sequelize, { userModel: User, feed: 'write', feedHotFollowers: 2 });
    });

    it('an object with more followers than feedHotFollowers is not copied, and is merged in at read time', async () => {
      const celebrity = await makeUser('Celebrity');
      const fans = [ann, cat, await makeUser('Dan')];
      await action.sendMany(Array.from({ length: 6 }, (_, i) => ({ actor: bob, verb: `bob ${i}`, timestamp: at(2 * i) })));
      const early = await action.send(celebrity, { verb: 'early', timestamp: at(3) });
      for (const fan of fans) await follow(fan, bob, { sendAction: false });
      await follow(ann, celebrity, { sendAction: false });
      await follow(cat, celebrity, { sendAction: false });
      expect(await items(sequelize, ann)).to.include(early.id);
      // The third follower makes it hot: nothing of it is copied any more, for anyone.
      await follow(fans[2], celebrity, { sendAction: false });
      expect(await items(sequelize, fans[2])).not.to.include(early.id);
      const late = await action.send(celebrity, { verb: 'late', timestamp: at(7) });
      for (const fan of fans) expect(await items(sequelize, fan)).not.to.include(late.id);

      for (const fan of fans) {
        const feed = await everyPage(fan, 3);
        expect(feed).to.include.members([early.id, late.id]);
        expect(feed).to.deep.equal(await readFanOut(sequelize, fan, 3, { feedHotFollowers: 2 }));
      }
      // Read from the items and the hot object's branch, not from the follows.
      const { result, queries } = await recordQueries(sequelize, () => userStream(fans[2], { limit: 3 }));
      expect(result.actions.map((a) => a.verb)).to.deep.equal(['bob 5', 'bob 4', 'late']);
      expect(queries.filter((q) => READS_FOLLOWS.test(q))).to.deep.equal([]);
    });
  });

  it('falls back to the follows for options the items cannot answer', async () => {
    await action.sendMany(Array.from({ length: 6 }, (_, i) => ({ actor: bob, verb: i % 2 ? 'odd' : 'even', timestamp: at(i) })));
    await follow(ann, bob, { sendAction: false, flag: 'liking' });
    for (const options of [{ verb: 'odd' }, { followFlag: 'liking' }, { onlyAfterFollow: true }]) {
      const { queries } = await recordQueries(sequelize, () => userStream(ann, { limit: 2, ...options }));
      expect(queries.some((q) => READS_FOLLOWS.test(q)), JSON.stringify(options)).to.equal(true);
    }
    expect((await userStream(ann, { verb: 'odd' })).actions.map((a) => a.verb)).to.deep.equal(['odd', 'odd', 'odd']);
  });
});
