import { expect } from 'chai';
import { Action, action, follow, setup, userStream } from 'actstream';
import { Group, User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at } from './fixtures.js';

// Past a couple of dozen follows userStream switches from a union of per-object reads to one
// query probing the follows table; both must give the same feed.

async function everyPage(user: User, options: Parameters<typeof userStream>[1] = {}): Promise<Action[]> {
  const all: Action[] = [];
  let before: string | null = null;
  do {
    const page = await userStream(user, { limit: 7, ...options, before });
    all.push(...page.actions);
    before = page.next;
  } while (before);
  return all;
}

// Read from the follows, and from the written feed items (feed.ts): the same feed.
for (const feed of ['read', 'write'] as const) {
  describe(`userStream with many follows (feed ${feed})`, () => {
    let reader: User;
    let users: User[];
    let groups: Group[];

    before(async () => {
      setup(await database(), { userModel: User, feed });
    });
    after(async () => {
      setup(await database(), { userModel: User });
    });
    beforeEach(async () => {
      await resetDatabase();
      reader = await User.create({ email: 'reader@example.com', name: 'Reader' });
      users = await User.bulkCreate(Array.from({ length: 20 }, (_, i) => ({ email: `u${i}@example.com`, name: `U${i}` })));
      groups = await Group.bulkCreate(Array.from({ length: 10 }, (_, i) => ({ name: `G${i}` })));
      // Each user acts on a group, twice, at known times; half of it private.
      let second = 0;
      for (const [i, user] of users.entries()) {
        for (const round of [0, 1]) {
          await action.send(user, { verb: `v${i}.${round}`, target: groups[i % 10], timestamp: at(second++), public: !(i % 5 === 0 && round === 1) });
        }
      }
      await action.send(reader, { verb: 'mine', timestamp: at(second++) });
      await action.send(reader, { verb: 'my secret', timestamp: at(second++), public: false });
    });

    async function followAll(options: { flag?: string } = {}): Promise<void> {
      // 20 users (actor only) and 10 groups (everything done to them): 40 branches, past the union limit.
      for (const user of users) await follow(reader, user, { sendAction: false, ...options });
      for (const group of groups) await follow(reader, group, { actorOnly: false, sendAction: false, ...options });
    }

    it('gives every public action by or on what is followed, once, newest first, across pages', async () => {
      await followAll();
      const feed = await everyPage(reader);
      const everyPublicOne = await Action.findAll({
        where: { public: true, actorType: 'User' },
        order: [['timestamp', 'DESC'], ['id', 'DESC']],
      });
      const expected = everyPublicOne.filter((a) => a.actorId !== String(reader.id));
      expect(feed.map((a) => a.id)).to.deep.equal(expected.map((a) => a.id));
      expect(feed).to.have.length(36);
      expect(feed[0].actor).to.be.instanceOf(User);
    });

    it('adds the user’s own actions, private ones only when asked', async () => {
      await followAll();
      const withMine = await everyPage(reader, { withUserActivity: true });
      expect(withMine.map((a) => a.verb)).to.include('mine').and.not.include('my secret');
      const withSecret = await everyPage(reader, { withUserActivity: true, includeOwnPrivate: true });
      expect(withSecret.slice(0, 2).map((a) => a.verb)).to.deep.equal(['my secret', 'mine']);
    });

    it('honours followFlag and onlyAfterFollow', async () => {
      await followAll({ flag: 'watching' });
      expect(await everyPage(reader, { followFlag: 'liking' })).to.have.length(0);
      expect(await everyPage(reader, { followFlag: 'watching' })).to.have.length(36);
      // Every action predates the follows (fixed 2026 times vs now).
      expect(await everyPage(reader, { onlyAfterFollow: true })).to.have.length(0);
    });
  });

  describe(`userStream on a sparse feed (feed ${feed})`, () => {
    before(async () => {
      setup(await database(), { userModel: User, feed });
    });
    after(async () => {
      setup(await database(), { userModel: User });
    });
    // The one-statement walk covers the newest 25 × (limit + 1) actions; what it misses below that
    // must still come, read from the follows instead.
    let reader: User;
    let quiet: User;
    let noisy: User[];
    let group: Group;

    before(database);
    beforeEach(async () => {
      await resetDatabase();
      reader = await User.create({ email: 'reader@example.com', name: 'Reader' });
      quiet = await User.create({ email: 'quiet@example.com', name: 'Quiet' });
      group = await Group.create({ name: 'Followed group' });
      noisy = await User.bulkCreate(Array.from({ length: 5 }, (_, i) => ({ email: `n${i}@example.com`, name: `N${i}` })));
      await action.send(quiet, { verb: 'spoke', timestamp: at(0) });
      await action.send(noisy[0], { verb: 'joined', target: group, timestamp: at(1) });
      await action.send(quiet, { verb: 'spoke', timestamp: at(2), public: false });
      await action.send(quiet, { verb: 'sang', timestamp: at(3) });
      // 300 newer actions by people the reader does not follow, on nothing the reader follows.
      await action.sendMany(Array.from({ length: 300 }, (_, i) => ({ actor: noisy[i % 5], verb: 'chatter', timestamp: at(10 + i) })));
      await action.send(quiet, { verb: 'spoke', timestamp: at(400) });
      await follow(reader, quiet, { sendAction: false });
      await follow(reader, group, { actorOnly: false, sendAction: false });
    });

    it('finds the followed actions far below the newest ones, across pages, newest first', async () => {
      const feed = await everyPage(reader, { limit: 2 });
      expect(feed.map((a) => `${a.actorLabel} ${a.verb}`)).to.deep.equal(['Quiet spoke', 'Quiet sang', 'N0 joined', 'Quiet spoke']);
      expect(feed.map((a) => a.timestamp.getTime())).to.deep.equal([at(400), at(3), at(1), at(0)].map((d) => d.getTime()));
    });

    it('applies the filters below the window too', async () => {
      expect((await everyPage(reader, { limit: 2, verb: 'spoke' })).map((a) => a.timestamp.getTime())).to.deep.equal(
        [at(400), at(0)].map((d) => d.getTime()),
      );
      expect((await everyPage(reader, { limit: 1, until: at(5), withUserActivity: true })).map((a) => a.verb)).to.deep.equal([
        'sang',
        'joined',
        'spoke',
      ]);
    });
  });
}
