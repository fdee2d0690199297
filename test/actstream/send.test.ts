import { expect } from 'chai';
import { BaseError, Op, QueryTypes, type Sequelize } from 'sequelize';
import { maxRowsPerInsert } from '../../actstream/actions.js';
import { Action, ActstreamArgumentError, action, actorStream, type SendManyItem } from 'actstream';
import type { Group, User, Comment } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { countSlowPath } from '../helpers/slow-path.js';
import { at, dataStatements, makeComment, makeGroup, makeUser, recordQueries, refuseVerb } from './fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  );
}

/** An empty database with the people and things every test below starts from. */
async function freshWorld(): Promise<{ ann: User; bob: User; group: Group; comment: Comment }> {
  await resetDatabase();
  const ann = await makeUser('Ann');
  const bob = await makeUser('Bob');
  const group = await makeGroup('Climbers');
  const comment = await makeComment('First!', group, ann);
  return { ann, bob, group, comment };
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
    ({ ann, group, comment } = await freshWorld());
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

  it('rejects NUL characters in verb, description and data (no database stores them as given) and writes nothing', async () => {
    for (const options of [{ verb: 'a\u0000b' }, { verb: 'ok', description: '\u0000' }, { verb: 'ok', data: { ['k\u0000']: 1 } }, { verb: 'ok', data: { list: ['x\u0000'] } }]) {
      const error = await rejection(action.send(ann, options));
      expect(error, JSON.stringify(options)).to.be.instanceOf(ActstreamArgumentError);
      expect((error as Error).message).to.match(/NUL/);
      expect(await rejection(action.sendMany([{ actor: ann, verb: 'fine' }, { actor: ann, ...options }]))).to.be.instanceOf(ActstreamArgumentError);
    }
    expect(await Action.count()).to.equal(0);
    // The text "\u0000" (a backslash and five characters) is no NUL.
    const sent = await action.send(ann, { verb: 'ok', data: { text: '\\u0000', deeper: '\\\\u0000' } });
    expect((await Action.findByPk(sent.id))!.data).to.deep.equal({ text: '\\u0000', deeper: '\\\\u0000' });
  });

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
    ({ ann, bob, group, comment } = await freshWorld());
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

// send and sendMany write their own INSERT (not Model.create / bulkCreate): what they write must read
// back through Sequelize exactly as Sequelize would have written it, on every database.
describe('action.send / sendMany: the rows written', () => {
  let sequelize: Sequelize;
  let ann: User;
  let bob: User;
  let group: Group;
  let comment: Comment;

  before(async () => {
    sequelize = await database();
  });
  beforeEach(async () => {
    ({ ann, bob, group, comment } = await freshWorld());
  });

  it('reads back through Action.findAll as returned: ids, timestamps to the millisecond, data, public, awkward text', async () => {
    const data = { quote: `it's "quoted" \\ back`, unicode: 'é😀', nested: { list: [1, 2.5, null, true], empty: {} }, dollar: '$1 ?' };
    const sent = [
      await action.send(ann, {
        verb: `said '$1' and ?`,
        actionObject: comment,
        target: group,
        description: "O'Brien's $2",
        public: false,
        timestamp: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 67)),
        data,
      }),
      await action.send(bob, { verb: 'joined', target: group, timestamp: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 999)) }),
      ...(await action.sendMany([
        { actor: ann, verb: 'many one', public: false, timestamp: new Date(Date.UTC(2026, 0, 2, 3, 4, 6, 1)), data: { n: 1 } },
        { actor: bob, verb: 'many two', actionObject: comment, description: '', timestamp: new Date(Date.UTC(2026, 0, 2, 3, 4, 6, 2)) },
      ])),
    ];
    const saved = await Action.findAll({ order: [['id', 'ASC']] });
    expect(saved.map((a) => a.id)).to.deep.equal(sent.map((a) => a.id));
    for (const [i, read] of saved.entries()) {
      const written = { ...read.get({ plain: true }), timestamp: read.timestamp.toISOString() };
      const returned = { ...sent[i].get({ plain: true }), timestamp: sent[i].timestamp.toISOString() };
      expect(written, `action ${i}`).to.deep.equal(returned);
    }
    expect(saved[0].data).to.deep.equal(data);
    expect(saved[0].public).to.equal(false);
    expect(saved[1].public).to.equal(true);
    expect(saved[0].timestamp.toISOString()).to.equal('2026-01-02T03:04:05.067Z');
    expect(saved[3].description).to.equal('');
  });

  it('stores timestamps exactly as Sequelize does, so queries on them find both kinds of row', async () => {
    const timestamp = new Date(Date.UTC(2026, 5, 7, 8, 9, 10, 11));
    const fast = await countSlowPath(async () => {
      await action.send(ann, { verb: 'fast path', timestamp });
      await action.sendMany([{ actor: bob, verb: 'fast path, many', timestamp }]);
    });
    // Only a fast-path row next to a Sequelize row can show the two write the same text.
    expect([fast.creates, fast.bulkCreates], 'send and sendMany took the fast path').to.deep.equal([0, 0]);
    await Action.create({ actorType: 'User', actorId: String(ann.id), verb: 'through Sequelize', timestamp });
    // SQLite compares the stored text: a different format would count as another value.
    const column = sequelize.getQueryInterface().quoteIdentifier('timestamp');
    const [row] = await sequelize.query<{ n: number | string }>(`SELECT COUNT(DISTINCT ${column}) AS n FROM actstream_actions`, {
      type: QueryTypes.SELECT,
    });
    expect(Number(row.n)).to.equal(1);
    expect(await Action.count({ where: { timestamp } })).to.equal(3);
    const justAfter = new Date(timestamp.getTime() + 1);
    expect(await Action.count({ where: { timestamp: { [Op.gte]: timestamp, [Op.lt]: justAfter } } })).to.equal(3);
    expect(await Action.count({ where: { timestamp: { [Op.gt]: timestamp } } })).to.equal(0);
  });

  it('runs Sequelize hooks registered on Action: a beforeCreate hook sees the send and can veto it', async () => {
    const seen: string[] = [];
    Action.addHook('beforeCreate', 'test:seen', (instance: Action) => {
      seen.push(instance.verb);
      if (instance.verb === 'vetoed') throw new Error('no');
    });
    try {
      const sent = await action.send(ann, { verb: 'allowed', target: group });
      expect(sent.id).to.be.a('number');
      expect(sent.target).to.equal(group);
      expect(await rejection(action.send(ann, { verb: 'vetoed' }))).to.have.property('message', 'no');
      expect(seen).to.deep.equal(['allowed', 'vetoed']);
      expect((await Action.findAll()).map((a) => a.verb)).to.deep.equal(['allowed']);
    } finally {
      Action.removeHook('beforeCreate', 'test:seen');
    }
  });

  it('runs bulk hooks registered on Action for sendMany', async () => {
    const counts: number[] = [];
    Action.addHook('beforeBulkCreate', 'test:seen', (instances: Action[]) => void counts.push(instances.length));
    try {
      const sent = await action.sendMany([{ actor: ann, verb: 'a' }, { actor: bob, verb: 'b' }]);
      expect(counts).to.deep.equal([2]);
      expect(sent.map((a) => a.verb)).to.deep.equal(['a', 'b']);
      expect(await Action.count()).to.equal(2);
    } finally {
      Action.removeHook('beforeBulkCreate', 'test:seen');
    }
  });

  describe('more rows than one INSERT carries', () => {
    let limit: number;

    before(function () {
      const max = maxRowsPerInsert();
      if (max === null) this.skip();
      limit = max!;
    });
    let allowAgain: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await allowAgain?.();
      allowAgain = undefined;
    });

    function items(count: number, extra: Partial<SendManyItem> = {}): SendManyItem[] {
      return Array.from({ length: count }, (_, i) => ({
        actor: i % 2 ? bob : ann,
        verb: `v${i}`,
        target: i % 3 ? group : null,
        timestamp: new Date(Date.UTC(2026, 0, 1) + i),
        ...extra,
      }));
    }

    /** The database's message in the Sequelize error (which class depends on how the dialect reports a trigger's refusal). */
    function refusal(error: unknown): string {
      expect(error).to.be.instanceOf(BaseError);
      return String((error as { parent?: Error }).parent?.message);
    }

    /** `count` items whose last one the database refuses: the INSERT that carries it fails. */
    async function lastRefused(count: number): Promise<SendManyItem[]> {
      allowAgain = await refuseVerb(sequelize, 'refused');
      const all = items(count);
      all[count - 1] = { ...all[count - 1], verb: 'refused' };
      return all;
    }

    it('splits them across INSERTs and returns every action with its id, in item order', async () => {
      expect(limit).to.be.at.least(100);
      const count = 2 * limit + 3;
      const { result, queries } = await recordQueries(sequelize, () => action.sendMany(items(count)));
      expect(dataStatements(queries).filter((sql) => /\bINSERT\b/i.test(sql))).to.have.length(3);
      expect(result).to.have.length(count);
      expect(result.map((a) => a.verb)).to.deep.equal(items(count).map((item) => item.verb));

      const saved = await Action.findAll({ order: [['id', 'ASC']] });
      expect(saved.map((a) => a.id)).to.deep.equal(result.map((a) => a.id));
      expect(saved.map((a) => a.verb)).to.deep.equal(result.map((a) => a.verb));
      expect(saved.map((a) => a.actorId)).to.deep.equal(result.map((a) => a.actorId));
      expect(saved.map((a) => a.timestamp.getTime())).to.deep.equal(result.map((a) => a.timestamp.getTime()));
      for (const i of [limit - 1, limit, limit + 1, 2 * limit, count - 1]) {
        expect(result[i].actor).to.equal(i % 2 ? bob : ann);
        expect(result[i].target).to.equal(i % 3 ? group : null);
      }
    });

    it('writes exactly the limit in one INSERT', async () => {
      const { result, queries } = await recordQueries(sequelize, () => action.sendMany(items(limit)));
      expect(dataStatements(queries)).to.have.length(1);
      expect(result).to.have.length(limit);
      expect(await Action.count()).to.equal(limit);
    });

    it('writes nothing when a later INSERT fails', async () => {
      const error = await rejection(action.sendMany(await lastRefused(limit + 1)));
      expect(refusal(error)).to.contain('refused by test');
      expect(await Action.count()).to.equal(0);
    });

    it("inside the caller's transaction, undoes its own INSERTs when a later one fails and leaves the caller's writes", async () => {
      const refusedLast = await lastRefused(limit + 1);
      await sequelize.transaction(async (transaction) => {
        await action.send(ann, { verb: 'before', transaction });
        const error = await rejection(action.sendMany(refusedLast, { transaction }));
        expect(refusal(error)).to.contain('refused by test');
        await action.send(ann, { verb: 'after', transaction });
      });
      expect((await Action.findAll({ order: [['id', 'ASC']] })).map((a) => a.verb)).to.deep.equal(['before', 'after']);
    });

    it("goes in the caller's transaction: a rollback removes all of it", async () => {
      const error = await rejection(
        sequelize.transaction(async (transaction) => {
          const sent = await action.sendMany(items(limit + 1), { transaction });
          expect(await Action.count({ transaction })).to.equal(sent.length);
          throw new Error('abort');
        }),
      );
      expect(error).to.have.property('message', 'abort');
      expect(await Action.count()).to.equal(0);
    });

    it('sends no query at all when an item in a later INSERT cannot be encoded', async () => {
      const all = items(limit + 2);
      all[limit + 1] = { ...all[limit + 1], data: { big: 10n } as unknown as Record<string, unknown> };
      const { result, queries } = await recordQueries(sequelize, () => rejection(action.sendMany(all)));
      expect(result).to.be.instanceOf(TypeError);
      expect(queries).to.deep.equal([]);
      expect(await Action.count()).to.equal(0);
    });
  });
});
