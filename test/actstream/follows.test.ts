import { expect } from 'chai';
import { Action, ActstreamArgumentError, Follow, follow, followers, following, isFollowing, unfollow } from 'actstream';
import { Comment, Group, User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { makeComment, makeGroup, makeUser } from './fixtures.js';

async function actionsSent(): Promise<string[]> {
  const all = await Action.findAll({ order: [['id', 'ASC']] });
  return all.map((a) => `${a.actorType} ${a.actorId} ${a.verb} ${a.targetType ?? '-'} ${a.targetId ?? '-'}`);
}

describe('follows', () => {
  let ann: User;
  let bob: User;
  let cat: User;
  let group: Group;

  before(() => database());
  beforeEach(async () => {
    await resetDatabase();
    ann = await makeUser('Ann');
    bob = await makeUser('Bob');
    cat = await makeUser('Cat');
    group = await makeGroup('Climbers');
  });

  describe('follow', () => {
    it('creates the follow with defaults and sends "started following" with the object as target', async () => {
      const f = await follow(ann, group);
      expect(f).to.be.instanceOf(Follow);
      expect(f.userId).to.equal(String(ann.id));
      expect(f.contentType).to.equal('Group');
      expect(f.objectId).to.equal(String(group.id));
      expect(f.actorOnly).to.equal(true);
      expect(f.flag).to.equal('');
      expect(f.started).to.be.instanceOf(Date);
      expect(await actionsSent()).to.deep.equal([`User ${ann.id} started following Group ${group.id}`]);
    });

    it('sends "started <flag>" for a flagged follow', async () => {
      const f = await follow(ann, bob, { flag: 'liking' });
      expect(f.flag).to.equal('liking');
      expect(await actionsSent()).to.deep.equal([`User ${ann.id} started liking User ${bob.id}`]);
    });

    it('sends nothing with sendAction false', async () => {
      await follow(ann, group, { sendAction: false });
      expect(await isFollowing(ann, group)).to.equal(true);
      expect(await Action.count()).to.equal(0);
    });

    it('makes no duplicate and no second action when following again, and updates actorOnly', async () => {
      const first = await follow(ann, group);
      const again = await follow(ann, group, { actorOnly: false });
      expect(again.id).to.equal(first.id);
      expect(again.actorOnly).to.equal(false);
      expect(await Follow.count()).to.equal(1);
      expect((await Follow.findByPk(first.id))!.actorOnly).to.equal(false);
      await follow(ann, group, { actorOnly: true });
      expect((await Follow.findByPk(first.id))!.actorOnly).to.equal(true);
      expect(await Action.count()).to.equal(1);
    });

    it('keeps one follow per flag', async () => {
      await follow(ann, group);
      await follow(ann, group, { flag: 'watching' });
      await follow(ann, group, { flag: 'watching' });
      expect(await Follow.count()).to.equal(2);
      expect((await Action.findAll({ order: [['id', 'ASC']] })).map((a) => a.verb)).to.deep.equal(['started following', 'started watching']);
    });

    it('runs in a transaction: rolled back, nothing stays', async () => {
      const sequelize = await database();
      const t = await sequelize.transaction();
      await follow(ann, group, { transaction: t });
      await t.rollback();
      expect(await Follow.count()).to.equal(0);
      expect(await Action.count()).to.equal(0);
    });

    it('makes one follow and one action when the same follow races itself', async () => {
      const results = await Promise.all([follow(ann, group), follow(ann, group), follow(ann, group)]);
      expect(new Set(results.map((f) => f.id)).size).to.equal(1);
      expect(await Follow.count()).to.equal(1);
      expect(await Action.count()).to.equal(1);
    });

    it('reads inside a transaction what the transaction wrote', async () => {
      const sequelize = await database();
      await sequelize.transaction(async (transaction) => {
        await follow(ann, group, { flag: 'watching', transaction });
        expect(await isFollowing(ann, group, { transaction })).to.equal(true);
        expect((await followers(group, { transaction })).followers.map(String)).to.deep.equal(['Ann']);
        expect((await following(ann, { transaction })).following.map(String)).to.deep.equal(['Climbers']);
        expect(await unfollow(ann, group, { transaction })).to.equal(1);
      });
      expect(await Follow.count()).to.equal(0);
    });

    it('refuses a flag that is not a short string', async () => {
      for (const flag of ['x'.repeat(101), 5 as unknown as string]) {
        const error = await follow(ann, group, { flag }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(ActstreamArgumentError);
      }
      expect(await Follow.count()).to.equal(0);
      expect(await Action.count()).to.equal(0);
    });

    it('only lets instances of the user model follow', async () => {
      const error = await follow(group as unknown as User, ann).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ActstreamArgumentError);
      expect(await Follow.count()).to.equal(0);
    });
  });

  describe('unfollow', () => {
    it('removes one flag, leaving the others', async () => {
      await follow(ann, group);
      await follow(ann, group, { flag: 'watching' });
      await unfollow(ann, group, { flag: 'watching' });
      expect(await isFollowing(ann, group, { flag: 'watching' })).to.equal(false);
      expect(await isFollowing(ann, group, { flag: '' })).to.equal(true);
    });

    it('without a flag removes every flag', async () => {
      await follow(ann, group);
      await follow(ann, group, { flag: 'watching' });
      await follow(bob, group);
      await unfollow(ann, group);
      expect(await isFollowing(ann, group)).to.equal(false);
      expect(await Follow.count()).to.equal(1);
      expect(await isFollowing(bob, group)).to.equal(true);
    });

    it('sends no action by default', async () => {
      await follow(ann, group, { sendAction: false });
      await unfollow(ann, group);
      expect(await Action.count()).to.equal(0);
    });

    it('sends "stopped following" / "stopped <flag>" with sendAction', async () => {
      await follow(ann, group, { sendAction: false });
      await follow(ann, bob, { flag: 'liking', sendAction: false });
      await unfollow(ann, group, { sendAction: true });
      await unfollow(ann, bob, { flag: 'liking', sendAction: true });
      expect(await actionsSent()).to.deep.equal([
        `User ${ann.id} stopped following Group ${group.id}`,
        `User ${ann.id} stopped liking User ${bob.id}`,
      ]);
    });

    it('sends nothing when there was nothing to unfollow', async () => {
      await unfollow(ann, group, { sendAction: true });
      expect(await Action.count()).to.equal(0);
    });
  });

  describe('isFollowing', () => {
    it('is true for any flag without a flag, and for that flag only with one', async () => {
      expect(await isFollowing(ann, group)).to.equal(false);
      await follow(ann, group, { flag: 'watching' });
      expect(await isFollowing(ann, group)).to.equal(true);
      expect(await isFollowing(ann, group, { flag: 'watching' })).to.equal(true);
      expect(await isFollowing(ann, group, { flag: 'liking' })).to.equal(false);
      expect(await isFollowing(ann, group, { flag: '' })).to.equal(false);
      expect(await isFollowing(bob, group)).to.equal(false);
    });

    it('does not confuse objects of different models with the same id', async () => {
      // An explicit id: a Comment and a Group sharing the same primary key value.
      const comment = await Comment.create({ id: group.id, text: 'same id' });
      await follow(ann, group);
      expect(await isFollowing(ann, comment)).to.equal(false);
      expect(await followers(comment)).to.deep.equal({ followers: [], next: null });
    });
  });

  describe('followers', () => {
    it('lists the users following an object, each once, by flag or any flag', async () => {
      await follow(ann, group);
      await follow(bob, group, { flag: 'watching' });
      await follow(cat, group, { flag: 'watching' });
      await follow(cat, group);
      await follow(ann, bob);
      const all = (await followers(group)).followers;
      expect(all.map((u) => (u as User).name)).to.deep.equal(['Ann', 'Bob', 'Cat']);
      expect(all[0]).to.be.instanceOf(User);
      expect((await followers(group, { flag: 'watching' })).followers.map((u) => (u as User).name)).to.deep.equal(['Bob', 'Cat']);
      expect((await followers(group, { flag: '' })).followers.map((u) => (u as User).name)).to.deep.equal(['Ann', 'Cat']);
      expect((await followers(bob)).followers.map((u) => (u as User).name)).to.deep.equal(['Ann']);
      expect(await followers(cat)).to.deep.equal({ followers: [], next: null });
    });
  });

  describe('following', () => {
    it('lists followed objects of every model, each once', async () => {
      const other = await makeGroup('Runners');
      await follow(ann, group);
      await follow(ann, group, { flag: 'watching' });
      await follow(ann, bob);
      await follow(ann, other, { flag: 'watching' });
      const all = (await following(ann)).following;
      expect(all.map((o) => `${o.constructor.name} ${String(o.get('id'))}`)).to.deep.equal([
        `Group ${group.id}`,
        `User ${bob.id}`,
        `Group ${other.id}`,
      ]);
      expect(all[0]).to.be.instanceOf(Group);
      expect(all[1]).to.be.instanceOf(User);
    });

    it('filters by models and by flag', async () => {
      const other = await makeGroup('Runners');
      await follow(ann, group);
      await follow(ann, bob, { flag: 'liking' });
      await follow(ann, other, { flag: 'liking' });
      expect((await following(ann, { models: [User] })).following.map((o) => (o as User).name)).to.deep.equal(['Bob']);
      expect((await following(ann, { models: [Group] })).following.map((o) => (o as Group).name)).to.deep.equal(['Climbers', 'Runners']);
      expect((await following(ann, { models: [Group, User] })).following.length).to.equal(3);
      expect((await following(ann, { flag: 'liking' })).following.map((o) => String(o))).to.deep.equal(['Bob', 'Runners']);
      expect((await following(ann, { flag: 'liking', models: [Group] })).following.map((o) => String(o))).to.deep.equal(['Runners']);
      expect(await following(ann, { models: [Comment] })).to.deep.equal({ following: [], next: null });
      expect(await following(bob)).to.deep.equal({ following: [], next: null });
    });
  });
});
