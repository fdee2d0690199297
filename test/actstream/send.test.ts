import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { Action, ActstreamArgumentError, action, actorStream } from '../../actstream/index.js';
import type { Group, User, Comment } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at, dataStatements, makeComment, makeGroup, makeUser, recordQueries } from './fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('action.send', () => {
  let sequelize: Sequelize;
  let ann: User;
  let group: Group;
  let comment: Comment;

  before(async () => {
    sequelize = await database();
  });
  beforeEach(async () => {
    await resetDatabase();
    ann = await makeUser('Ann');
    group = await makeGroup('Climbers');
    comment = await makeComment('First!', group, ann);
  });

  it('saves an action with only a verb, public, stamped now', async () => {
    const before = Date.now();
    const sent = await action.send(ann, { verb: 'reached level 10' });
    const after = Date.now();
    expect(sent).to.be.instanceOf(Action);
    expect(sent.id).to.be.a('number');
    const saved = await Action.findByPk(sent.id);
    expect(saved).to.not.equal(null);
    expect(saved!.actorType).to.equal('User');
    expect(saved!.actorId).to.equal(String(ann.id));
    expect(saved!.verb).to.equal('reached level 10');
    expect(saved!.public).to.equal(true);
    expect(saved!.description).to.equal(null);
    expect(saved!.targetType).to.equal(null);
    expect(saved!.targetId).to.equal(null);
    expect(saved!.actionObjectType).to.equal(null);
    expect(saved!.actionObjectId).to.equal(null);
    expect(saved!.data).to.equal(null);
    expect(saved!.timestamp.getTime()).to.be.within(before - 1, after + 1);
  });

  it('saves every option', async () => {
    const timestamp = at(30);
    const sent = await action.send(ann, {
      verb: 'created comment',
      actionObject: comment,
      target: group,
      description: 'a warm welcome',
      public: false,
      timestamp,
      data: { words: 1, tags: ['hello'], nested: { ok: true } },
    });
    const saved = await Action.findByPk(sent.id);
    expect(saved!.toJSON()).to.deep.include({
      actorType: 'User',
      actorId: String(ann.id),
      verb: 'created comment',
      description: 'a warm welcome',
      targetType: 'Group',
      targetId: String(group.id),
      actionObjectType: 'Comment',
      actionObjectId: String(comment.id),
      public: false,
    });
    expect(saved!.timestamp.toISOString()).to.equal(timestamp.toISOString());
    expect(saved!.data).to.deep.equal({ words: 1, tags: ['hello'], nested: { ok: true } });
  });

  it('hands back the referenced objects already loaded', async () => {
    const sent = await action.send(ann, { verb: 'created comment', actionObject: comment, target: group });
    expect(sent.actor).to.equal(ann);
    expect(sent.actionObject).to.equal(comment);
    expect(sent.target).to.equal(group);
  });

  it('writes inside the given transaction, and nothing when it rolls back', async () => {
    const t = await sequelize.transaction();
    const sent = await action.send(ann, { verb: 'joined', target: group, transaction: t });
    expect(await Action.count({ transaction: t })).to.equal(1);
    await t.rollback();
    expect(await Action.findByPk(sent.id)).to.equal(null);
    expect(await Action.count()).to.equal(0);

    await sequelize.transaction(async (transaction) => {
      await action.send(ann, { verb: 'joined', target: group, transaction });
    });
    expect(await Action.count()).to.equal(1);
  });

  for (const [name, verb] of [
    ['empty', ''],
    ['blank', '   '],
    ['missing', undefined],
    ['a number', 42],
    ['null', null],
    ['longer than 255 characters', 'x'.repeat(256)],
  ] as const) {
    it(`rejects a verb that is ${name} and writes nothing`, async () => {
      const error = await rejection(action.send(ann, { verb: verb as unknown as string, target: group }));
      expect(error).to.be.instanceOf(ActstreamArgumentError);
      expect((error as Error).message).to.match(/verb/);
      expect(await Action.count()).to.equal(0);
    });
  }

  it('rejects an unsaved instance, a non-instance and an invalid timestamp', async () => {
    const unsaved = (ann.constructor as typeof User).build({ name: 'Nobody', email: 'n@example.test' });
    expect(await rejection(action.send(unsaved, { verb: 'x' }))).to.be.instanceOf(ActstreamArgumentError);
    expect(await rejection(action.send({} as User, { verb: 'x' }))).to.be.instanceOf(ActstreamArgumentError);
    expect(await rejection(action.send(ann, { verb: 'x', timestamp: new Date('nope') }))).to.be.instanceOf(ActstreamArgumentError);
    expect(await Action.count()).to.equal(0);
  });
});

