import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { Action, ActstreamArgumentError, NotRegisteredError, trackModel, withActor, withoutTracking } from 'actstream';
import { Comment, Group, User, hashPassword } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { makeGroup, makeUser } from './fixtures.js';

/** Every action as "<actor> <verb> [<object>]" plus its data, oldest first. */
async function sent(): Promise<{ line: string; data: unknown }[]> {
  const rows = await Action.findAll({ order: [['id', 'ASC']] });
  return rows.map((a) => ({
    line: [`${a.actorType} ${a.actorId}`, a.verb, a.actionObjectType ? `${a.actionObjectType} ${a.actionObjectId}` : null, a.targetType ? `on ${a.targetType} ${a.targetId}` : null]
      .filter((w) => w !== null)
      .join(' '),
    data: a.data,
  }));
}

async function lines(): Promise<string[]> {
  return (await sent()).map((s) => s.line);
}

describe('trackModel', () => {
  let sequelize: Sequelize;
  const stops: (() => void)[] = [];
  const track = (...args: Parameters<typeof trackModel>) => stops.push(trackModel(...args));

  before(async () => {
    sequelize = await database();
  });
  beforeEach(() => resetDatabase());
  afterEach(() => {
    while (stops.length) stops.pop()!();
  });

  describe('verbs', () => {
    it('records a create; the instance acting alone has no action object', async () => {
      track(Group, { create: 'was created' });
      const group = await Group.create({ name: 'Climbers' });
      expect(await lines()).to.deep.equal([`Group ${group.id} was created`]);
    });

    it('records an update and a destroy', async () => {
      track(Group, { update: 'was renamed', destroy: 'was deleted' });
      const group = await Group.create({ name: 'Climbers' });
      group.name = 'Boulderers';
      await group.save();
      await group.destroy();
      expect(await lines()).to.deep.equal([`Group ${group.id} was renamed`, `Group ${group.id} was deleted`]);
    });

    it('records only the verbs it was given', async () => {
      track(Group, { destroy: 'was deleted' });
      const group = await Group.create({ name: 'Climbers' });
      await group.update({ name: 'Boulderers' });
      expect(await Action.count()).to.equal(0);
      await group.destroy();
      expect(await lines()).to.deep.equal([`Group ${group.id} was deleted`]);
    });

    it('refuses an unregistered model', () => {
      class Loose extends Group {}
      expect(() => trackModel(Loose, { create: 'x' })).to.throw(NotRegisteredError, /Loose/);
    });
  });

  describe('who acts', () => {
    it('is the ambient actor first, with the instance as action object', async () => {
      const ann = await makeUser('Ann');
      const bob = await makeUser('Bob');
      track(Comment, { create: 'wrote', actor: () => bob });
      const comment = await withActor(ann, () => Comment.create({ text: 'Hi' }));
      expect(await lines()).to.deep.equal([`User ${ann.id} wrote Comment ${comment.id}`]);
    });

    it('else actor(instance), sync or async', async () => {
      const ann = await makeUser('Ann');
      track(Comment, { create: 'wrote', update: 'edited', actor: async (c) => User.findByPk((c as Comment).authorId ?? -1) });
      const comment = await Comment.create({ text: 'Hi', authorId: ann.id });
      await comment.update({ text: 'Hello' });
      expect(await lines()).to.deep.equal([`User ${ann.id} wrote Comment ${comment.id}`, `User ${ann.id} edited Comment ${comment.id}`]);
    });

    it('else the instance itself when actor(instance) gives nothing', async () => {
      track(Comment, { create: 'was written', actor: () => null });
      const comment = await Comment.create({ text: 'Hi' });
      expect(await lines()).to.deep.equal([`Comment ${comment.id} was written`]);
    });

    it('with no one acting, the record acts and its verb reads as a sentence about it ("Admin was created")', async () => {
      track(User, { create: 'created', update: 'updated', destroy: 'deleted', exclude: ['passwordHash'] });
      const admin = await User.create({ name: 'Admin', email: 'admin@example.test' });
      await admin.update({ name: 'Admin B' });
      await admin.destroy();
      expect(await lines()).to.deep.equal([`User ${admin.id} was created`, `User ${admin.id} was updated`, `User ${admin.id} was deleted`]);
      const [created] = await Action.findAll({ order: [['id', 'ASC']] });
      created.actor = admin;
      expect(created.toString(new Date(created.timestamp.getTime() + 60_000))).to.equal('Admin B was created 1 minute ago');
      // With someone acting, the verbs stay as given.
      const ann = await makeUser('Ann');
      await Action.destroy({ where: {} });
      const bea = await withActor(ann, () => User.create({ name: 'Bea', email: 'bea@example.test' }));
      expect(await lines()).to.deep.equal([`User ${ann.id} created User ${bea.id}`]);
    });

    it('has no action object when the ambient actor is the instance itself', async () => {
      const ann = await makeUser('Ann');
      track(User, { update: 'updated their profile' });
      await withActor(ann, () => ann.update({ name: 'Ann B.' }));
      expect(await lines()).to.deep.equal([`User ${ann.id} updated their profile`]);
    });
  });

  describe('update data', () => {
    it('records changed public fields with old and new values, not timestamps', async () => {
      track(Group, { update: 'updated', publicFields: ['name'] });
      const group = await makeGroup('Climbers');
      group.name = 'Boulderers';
      group.changed('updatedAt', true);
      await group.save();
      const [only] = await sent();
      expect(only.data).to.deep.equal({ changes: { name: { old: 'Climbers', new: 'Boulderers' } } });
      expect((await Action.findOne())!.public).to.equal(true);
    });

    it('puts fields nobody declared public under data.private, and excluded ones only by name', async () => {
      track(User, { update: 'updated', publicFields: ['name'], exclude: ['passwordHash'] });
      const ann = await makeUser('Ann');
      const oldHash = await hashPassword('first secret');
      await ann.update({ passwordHash: oldHash });
      await Action.destroy({ where: {} });
      const newHash = await hashPassword('second secret');
      const oldEmail = ann.email;
      await ann.update({ name: 'Ann B.', email: 'ann.b@example.test', passwordHash: newHash, isStaff: true });
      const [only] = await sent();
      expect(only.data).to.deep.equal({
        changes: { name: { old: 'Ann', new: 'Ann B.' } },
        private: {
          changes: { email: { old: oldEmail, new: 'ann.b@example.test' }, isStaff: { old: false, new: true } },
          redacted: ['passwordHash'],
        },
      });
      // A public field changed: the action is public (its private part is for staff and Ann only).
      expect((await Action.findOne())!.public).to.equal(true);
      const stored = JSON.stringify((await Action.findAll()).map((a) => a.toJSON()));
      expect(stored).to.not.contain(newHash.split('$')[5]);
      expect(stored).to.not.contain(oldHash.split('$')[5]);
    });

    it('records an update of private fields only as a private action', async () => {
      track(User, { update: 'updated', publicFields: ['name'], exclude: ['passwordHash'] });
      const ann = await makeUser('Ann');
      await ann.update({ isStaff: true });
      // A change to the excluded field alone is still recorded, without values, and privately too.
      await ann.update({ passwordHash: await hashPassword('a secret') });
      const rows = await Action.findAll({ order: [['id', 'ASC']] });
      expect(rows.map((a) => [a.public, a.data])).to.deep.equal([
        [false, { changes: {}, private: { changes: { isStaff: { old: false, new: true } } } }],
        [false, { changes: {}, private: { redacted: ['passwordHash'] } }],
      ]);
    });

    it('is private by default: without publicFields every change is private', async () => {
      track(Group, { update: 'updated' });
      const group = await makeGroup('Climbers');
      await group.update({ name: 'Boulderers' });
      const rows = await Action.findAll();
      expect(rows.map((a) => [a.public, a.data])).to.deep.equal([[false, { changes: {}, private: { changes: { name: { old: 'Climbers', new: 'Boulderers' } } } }]]);
    });

    it('refuses field names the model does not have, and a field both public and excluded', () => {
      expect(() => trackModel(User, { update: 'updated', publicFields: ['nmae'] })).to.throw(ActstreamArgumentError, /publicFields names "nmae"/);
      expect(() => trackModel(User, { update: 'updated', exclude: ['password'] })).to.throw(ActstreamArgumentError, /exclude names "password"/);
      expect(() => trackModel(User, { update: 'updated', publicFields: ['passwordHash'], exclude: ['passwordHash'] })).to.throw(
        ActstreamArgumentError,
        /both public and excluded/,
      );
    });

    it('records nothing for a save that changed nothing', async () => {
      track(Group, { update: 'updated' });
      const group = await makeGroup('Climbers');
      await group.save();
      await group.update({ name: 'Climbers' });
      expect(await Action.count()).to.equal(0);
    });

    it('records updates made through Model.update with individualHooks (as the admin panel does)', async () => {
      track(Group, { update: 'updated', publicFields: ['name'] });
      const group = await makeGroup('Climbers');
      const ann = await makeUser('Ann');
      await withActor(ann, () => Group.update({ name: 'Boulderers' }, { where: { id: group.id }, individualHooks: true }));
      const [only] = await sent();
      expect(only.line).to.equal(`User ${ann.id} updated Group ${group.id}`);
      expect(only.data).to.deep.equal({ changes: { name: { old: 'Climbers', new: 'Boulderers' } } });
    });

    it('records destroys made through Model.destroy with individualHooks', async () => {
      track(Group, { destroy: 'deleted' });
      const ann = await makeUser('Ann');
      const one = await makeGroup('One');
      const two = await makeGroup('Two');
      await withActor(ann, () => Group.destroy({ where: { id: [one.id, two.id] }, individualHooks: true }));
      expect((await lines()).sort()).to.deep.equal([`User ${ann.id} deleted Group ${one.id}`, `User ${ann.id} deleted Group ${two.id}`].sort());
    });

    it('records nothing for bulk updates and destroys without individualHooks', async () => {
      track(Group, { update: 'updated', destroy: 'deleted' });
      const group = await makeGroup('Climbers');
      await Group.update({ name: 'Boulderers' }, { where: { id: group.id } });
      await Group.destroy({ where: { id: group.id } });
      expect(await Action.count()).to.equal(0);
    });
  });

  describe('transactions', () => {
    it('writes the action in the save transaction: a rollback leaves none', async () => {
      track(Group, { create: 'created', update: 'updated', destroy: 'deleted' });
      const kept = await makeGroup('Kept');
      await Action.destroy({ where: {} });
      const error = await sequelize
        .transaction(async (transaction) => {
          await Group.create({ name: 'Climbers' }, { transaction });
          await kept.update({ name: 'Renamed' }, { transaction });
          await kept.destroy({ transaction });
          expect(await Action.count({ transaction })).to.equal(3);
          throw new Error('abort');
        })
        .catch((e: unknown) => e);
      expect((error as Error).message).to.equal('abort');
      expect(await Action.count()).to.equal(0);
      expect(await Group.count()).to.equal(1);
    });

    it('keeps the action when the transaction commits', async () => {
      track(Group, { create: 'created' });
      const group = await sequelize.transaction((transaction) => Group.create({ name: 'Climbers' }, { transaction }));
      expect(await lines()).to.deep.equal([`Group ${group.id} was created`]);
    });

    it('fails the save when the action cannot be written (no silent half-save in a transaction)', async () => {
      track(Group, { create: 'created' });
      class Stranger extends User {}
      const stranger = Stranger.build({ id: 1, name: 'x', email: 'x@example.test' });
      const error = await sequelize
        .transaction((transaction) => withActor(stranger, () => Group.create({ name: 'Climbers' }, { transaction })))
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(NotRegisteredError);
      expect(await Group.count()).to.equal(0);
      expect(await Action.count()).to.equal(0);
    });
  });

  describe('switching off', () => {
    it('withoutTracking silences the hooks, even with an ambient actor', async () => {
      track(Group, { create: 'created', update: 'updated', destroy: 'deleted' });
      const ann = await makeUser('Ann');
      await withoutTracking(async () => {
        const group = await Group.create({ name: 'Climbers' });
        await withActor(ann, () => group.update({ name: 'Boulderers' }));
        await group.destroy();
      });
      expect(await Action.count()).to.equal(0);
      await Group.create({ name: 'Tracked again' });
      expect(await Action.count()).to.equal(1);
    });

    it('the returned function removes the hooks; tracking again replaces, never doubles', async () => {
      const stop = trackModel(Group, { create: 'created' });
      track(Group, { create: 'created' });
      await Group.create({ name: 'Once' });
      expect(await Action.count()).to.equal(1);
      stop();
      await Group.create({ name: 'Untracked' });
      expect(await Action.count()).to.equal(1);
    });
  });
});
