import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { Action, Follow, action, atomically, follow, isFollowing, trackModel, unfollow, withActor } from 'actstream';
import { Group, User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { FAILURE_KINDS, breakRecording, repairRecording } from '../helpers/recording-failure.js';
import { makeGroup, makeUser } from './fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

// Issue 9, item 3, in the library: a change and its actions commit together, or neither does.
describe('both or neither: a change and its actions', () => {
  let sequelize: Sequelize;
  let ann: User;
  let group: Group;
  const stops: (() => void)[] = [];

  before(async () => {
    sequelize = await database();
  });
  beforeEach(async () => {
    await resetDatabase();
    ann = await makeUser('Ann');
    group = await makeGroup('Climbers');
  });
  afterEach(async () => {
    await repairRecording();
    while (stops.length) stops.pop()!();
  });

  for (const kind of FAILURE_KINDS) {
    describe(`when writing the action fails (${kind})`, () => {
      it('trackModel without a transaction: the row is committed before its action fails, so it stays (the documented risk)', async () => {
        stops.push(trackModel(Group, { create: 'created' }));
        await breakRecording(kind);
        await rejection(withActor(ann, () => Group.create({ name: 'Orphan' })));
        expect(await Group.count({ where: { name: 'Orphan' } })).to.equal(1);
        await repairRecording();
        expect(await Action.count()).to.equal(0);
      });

      it('atomically: the save and its action are both undone, and a retry writes each once', async () => {
        stops.push(trackModel(Group, { create: 'created' }));
        const save = () => atomically(() => withActor(ann, () => Group.create({ name: 'Safe' })));
        await breakRecording(kind);
        await rejection(save());
        expect(await Group.count({ where: { name: 'Safe' } })).to.equal(0);
        await repairRecording();
        expect(await Action.count()).to.equal(0);

        const saved = await save();
        expect(await Group.count({ where: { name: 'Safe' } })).to.equal(1);
        const actions = await Action.findAll();
        expect(actions.map((a) => [a.verb, a.actorId, a.actionObjectId])).to.deep.equal([['created', String(ann.id), String(saved.id)]]);
      });

      it('follow: no follow without its "started following", and a retry makes each once', async () => {
        await breakRecording(kind);
        await rejection(follow(ann, group));
        expect(await Follow.count()).to.equal(0);
        await repairRecording();
        expect(await Action.count()).to.equal(0);

        await follow(ann, group);
        expect(await Follow.count()).to.equal(1);
        expect((await Action.findAll()).map((a) => a.verb)).to.deep.equal(['started following']);
      });

      it('unfollow with sendAction: the follow stays when "stopped following" fails, and a retry removes it once', async () => {
        await follow(ann, group, { sendAction: false });
        await breakRecording(kind);
        await rejection(unfollow(ann, group, { sendAction: true }));
        expect(await isFollowing(ann, group)).to.equal(true);
        await repairRecording();
        expect(await Action.count()).to.equal(0);

        expect(await unfollow(ann, group, { sendAction: true })).to.equal(1);
        expect(await isFollowing(ann, group)).to.equal(false);
        expect((await Action.findAll()).map((a) => a.verb)).to.deep.equal(['stopped following']);
      });
    });
  }

  it('sends, follows and tracked saves without a transaction option use the managed transaction around them', async () => {
    stops.push(trackModel(Group, { create: 'created' }));
    const error = await rejection(
      sequelize.transaction(async () => {
        await action.send(ann, { verb: 'joined', target: group });
        await follow(ann, group);
        await unfollow(ann, group, { sendAction: true });
        await follow(ann, group, { flag: 'liking' });
        await Group.create({ name: 'Inside' });
        throw new Error('abort');
      }),
    );
    expect(error.message).to.equal('abort');
    expect(await Action.count()).to.equal(0);
    expect(await Follow.count()).to.equal(0);
    expect(await Group.count({ where: { name: 'Inside' } })).to.equal(0);
  });

  it('atomically inside atomically: a savepoint, so a failed inner part leaves the outer one to commit', async () => {
    stops.push(trackModel(Group, { create: 'created' }));
    await atomically(async () => {
      await Group.create({ name: 'Outer' });
      await rejection(
        atomically(async () => {
          await Group.create({ name: 'Inner' });
          throw new Error('inner fails');
        }),
      );
      await Group.create({ name: 'Outer again' });
    });
    expect((await Group.findAll({ order: [['id', 'ASC']] })).map((g) => g.name)).to.deep.equal(['Climbers', 'Outer', 'Outer again']);
    expect((await Action.findAll()).map((a) => a.verb)).to.deep.equal(['was created', 'was created']);
  });

  it('a follow that loses a race inside the caller’s transaction leaves that transaction usable', async () => {
    // Another connection holds the same follow, uncommitted, while the caller's transaction tries
    // to make it: the caller's INSERT waits, then clashes when the other commits (on SQLite the
    // caller's transaction waits for the other to end, and then simply finds the follow).
    const other = await sequelize.transaction();
    await Follow.create({ userId: String(ann.id), contentType: 'Group', objectId: String(group.id), flag: '', actorOnly: true }, { transaction: other });
    const committed = new Promise((resolve) => setTimeout(resolve, 300)).then(() => other.commit());
    const result = await sequelize.transaction(async (transaction) => {
      const made = follow(ann, group, { transaction, actorOnly: false });
      await committed;
      const found = await made;
      // Still usable: PostgreSQL would refuse this after a failed statement outside a savepoint.
      await Group.create({ name: 'After the race' }, { transaction });
      return found;
    });
    expect(result.actorOnly).to.equal(false);
    expect(await Follow.count()).to.equal(1);
    expect((await Follow.findOne())!.actorOnly).to.equal(false);
    expect(await Group.count({ where: { name: 'After the race' } })).to.equal(1);
    expect(await Action.count()).to.equal(0);
  });
});