describe('action.sendMany', () => {
  let sequelize: Sequelize;
  let ann: User;
  let bob: User;
  let group: Group;
  let comment: Comment;

  before(async () => {
    sequelize = await database();
  });
  beforeEach(async () => {
    await resetDatabase();
    ann = await makeUser('Ann');
    bob = await makeUser('Bob');
    group = await makeGroup('Climbers');
    comment = await makeComment('First!', group, ann);
  });

  it('writes all actions in one INSERT and returns them with ids', async () => {
    const { result, queries } = await recordQueries(sequelize, () =>
      action.sendMany([
        { actor: ann, verb: 'joined', target: group, timestamp: at(1) },
        { actor: bob, verb: 'created comment', actionObject: comment, target: group, timestamp: at(2), data: { n: 2 } },
        { actor: ann, verb: 'reached level 10', public: false, description: 'quietly', timestamp: at(3) },
      ]),
    );
    const inserts = dataStatements(queries).filter((sql) => /\bINSERT\b/i.test(sql));
    expect(inserts).to.have.length(1);
    expect(dataStatements(queries)).to.have.length(1);

    expect(result).to.have.length(3);
    const resultIds = result.map((a) => a.id);
    for (const id of resultIds) expect(id).to.be.a('number');
    expect(new Set(resultIds).size).to.equal(3);

    const saved = await Action.findAll({ order: [['timestamp', 'ASC']] });
    expect(saved.map((a) => a.id)).to.deep.equal(resultIds);
    expect(saved.map((a) => [a.actorId, a.verb, a.targetId, a.actionObjectId, a.public, a.description])).to.deep.equal([
      [String(ann.id), 'joined', String(group.id), null, true, null],
      [String(bob.id), 'created comment', String(group.id), String(comment.id), true, null],
      [String(ann.id), 'reached level 10', null, null, false, 'quietly'],
    ]);
    expect(saved[1].data).to.deep.equal({ n: 2 });
    expect(result[1].actor).to.equal(bob);
    expect(result[1].target).to.equal(group);
    expect(result[1].actionObject).to.equal(comment);
  });

  it('writes nothing when any item is invalid', async () => {
    const error = await rejection(
      action.sendMany([
        { actor: ann, verb: 'joined', target: group },
        { actor: bob, verb: '' },
        { actor: ann, verb: 'left', target: group },
      ]),
    );
    expect(error).to.be.instanceOf(ActstreamArgumentError);
    expect(await Action.count()).to.equal(0);
  });

  it('sends no query when validation fails', async () => {
    const { queries } = await recordQueries(sequelize, () =>
      rejection(action.sendMany([{ actor: ann, verb: 'ok' }, { actor: bob, verb: 7 as unknown as string }])),
    );
    expect(dataStatements(queries)).to.deep.equal([]);
  });

  it('returns [] for no items without touching the database', async () => {
    const { result, queries } = await recordQueries(sequelize, () => action.sendMany([]));
    expect(result).to.deep.equal([]);
    expect(queries).to.deep.equal([]);
  });

  it('writes inside the given transaction, and nothing when it rolls back', async () => {
    const error = await rejection(
      sequelize.transaction(async (transaction) => {
        await action.sendMany([{ actor: ann, verb: 'joined', target: group }, { actor: bob, verb: 'joined', target: group }], { transaction });
        expect(await Action.count({ transaction })).to.equal(2);
        throw new Error('abort');
      }),
    );
    expect((error as Error).message).to.equal('abort');
    expect(await Action.count()).to.equal(0);
  });

  it('makes actions the streams show', async () => {
    await action.sendMany([
      { actor: ann, verb: 'one', timestamp: at(1) },
      { actor: ann, verb: 'two', timestamp: at(2) },
    ]);
    const { actions } = await actorStream(ann);
    expect(actions.map((a) => a.verb)).to.deep.equal(['two', 'one']);
  });
});
