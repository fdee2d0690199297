import { expect } from 'chai';
import { DataTypes, Model, type Sequelize } from 'sequelize';
import {
  Action,
  NotRegisteredError,
  action,
  actionObjectStream,
  actorStream,
  anyStream,
  follow,
  followers,
  following,
  isFollowing,
  labelOf,
  labelOfReference,
  modelStream,
  registry,
  targetStream,
  unfollow,
  userStream,
} from 'actstream';
import { Comment, Group, User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { makeComment, makeGroup, makeUser } from './fixtures.js';

// A model the app never registers: everything actstream does with it must refuse, naming it.
class Gadget extends Model {
  declare id: number;
}

describe('actstream registry and labels', () => {
  let sequelize: Sequelize;

  before(async () => {
    sequelize = await database();
    Gadget.init({ id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true } }, { sequelize, tableName: 'gadgets_registry_test', timestamps: false });
    await Gadget.sync({ force: true });
  });
  after(async () => {
    registry.unregister(Gadget);
    await Gadget.drop();
  });
  beforeEach(() => resetDatabase(['gadgets_registry_test']));

  it('tells registered models and instances from unregistered ones', async () => {
    const user = await makeUser('Ann');
    expect(registry.isRegistered(User)).to.equal(true);
    expect(registry.isRegistered(user)).to.equal(true);
    expect(registry.isRegistered(Gadget)).to.equal(false);
    expect(registry.isRegistered(Gadget.build({ id: 1 }))).to.equal(false);
  });

  it('registers and unregisters, and registering twice is harmless', () => {
    registry.register(Gadget, Gadget);
    expect(registry.isRegistered(Gadget)).to.equal(true);
    registry.unregister(Gadget);
    expect(registry.isRegistered(Gadget)).to.equal(false);
    registry.unregister(Gadget);
    expect(registry.isRegistered(Gadget)).to.equal(false);
  });

  it('lets a newly registered model act and be streamed', async () => {
    const gadget = await Gadget.create();
    registry.register(Gadget);
    try {
      await action.send(gadget, { verb: 'beeped' });
      const { actions } = await actorStream(gadget);
      expect(actions.map((a) => a.toString(a.timestamp))).to.deep.equal([`Gadget ${gadget.id} beeped 0 minutes ago`]);
    } finally {
      registry.unregister(Gadget);
    }
  });

  it('still reads actions that reference a model unregistered since', async () => {
    const user = await makeUser('Ann');
    const gadget = await Gadget.create();
    registry.register(Gadget);
    try {
      await action.send(user, { verb: 'fixed', target: gadget });
    } finally {
      registry.unregister(Gadget);
    }
    const { actions } = await actorStream(user);
    expect(actions[0].target).to.equal(null);
    expect(actions[0].toString(actions[0].timestamp)).to.equal(`Ann fixed Gadget ${gadget.id} 0 minutes ago`);
  });

  describe('NotRegisteredError, naming the model', () => {
    let user: User;
    let gadget: Gadget;

    beforeEach(async () => {
      user = await makeUser('Ann');
      gadget = await Gadget.create();
    });

    const cases: [string, () => Promise<unknown>][] = [
      ['send as actor', () => action.send(gadget, { verb: 'beeped' })],
      ['send as target', () => action.send(user, { verb: 'fixed', target: gadget })],
      ['send as action object', () => action.send(user, { verb: 'fixed', actionObject: gadget })],
      ['sendMany', () => action.sendMany([{ actor: user, verb: 'ok' }, { actor: gadget, verb: 'beeped' }])],
      ['follow', () => follow(user, gadget)],
      ['unfollow', () => unfollow(user, gadget)],
      ['isFollowing', () => isFollowing(user, gadget)],
      ['followers', () => followers(gadget)],
      ['following with models', () => following(user, { models: [Gadget] })],
      ['actorStream', () => actorStream(gadget)],
      ['targetStream', () => targetStream(gadget)],
      ['actionObjectStream', () => actionObjectStream(gadget)],
      ['anyStream', () => anyStream(gadget)],
      ['modelStream with a model', () => modelStream(Gadget)],
      ['modelStream with an instance', () => modelStream(gadget)],
    ];
    for (const [name, call] of cases) {
      it(`is thrown by ${name}`, async () => {
        const error = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(NotRegisteredError);
        expect((error as Error).message).to.contain('Gadget');
        expect(await Action.count()).to.equal(0);
      });
    }

    it('is thrown for a user of an unregistered user model (streams, follows)', async () => {
      const group = await makeGroup('Readers');
      registry.unregister(User);
      try {
        for (const call of [() => userStream(user), () => actorStream(user), () => follow(user, group), () => action.send(user, { verb: 'x' })]) {
          const error = await call().then(
            () => null,
            (e: unknown) => e,
          );
          expect(error).to.be.instanceOf(NotRegisteredError);
          expect((error as Error).message).to.contain('User');
        }
      } finally {
        registry.register(User);
      }
      expect(registry.isRegistered(User)).to.equal(true);
      expect(await Action.count()).to.equal(0);
    });
  });

  describe('labels', () => {
    it("uses the model's own toString where it has one", async () => {
      const user = await makeUser('Ann Smith');
      const group = await makeGroup('Climbers');
      expect(labelOf(user)).to.equal('Ann Smith');
      expect(labelOf(group)).to.equal('Climbers');
    });

    it('reads "<Model> <id>" for a model without its own toString', async () => {
      const comment = await makeComment('hello');
      expect(labelOf(comment)).to.equal(`Comment ${comment.id}`);
      expect(labelOfReference('Comment', '7')).to.equal('Comment 7');
    });

    it('labels a deleted object "<Model> <id>" in its actions', async () => {
      const user = await makeUser('Ann');
      const group = await makeGroup('Climbers');
      const comment = await makeComment('hello', group);
      await action.send(user, { verb: 'wrote', actionObject: comment, target: group });
      const groupId = group.id;
      const commentId = comment.id;
      await comment.destroy();
      await Group.destroy({ where: { id: groupId } });
      const { actions } = await actorStream(user);
      expect(actions).to.have.length(1);
      expect(actions[0].actionObject).to.equal(null);
      expect(actions[0].target).to.equal(null);
      expect(actions[0].toString(actions[0].timestamp)).to.equal(`Ann wrote Comment ${commentId} on Group ${groupId} 0 minutes ago`);
      expect(await Comment.count()).to.equal(0);
    });
  });
});
