import { expect } from 'chai';
import { Op } from 'sequelize';
import {
  Action,
  Follow,
  action,
  actorStream,
  anyStream,
  follow,
  followers,
  following,
  modelStream,
  targetStream,
  userStream,
} from 'actstream';
import { Band, Comment, Concert, Group, User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at, makeComment, makeConcert, makeGroup, makeUser, verbs } from './fixtures.js';

async function followRows(): Promise<string[]> {
  const rows = await Follow.findAll({ order: [['id', 'ASC']] });
  return rows.map((f) => `${f.userId}->${f.contentType} ${f.objectId}`);
}

describe('deleting referenced objects', () => {
  let ann: User;
  let bob: User;
  let cat: User;
  let climbers: Group;
  let runners: Group;

  before(() => database());
  beforeEach(async () => {
    await resetDatabase();
    ann = await makeUser('Ann');
    bob = await makeUser('Bob');
    cat = await makeUser('Cat');
    climbers = await makeGroup('Climbers');
    runners = await makeGroup('Runners');
    await follow(ann, climbers, { sendAction: false });
    await follow(ann, runners, { sendAction: false });
    await follow(bob, climbers, { flag: 'watching', sendAction: false });
    await follow(ann, bob, { sendAction: false });
    await follow(bob, ann, { sendAction: false });
    await follow(cat, bob, { sendAction: false });
    await follow(bob, cat, { sendAction: false });
  });

  it('destroying an object removes the follows of it', async () => {
    await climbers.destroy();
    expect(await followRows()).to.deep.equal([
      `${ann.id}->Group ${runners.id}`,
      `${ann.id}->User ${bob.id}`,
      `${bob.id}->User ${ann.id}`,
      `${cat.id}->User ${bob.id}`,
      `${bob.id}->User ${cat.id}`,
    ]);
  });

  it('destroying a user removes the follows of them and by them', async () => {
    await bob.destroy();
    expect(await followRows()).to.deep.equal([`${ann.id}->Group ${climbers.id}`, `${ann.id}->Group ${runners.id}`]);
  });

  it('a bulk destroy does the same for every row it deletes', async () => {
    await Group.destroy({ where: { name: { [Op.in]: ['Climbers', 'Runners'] } } });
    await User.destroy({ where: { id: cat.id } });
    expect(await followRows()).to.deep.equal([`${ann.id}->User ${bob.id}`, `${bob.id}->User ${ann.id}`]);
    await User.destroy({ where: { id: [ann.id, bob.id] }, individualHooks: true });
    expect(await followRows()).to.deep.equal([]);
  });

  it('leaves follows by users alone when another model with the same id is destroyed', async () => {
    const sameId = await Comment.create({ id: ann.id, text: 'shares an id with Ann' });
    await sameId.destroy();
    await Comment.create({ id: bob.id, text: 'shares an id with Bob' });
    await Comment.destroy({ where: { id: bob.id } });
    expect(await Follow.count()).to.equal(7);
  });

  it('keeps follows when the destroy is rolled back', async () => {
    const sequelize = await database();
    const error = await sequelize
      .transaction(async (transaction) => {
        await bob.destroy({ transaction });
        await Group.destroy({ where: { id: climbers.id }, transaction });
        expect(await Follow.count({ transaction })).to.equal(1);
        throw new Error('abort');
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).to.equal('abort');
    expect(await Follow.count()).to.equal(7);
    expect(await User.count()).to.equal(3);
  });

  it('keeps the actions as history, with null references that keep their type and id', async () => {
    const comment = await makeComment('Hi', climbers, bob);
    await action.send(bob, { verb: 'created comment', actionObject: comment, target: climbers, timestamp: at(1) });
    await action.send(ann, { verb: 'thanked', target: bob, timestamp: at(2) });
    await action.send(ann, { verb: 'joined', target: climbers, timestamp: at(3) });
    const ids = { bob: bob.id, comment: comment.id, climbers: climbers.id };
    await bob.destroy();
    await comment.destroy();
    await Group.destroy({ where: { id: climbers.id } });

    expect(await Action.count()).to.equal(3);
    const created = (await Action.findOne({ where: { verb: 'created comment' } }))!;
    expect([created.actorType, created.actorId]).to.deep.equal(['User', String(ids.bob)]);
    expect([created.actionObjectType, created.actionObjectId]).to.deep.equal(['Comment', String(ids.comment)]);
    expect([created.targetType, created.targetId]).to.deep.equal(['Group', String(ids.climbers)]);

    // Streams of the deleted objects (the instances are still in memory) and around them.
    const byBob = await actorStream(bob);
    expect(verbs(byBob.actions)).to.deep.equal(['created comment']);
    expect(byBob.actions[0].actor).to.equal(null);
    expect(byBob.actions[0].actionObject).to.equal(null);
    expect(byBob.actions[0].target).to.equal(null);
    expect(byBob.actions[0].toString(at(1))).to.equal(`User ${ids.bob} created comment Comment ${ids.comment} on Group ${ids.climbers} 0 minutes ago`);

    const onClimbers = await targetStream(climbers);
    expect(onClimbers.actions.map((a) => a.toString(at(3)))).to.deep.equal([
      `Ann joined Group ${ids.climbers} 0 minutes ago`,
      `User ${ids.bob} created comment Comment ${ids.comment} on Group ${ids.climbers} 0 minutes ago`,
    ]);
    const aroundAnn = await anyStream(ann);
    expect(aroundAnn.actions.map((a) => a.toString(at(3)))).to.deep.equal([`Ann joined Group ${ids.climbers} 0 minutes ago`, `Ann thanked User ${ids.bob} 0 minutes ago`]);
    expect((await modelStream(Comment)).actions).to.have.length(1);
    expect((await userStream(ann, { withUserActivity: true })).actions).to.have.length(2);
  });

  it('copes with objects deleted behind its back (database cascades skip hooks)', async () => {
    const concert = await makeConcert('The Band', 'Hall');
    await follow(ann, concert, { actorOnly: false, sendAction: false });
    await action.send(cat, { verb: 'reviewed', target: concert, timestamp: at(1) });
    const band = (await Band.findByPk(concert.bandId))!;
    await band.destroy(); // ON DELETE CASCADE removes the concert without Sequelize hooks
    expect(await Concert.count()).to.equal(0);

    expect((await following(ann, { models: [Concert] })).following.length).to.equal(0);
    expect((await following(ann)).following.map(String)).to.deep.equal(['Climbers', 'Runners', 'Bob']);
    // The follow row itself outlives a cascade no hook saw; reading it must not fail.
    expect((await followers(concert)).followers.map(String)).to.deep.equal(['Ann']);
    const feed = await userStream(ann);
    expect(feed.actions.map((a) => a.toString(at(1)))).to.deep.equal([`Cat reviewed Concert ${concert.id} 0 minutes ago`]);
    expect(feed.actions[0].target).to.equal(null);
  });
});
