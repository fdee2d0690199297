import { expect } from 'chai';
import { Action, action, follow, userStream } from '../../actstream/index.js';
import { Group, User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at } from './fixtures.js';

// Past a couple of dozen follows userStream switches from a union of per-object reads to one
// query probing the follows table; both must give the same feed.

async function everyPage(user: User, options: Parameters<typeof userStream>[1] = {}): Promise<Action[]> {
  const all: Action[] = [];
  let before: string | null = null;
  do {
    const page = await userStream(user, { ...options, limit: 7, before });
    all.push(...page.actions);
    before = page.next;
  } while (before);
  return all;
}

describe('userStream with many follows', () => {
  let reader: User;
  let users: User[];
  let groups: Group[];

  before(database);
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
