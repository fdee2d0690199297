import { expect } from 'chai';
import { Action, action, actorStream, anyStream, follow, targetStream, trackModel, userStream } from 'actstream';
import { Band, Comment, Concert, Group, Location, User } from '../models/index.js';
import { database, resetDatabase } from './helpers/database.js';

// The three examples of the seed's "Generating Actions" page, as they read with this library.

describe("the seed's examples (Generating Actions)", () => {
  before(() => database());
  beforeEach(() => resetDatabase());

  describe('1. a save handler sends "was saved"', () => {
    let stop: (() => void) | undefined;
    afterEach(() => {
      stop?.();
      stop = undefined;
      Group.removeHook('afterSave', 'seed-example');
    });

    it('with trackModel: the instance is the actor', async () => {
      // The name is declared public: a change nobody declared public would be a private action.
      stop = trackModel(Group, { create: 'was saved', update: 'was saved', publicFields: ['name'] });
      const group = await Group.create({ name: 'MyGroup' });
      await group.update({ name: 'MyGroup renamed' });
      const { actions } = await actorStream(group);
      expect(actions.map((a) => a.toString(a.timestamp))).to.deep.equal(['MyGroup renamed was saved 0 minutes ago', 'MyGroup renamed was saved 0 minutes ago']);
      expect(actions.every((a) => a.actionObject === null && a.target === null)).to.equal(true);
    });

    it('with a plain Sequelize afterSave hook calling action.send', async () => {
      // The post_save handler, word for word: action.send(instance, verb='was saved').
      Group.addHook('afterSave', 'seed-example', async (instance: Group, options) => {
        await action.send(instance, { verb: 'was saved', transaction: options.transaction });
      });
      const group = await Group.create({ name: 'MyGroup' });
      group.name = 'Renamed';
      await group.save();
      expect((await Action.findAll()).map((a) => [a.actorType, a.actorId, a.verb])).to.deep.equal([
        ['Group', String(group.id), 'was saved'],
        ['Group', String(group.id), 'was saved'],
      ]);
    });
  });

  it('2. saving a concert, then sending "booked a concert" (the ConcertAdmin case)', async () => {
    const band = await Band.create({ name: 'The Beatles' });
    const location = await Location.create({ name: 'Cavern Club', city: 'Liverpool' });
    // save_model: obj.save(), then action.send(obj.band, verb, action_object=obj, target=obj.location)
    const concert = Concert.build({ title: 'Lunchtime session', date: new Date('1962-02-09T12:00:00Z'), bandId: band.id, locationId: location.id });
    await concert.save();
    await concert.reload({ include: ['band', 'location'] });
    const sent = await action.send(concert.band!, { verb: 'booked a concert', actionObject: concert, target: concert.location! });

    expect(sent.toString(sent.timestamp)).to.equal('The Beatles booked a concert Lunchtime session on Cavern Club, Liverpool 0 minutes ago');
    const byBand = await actorStream(band);
    expect(byBand.actions.map((a) => a.id)).to.deep.equal([sent.id]);
    expect((byBand.actions[0].actionObject as Concert).id).to.equal(concert.id);
    expect((await targetStream(location)).actions.map((a) => a.verb)).to.deep.equal(['booked a concert']);
    expect((await anyStream(concert)).actions.map((a) => a.verb)).to.deep.equal(['booked a concert']);
  });

  it('3. app code sends "reached level 10", "joined" and "created comment", and streams show them', async () => {
    const user = await User.create({ name: 'Ann', email: 'ann@example.test' });
    const friend = await User.create({ name: 'Bob', email: 'bob@example.test' });
    await Group.create({ name: 'MyGroup' });

    await action.send(user, { verb: 'reached level 10', timestamp: new Date(Date.now() - 3000) });
    const group = (await Group.findOne({ where: { name: 'MyGroup' } }))!;
    await action.send(user, { verb: 'joined', target: group, timestamp: new Date(Date.now() - 2000) });
    const comment = await Comment.create({ text: 'Hello, group!', authorId: user.id, groupId: group.id });
    await action.send(user, { verb: 'created comment', actionObject: comment, target: group, timestamp: new Date(Date.now() - 1000) });

    const now = new Date();
    const own = await actorStream(user);
    expect(own.actions.map((a) => a.toString(now))).to.deep.equal([
      `Ann created comment Comment ${comment.id} on MyGroup 0 minutes ago`,
      'Ann joined MyGroup 0 minutes ago',
      'Ann reached level 10 0 minutes ago',
    ]);
    expect((await targetStream(group)).actions.map((a) => a.verb)).to.deep.equal(['created comment', 'joined']);
    expect((await anyStream(comment)).actions.map((a) => a.verb)).to.deep.equal(['created comment']);

    // A friend following Ann sees all three in their feed; following the group brings in what happens to it.
    await follow(friend, user, { sendAction: false });
    expect((await userStream(friend)).actions.map((a) => a.verb)).to.deep.equal(['created comment', 'joined', 'reached level 10']);
    const watcher = await User.create({ name: 'Cat', email: 'cat@example.test' });
    await follow(watcher, group, { actorOnly: false, sendAction: false });
    expect((await userStream(watcher)).actions.map((a) => a.verb)).to.deep.equal(['created comment', 'joined']);
  });
});
