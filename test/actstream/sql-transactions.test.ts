import { expect } from 'chai';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Sequelize, type Transaction } from 'sequelize';
import { Action, action, actorStream, follow, isFollowing, loadObjects, userStream } from 'actstream';
import { currentBackend } from '../../actstream/settings.js';
import type { Group, User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at, makeGroup, makeUser, verbs } from './fixtures.js';

// The fast path runs on the connection of the transaction it is given (or Sequelize's CLS one),
// so it commits and rolls back with it, and sees what the transaction wrote before the commit.

/** A CLS namespace for Sequelize.useCLS (what cls-hooked offers), on AsyncLocalStorage. */
function namespace() {
  const storage = new AsyncLocalStorage<Map<string, unknown>>();
  return {
    get: (key: string) => storage.getStore()?.get(key),
    set: (key: string, value: unknown) => void storage.getStore()?.set(key, value),
    run: (fn: (context: Map<string, unknown>) => unknown) => {
      const context = new Map(storage.getStore() ?? []);
      return storage.run(context, () => fn(context));
    },
    bind: <F>(fn: F) => fn,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('actstream/sql: the fast path in transactions', () => {
  let sequelize: Sequelize;
  let ann: User;
  let bob: User;
  let group: Group;

  before(async () => {
    sequelize = await database();
  });
  beforeEach(async () => {
    await resetDatabase();
    ann = await makeUser('Ann');
    bob = await makeUser('Bob');
    group = await makeGroup('Climbers');
    expect(currentBackend().kind, 'these tests are about the fast path').to.not.equal('portable');
  });

  it('a send and a sendMany in a transaction that rolls back are gone', async () => {
    const error = await rejection(
      sequelize.transaction(async (transaction) => {
        await action.send(ann, { verb: 'one', target: group, transaction });
        await action.sendMany([{ actor: bob, verb: 'two' }, { actor: ann, verb: 'three' }], { transaction });
        throw new Error('roll back');
      }),
    );
    expect((error as Error).message).to.equal('roll back');
    expect(await Action.count()).to.equal(0);
    expect((await actorStream(ann)).actions).to.deep.equal([]);
  });

  it('what a committed transaction sent is there afterwards, for streams and for Sequelize', async () => {
    const sent = await sequelize.transaction(async (transaction) => [
      await action.send(ann, { verb: 'one', target: group, timestamp: at(1), transaction }),
      ...(await action.sendMany([{ actor: ann, verb: 'two', timestamp: at(2) }], { transaction })),
    ]);
    expect(verbs((await actorStream(ann)).actions)).to.deep.equal(['two', 'one']);
    expect((await Action.findAll({ order: [['id', 'ASC']] })).map((a) => a.id)).to.deep.equal(sent.map((a) => a.id));
  });

  it('reads in a transaction see its own uncommitted actions and follows; reads outside do not', async () => {
    const transaction = await sequelize.transaction();
    try {
      await action.send(bob, { verb: 'uncommitted', target: group, transaction });
      await follow(ann, bob, { sendAction: false, transaction });
      const inside = await actorStream(bob, { transaction });
      expect(verbs(inside.actions)).to.deep.equal(['uncommitted']);
      expect(inside.actions[0].target).to.be.instanceOf(group.constructor);
      expect(verbs((await userStream(ann, { transaction })).actions)).to.deep.equal(['uncommitted']);
      expect(await isFollowing(ann, bob, { transaction })).to.equal(true);
      const created = await (group.constructor as typeof Group).create({ name: 'Made inside' }, { transaction });
      expect((await loadObjects([{ type: 'Group', id: String(created.id) }], transaction)).size).to.equal(1);

      expect((await actorStream(bob)).actions).to.deep.equal([]);
      expect(await isFollowing(ann, bob)).to.equal(false);
      expect((await loadObjects([{ type: 'Group', id: String(created.id) }])).size).to.equal(0);
    } finally {
      await transaction.rollback();
    }
  });

  it('refuses a finished transaction, as Sequelize does', async () => {
    const transaction = await sequelize.transaction();
    await transaction.commit();
    const error = await rejection(action.send(ann, { verb: 'late', transaction }));
    expect((error as Error).message).to.match(/commit has been called on this transaction/);
    expect(await rejection(actorStream(ann, { transaction }))).to.be.instanceOf(Error);
    expect(await Action.count()).to.equal(0);
  });

  describe('with Sequelize.useCLS', () => {
    // The namespace setup() installed serves the rest of the run (the admin's atomic writes): put it back.
    const statics = Sequelize as unknown as { _cls?: unknown };
    let previous: unknown;
    before(() => {
      previous = statics._cls;
      Sequelize.useCLS(namespace());
    });
    after(() => {
      statics._cls = previous;
    });

    it('sends and reads without a transaction option go in the CLS transaction', async () => {
      const error = await rejection(
        sequelize.transaction(async () => {
          await action.send(ann, { verb: 'in cls', target: group });
          await action.sendMany([{ actor: ann, verb: 'many in cls' }]);
          expect(verbs((await actorStream(ann)).actions)).to.have.members(['in cls', 'many in cls']);
          throw new Error('roll back');
        }),
      );
      expect((error as Error).message).to.equal('roll back');
      expect(await Action.count()).to.equal(0);

      let committed: Transaction | undefined;
      await sequelize.transaction(async (transaction) => {
        committed = transaction;
        await action.send(ann, { verb: 'kept' });
      });
      expect(committed).to.not.equal(undefined);
      expect(verbs((await actorStream(ann)).actions)).to.deep.equal(['kept']);
    });
  });
});
