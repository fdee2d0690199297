import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import {
  ActstreamArgumentError,
  DEFAULT_LIMIT,
  InvalidCursorError,
  MAX_LIMIT,
  NotRegisteredError,
  action,
  actionObjectStream,
  actorStream,
  anyStream,
  follow,
  modelStream,
  objectVersions,
  referenceKey,
  setup,
  targetStream,
  versionOf,
  userStream,
  type StreamPage,
} from 'actstream';
import { Band, Comment, Concert, Group, Location, User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at, dataStatements, ids, makeComment, makeConcert, makeGroup, makeUser, recordQueries, verbs } from './fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('streams', () => {
  let sequelize: Sequelize;
  let ann: User;
  let bob: User;
  let cat: User;
  let climbers: Group;
  let runners: Group;
  let comment: Comment;

  before(async () => {
    sequelize = await database();
  });
  beforeEach(async () => {
    await resetDatabase();
    ann = await makeUser('Ann');
    bob = await makeUser('Bob');
    cat = await makeUser('Cat');
    climbers = await makeGroup('Climbers');
    runners = await makeGroup('Runners');
    comment = await makeComment('Hi', climbers, bob);
  });

  describe('by role', () => {
    beforeEach(async () => {
      await action.send(ann, { verb: 'a1 joined', target: climbers, timestamp: at(1) });
      await action.send(bob, { verb: 'b1 created comment', actionObject: comment, target: climbers, timestamp: at(2) });
      await action.send(ann, { verb: 'a2 liked', actionObject: comment, timestamp: at(3) });
      await action.send(cat, { verb: 'c1 followed', target: ann, timestamp: at(4) });
      await action.send(ann, { verb: 'a3 secret', target: climbers, actionObject: comment, public: false, timestamp: at(5) });
      await action.send(bob, { verb: 'b2 joined', target: runners, timestamp: at(6) });
      await action.send(ann, { verb: 'a4 thanked', actionObject: bob, timestamp: at(7) });
    });

    it('actorStream: what the object did, newest first, public only', async () => {
      expect(verbs((await actorStream(ann)).actions)).to.deep.equal(['a4 thanked', 'a2 liked', 'a1 joined']);
      expect(verbs((await actorStream(bob)).actions)).to.deep.equal(['b2 joined', 'b1 created comment']);
      expect(verbs((await actorStream(runners)).actions)).to.deep.equal([]);
    });

    it('targetStream: what was done to the object as target', async () => {
      expect(verbs((await targetStream(climbers)).actions)).to.deep.equal(['b1 created comment', 'a1 joined']);
      expect(verbs((await targetStream(ann)).actions)).to.deep.equal(['c1 followed']);
    });

    it('actionObjectStream: where the object is the action object', async () => {
      expect(verbs((await actionObjectStream(comment)).actions)).to.deep.equal(['a2 liked', 'b1 created comment']);
      expect(verbs((await actionObjectStream(bob)).actions)).to.deep.equal(['a4 thanked']);
    });

    it('anyStream: any role, each action once', async () => {
      expect(verbs((await anyStream(ann)).actions)).to.deep.equal(['a4 thanked', 'c1 followed', 'a2 liked', 'a1 joined']);
      expect(verbs((await anyStream(bob)).actions)).to.deep.equal(['a4 thanked', 'b2 joined', 'b1 created comment']);
      expect(verbs((await anyStream(comment)).actions)).to.deep.equal(['a2 liked', 'b1 created comment']);
    });

    it('modelStream: any instance of the model in any role, from the model or an instance', async () => {
      expect(verbs((await modelStream(Group)).actions)).to.deep.equal(['b2 joined', 'b1 created comment', 'a1 joined']);
      expect(verbs((await modelStream(runners)).actions)).to.deep.equal(['b2 joined', 'b1 created comment', 'a1 joined']);
      expect(verbs((await modelStream(Comment)).actions)).to.deep.equal(['a2 liked', 'b1 created comment']);
      expect((await modelStream(User)).actions).to.have.length(6);
      expect((await modelStream(Concert)).actions).to.deep.equal([]);
      expect((await modelStream(Concert)).next).to.equal(null);
    });

    it('loads actor, target and action object on every action', async () => {
      const { actions } = await anyStream(ann);
      const byVerb = new Map(actions.map((a) => [a.verb, a]));
      const thanked = byVerb.get('a4 thanked')!;
      expect(thanked.actor).to.be.instanceOf(User);
      expect((thanked.actor as User).name).to.equal('Ann');
      expect((thanked.actionObject as User).name).to.equal('Bob');
      expect(thanked.target).to.equal(null);
      const followed = byVerb.get('c1 followed')!;
      expect((followed.actor as User).name).to.equal('Cat');
      expect((followed.target as User).name).to.equal('Ann');
      const page = await targetStream(climbers);
      const created = page.actions[0];
      expect(created.actionObject).to.be.instanceOf(Comment);
      expect((created.actionObject as Comment).id).to.be.a('number');
      expect(created.target).to.be.instanceOf(Group);
      expect((created.target as Group).name).to.equal('Climbers');
    });

    it('filters by verb, since and until (inclusive)', async () => {
      expect(verbs((await actorStream(ann, { verb: 'a1 joined' })).actions)).to.deep.equal(['a1 joined']);
      expect(verbs((await actorStream(ann, { verb: 'nothing' })).actions)).to.deep.equal([]);
      expect(verbs((await actorStream(ann, { since: at(3) })).actions)).to.deep.equal(['a4 thanked', 'a2 liked']);
      expect(verbs((await actorStream(ann, { until: at(3) })).actions)).to.deep.equal(['a2 liked', 'a1 joined']);
      expect(verbs((await anyStream(ann, { since: at(2), until: at(4) })).actions)).to.deep.equal(['c1 followed', 'a2 liked']);
      expect(verbs((await modelStream(Group, { verb: 'b2 joined' })).actions)).to.deep.equal(['b2 joined']);
      expect(verbs((await targetStream(climbers, { since: at(2), verb: 'b1 created comment' })).actions)).to.deep.equal(['b1 created comment']);
      expect(await rejection(actorStream(ann, { since: new Date('x') }))).to.be.instanceOf(ActstreamArgumentError);
      expect(await rejection(userStream(ann, { verb: 'a\u0000' }))).to.be.instanceOf(ActstreamArgumentError);
      expect(await rejection(modelStream(Group, { verb: 7 as unknown as string }))).to.be.instanceOf(ActstreamArgumentError);
    });

    it('never shows private actions, in any stream', async () => {
      const pages: StreamPage[] = [
        await actorStream(ann),
        await targetStream(climbers),
        await actionObjectStream(comment),
        await anyStream(ann),
        await anyStream(climbers),
        await modelStream(User),
        await modelStream(Comment),
        await actorStream(ann, { verb: 'a3 secret' }),
      ];
      await follow(bob, ann, { actorOnly: false, sendAction: false });
      await follow(bob, climbers, { actorOnly: false, sendAction: false });
      pages.push(await userStream(bob, { withUserActivity: true }));
      pages.push(await userStream(ann, { withUserActivity: true }));
      for (const page of pages) expect(verbs(page.actions)).to.not.include('a3 secret');
      expect(verbs((await userStream(bob)).actions)).to.include('a1 joined');
    });
  });

  describe('order and limits', () => {
    it('puts the newest first and breaks timestamp ties by id, newest id first', async () => {
      const same = at(10);
      const first = await action.send(ann, { verb: 'first', timestamp: same });
      const older = await action.send(ann, { verb: 'older', timestamp: at(5) });
      const second = await action.send(ann, { verb: 'second', timestamp: same });
      const third = await action.send(ann, { verb: 'third', timestamp: same });
      const newer = await action.send(ann, { verb: 'newer', timestamp: at(20) });
      expect(ids((await actorStream(ann)).actions)).to.deep.equal([newer.id, third.id, second.id, first.id, older.id]);
      expect(ids((await modelStream(User)).actions)).to.deep.equal([newer.id, third.id, second.id, first.id, older.id]);
    });

    it('returns 20 actions by default, up to 100 on request', async () => {
      await action.sendMany(Array.from({ length: 105 }, (_, i) => ({ actor: ann, verb: `v${i}`, timestamp: at(i) })));
      const page = await actorStream(ann);
      expect(DEFAULT_LIMIT).to.equal(20);
      expect(page.actions).to.have.length(20);
      expect(page.actions[0].verb).to.equal('v104');
      expect(page.next).to.be.a('string');
      expect((await actorStream(ann, { limit: 1 })).actions).to.have.length(1);
      expect((await actorStream(ann, { limit: MAX_LIMIT })).actions).to.have.length(100);
      expect((await modelStream(User, { limit: 100 })).actions).to.have.length(100);
    });

    for (const limit of [0, -1, 101, 1.5, Number.NaN]) {
      it(`throws a RangeError for limit ${limit}`, async () => {
        const error = await rejection(actorStream(ann, { limit }));
        expect(error).to.be.instanceOf(RangeError);
        expect((error as Error).message).to.match(/limit/);
        expect(await rejection(userStream(ann, { limit }))).to.be.instanceOf(RangeError);
        expect(await rejection(modelStream(Group, { limit }))).to.be.instanceOf(RangeError);
      });
    }

    it('returns next null on the last page, and exactly at the boundary', async () => {
      await action.sendMany(Array.from({ length: 3 }, (_, i) => ({ actor: ann, verb: `v${i}`, timestamp: at(i) })));
      expect((await actorStream(ann, { limit: 3 })).next).to.equal(null);
      const page = await actorStream(ann, { limit: 2 });
      expect(page.next).to.be.a('string');
      const last = await actorStream(ann, { limit: 2, before: page.next });
      expect(verbs(last.actions)).to.deep.equal(['v0']);
      expect(last.next).to.equal(null);
    });
  });

  describe('malformed cursors', () => {
    const valid = Buffer.from(JSON.stringify([Date.now(), 5])).toString('base64url');
    const bad = [
      'not a cursor!',
      '',
      'x'.repeat(500),
      Buffer.from('hello').toString('base64url'),
      Buffer.from(JSON.stringify({ t: 1, id: 2 })).toString('base64url'),
      Buffer.from(JSON.stringify([1])).toString('base64url'),
      Buffer.from(JSON.stringify(['2026-01-01', 3])).toString('base64url'),
      Buffer.from(JSON.stringify([1, -3])).toString('base64url'),
      Buffer.from(JSON.stringify([1, 2.5])).toString('base64url'),
      Buffer.from(JSON.stringify([9e15, 2])).toString('base64url'),
      `${valid}'; DROP TABLE actstream_actions; --`,
    ];
    for (const cursor of bad) {
      it(`rejects ${JSON.stringify(cursor.slice(0, 40))} with InvalidCursorError`, async () => {
        for (const call of [() => actorStream(ann, { before: cursor }), () => modelStream(User, { before: cursor }), () => userStream(ann, { before: cursor })]) {
          const error = await rejection(call());
          expect(error).to.be.instanceOf(InvalidCursorError);
          expect((error as Error).message).to.match(/cursor/i);
        }
      });
    }

    it('accepts a well-formed cursor and a null one', async () => {
      await action.send(ann, { verb: 'old', timestamp: at(0) });
      expect(verbs((await actorStream(ann, { before: valid })).actions)).to.deep.equal(['old']);
      expect(verbs((await actorStream(ann, { before: null })).actions)).to.deep.equal(['old']);
    });
  });

  // The feed read from the follows (default) and from the written feed items (feed.ts): alike.
  for (const feed of ['read', 'write'] as const) {
    describe(`feed ${feed}`, () => {
      before(() => {
        setup(sequelize, { userModel: User, feed });
      });
      after(() => {
        setup(sequelize, { userModel: User });
      });

    describe('userStream', () => {
      beforeEach(async () => {
        await action.send(bob, { verb: 'bob acted', timestamp: at(1) });
        await action.send(cat, { verb: 'cat joined climbers', target: climbers, timestamp: at(2) });
        await action.send(cat, { verb: 'cat liked comment', actionObject: comment, timestamp: at(3) });
        await action.send(climbers, { verb: 'climbers acted', timestamp: at(4) });
        await action.send(ann, { verb: 'ann acted', timestamp: at(5) });
        await action.send(cat, { verb: 'cat acted', timestamp: at(6) });
        await action.send(ann, { verb: 'ann private', public: false, timestamp: at(7) });
      });

      it('refuses an object that is not of the user model', async () => {
        await follow(ann, bob, { sendAction: false });
        // A group whose id is Ann's must not read Ann's feed.
        const sameId = await Group.create({ id: ann.id, name: 'Same id as Ann' });
        const error = await rejection(userStream(sameId as unknown as User));
        expect(error).to.be.instanceOf(ActstreamArgumentError);
        expect((error as Error).message).to.contain('User');
      });

      it('is empty without follows', async () => {
        const page = await userStream(ann);
        expect(page.actions).to.deep.equal([]);
        expect(page.next).to.equal(null);
      });

      it('shows what followed actors did (actorOnly), not what was done to them', async () => {
        await follow(ann, bob, { sendAction: false });
        await follow(ann, climbers, { sendAction: false });
        expect(verbs((await userStream(ann)).actions)).to.deep.equal(['climbers acted', 'bob acted']);
      });

      it('with actorOnly false also shows actions with the object as target or action object', async () => {
        await follow(ann, climbers, { actorOnly: false, sendAction: false });
        await follow(ann, comment, { actorOnly: false, sendAction: false });
        expect(verbs((await userStream(ann)).actions)).to.deep.equal(['climbers acted', 'cat liked comment', 'cat joined climbers']);
      });

      it("adds the user's own public actions with withUserActivity", async () => {
        await follow(ann, bob, { sendAction: false });
        expect(verbs((await userStream(ann, { withUserActivity: true })).actions)).to.deep.equal(['ann acted', 'bob acted']);
        expect(verbs((await userStream(ann, { withUserActivity: false })).actions)).to.deep.equal(['bob acted']);
        // Without follows, withUserActivity still shows one's own actions.
        expect(verbs((await userStream(cat, { withUserActivity: true })).actions)).to.deep.equal(['cat acted', 'cat liked comment', 'cat joined climbers']);
      });

      it('counts follows with any flag, or only those of followFlag', async () => {
        await follow(ann, bob, { flag: 'liking', sendAction: false });
        await follow(ann, cat, { sendAction: false });
        expect(verbs((await userStream(ann)).actions)).to.deep.equal(['cat acted', 'cat liked comment', 'cat joined climbers', 'bob acted']);
        expect(verbs((await userStream(ann, { followFlag: 'liking' })).actions)).to.deep.equal(['bob acted']);
        expect(verbs((await userStream(ann, { followFlag: '' })).actions)).to.deep.equal(['cat acted', 'cat liked comment', 'cat joined climbers']);
        expect(verbs((await userStream(ann, { followFlag: 'watching' })).actions)).to.deep.equal([]);
      });

      it('shows each action once when several follows bring it in', async () => {
        await follow(ann, cat, { sendAction: false });
        await follow(ann, cat, { flag: 'liking', sendAction: false });
        await follow(ann, climbers, { actorOnly: false, sendAction: false });
        await follow(ann, comment, { actorOnly: false, sendAction: false });
        expect(verbs((await userStream(ann, { withUserActivity: true })).actions)).to.deep.equal([
          'cat acted',
          'ann acted',
          'climbers acted',
          'cat liked comment',
          'cat joined climbers',
        ]);
      });

      it('with onlyAfterFollow keeps actions at or after the follow started', async () => {
        const f = await follow(ann, cat, { sendAction: false });
        f.started = at(3);
        await f.save();
        const g = await follow(ann, bob, { sendAction: false });
        g.started = at(1);
        await g.save();
        expect(verbs((await userStream(ann, { onlyAfterFollow: true })).actions)).to.deep.equal(['cat acted', 'cat liked comment', 'bob acted']);
        expect(verbs((await userStream(ann)).actions)).to.deep.equal(['cat acted', 'cat liked comment', 'cat joined climbers', 'bob acted']);
        await action.send(bob, { verb: 'bob again', timestamp: at(8) });
        expect(verbs((await userStream(ann, { onlyAfterFollow: true, since: at(4) })).actions)).to.deep.equal(['bob again', 'cat acted']);
        expect(verbs((await userStream(ann, { onlyAfterFollow: true, verb: 'bob acted' })).actions)).to.deep.equal(['bob acted']);
      });

      it('applies verb, since and until', async () => {
        await follow(ann, cat, { sendAction: false });
        await follow(ann, bob, { sendAction: false });
        expect(verbs((await userStream(ann, { verb: 'bob acted' })).actions)).to.deep.equal(['bob acted']);
        expect(verbs((await userStream(ann, { since: at(3), until: at(5) })).actions)).to.deep.equal(['cat liked comment']);
      });

      it('shows actions by followed objects of another model', async () => {
        const concert = await makeConcert('The Band', 'Hall');
        const band = (await Band.findByPk(concert.bandId))!;
        const location = (await Location.findByPk(concert.locationId))!;
        await action.send(band, { verb: 'booked a concert', actionObject: concert, target: location, timestamp: at(9) });
        await follow(ann, band, { sendAction: false });
        const { actions } = await userStream(ann);
        expect(verbs(actions)).to.deep.equal(['booked a concert']);
        expect(String(actions[0].actor)).to.equal('The Band');
        expect(String(actions[0].target)).to.equal('Hall, Lyon');
        expect(String(actions[0].actionObject)).to.equal('The Band live');
      });
    });

    describe('transactions', () => {
      it('reads inside a transaction what it wrote, and the rollback removes it', async () => {
        await follow(ann, bob, { sendAction: false });
        await sequelize
          .transaction(async (transaction) => {
            await action.send(bob, { verb: 'uncommitted', target: climbers, transaction });
            for (const read of [
              () => actorStream(bob, { transaction }),
              () => targetStream(climbers, { transaction }),
              () => anyStream(climbers, { transaction }),
              () => modelStream(Group, { transaction }),
              () => userStream(ann, { transaction }),
            ]) {
              const { actions } = await read();
              expect(verbs(actions)).to.deep.equal(['uncommitted']);
              expect(actions[0].target).to.be.instanceOf(Group);
            }
            throw new Error('abort');
          })
          .catch(() => undefined);
        expect((await actorStream(bob)).actions).to.deep.equal([]);
      });
    });

    describe('queries per page', () => {
      it('loads references with one query per referenced model, not per action', async () => {
        const users = [ann, bob, cat];
        const groups = [climbers, runners];
        const comments = [comment, await makeComment('two', climbers), await makeComment('three', runners)];
        await action.sendMany(
          Array.from({ length: 30 }, (_, i) => ({
            actor: users[i % 3],
            verb: 'created comment',
            actionObject: comments[i % 3],
            target: groups[i % 2],
            timestamp: at(i),
          })),
        );
        await follow(ann, bob, { sendAction: false });
        await follow(ann, cat, { sendAction: false });
        await follow(ann, climbers, { actorOnly: false, sendAction: false });

        // 3 referenced models (User, Comment, Group): at most 1 + 3 statements for a page of 20.
        const cases: [string, () => Promise<StreamPage>, number][] = [
          ['actor', () => actorStream(ann), 4],
          ['target', () => targetStream(climbers), 4],
          ['actionObject', () => actionObjectStream(comment), 4],
          ['any', () => anyStream(climbers), 4],
          ['model', () => modelStream(Group), 4],
          // The feed first reads the user's follows: one statement more.
          ['user', () => userStream(ann, { withUserActivity: true }), 5],
        ];
        for (const [name, read, most] of cases) {
          const { result, queries } = await recordQueries(sequelize, read);
          expect(result.actions.length, name).to.be.greaterThan(5);
          for (const a of result.actions) {
            expect(a.actor, name).to.be.instanceOf(User);
            expect(a.actionObject, name).to.be.instanceOf(Comment);
            expect(a.target, name).to.be.instanceOf(Group);
          }
          expect(dataStatements(queries).length, `${name}: ${queries.join('\n')}`).to.be.at.most(most);
        }
      });

      it('sends one statement for a page of actions with no references beyond the actor', async () => {
        await action.send(ann, { verb: 'alone' });
        const { queries } = await recordQueries(sequelize, () => actorStream(ann));
        expect(dataStatements(queries)).to.have.length(2);
        const empty = await recordQueries(sequelize, () => modelStream(Concert));
        expect(dataStatements(empty.queries)).to.have.length(1);
      });

      it('does not read again an object the caller passes as loaded (the stream\'s own)', async () => {
        await action.send(ann, { verb: 'alone' });
        const { result, queries } = await recordQueries(sequelize, () => actorStream(ann, { loaded: [ann] }));
        expect(dataStatements(queries), queries.join('\n')).to.have.length(1);
        expect(result.actions[0].actor).to.equal(ann);
      });

      it('reads a stream from a reference alone, and leaves the objects unloaded when asked', async () => {
        await action.send(ann, { verb: 'alone', target: climbers });
        const byInstance = await actorStream(ann);
        const byReference = await actorStream({ type: 'User', id: String(ann.id) });
        expect(ids(byReference.actions)).to.deep.equal(ids(byInstance.actions));
        expect((byReference.actions[0].target as Group).name).to.equal('Climbers');
        const { result, queries } = await recordQueries(sequelize, () => actorStream({ type: 'User', id: String(ann.id) }, { references: false }));
        expect(dataStatements(queries)).to.have.length(1);
        expect(result.actions[0].actor).to.equal(undefined);
        expect(await actorStream({ type: 'Nope', id: '1' }).catch((error: unknown) => error)).to.be.instanceOf(NotRegisteredError);
      });

      it('reads only what a label and a link need of declared models: never an email or a password hash', async () => {
        await ann.update({ passwordHash: 'scrypt$secret-hash' });
        await action.send(ann, { verb: 'thanked', actionObject: bob, target: climbers });
        const { result, queries } = await recordQueries(sequelize, () => actorStream(ann));
        const userReads = dataStatements(queries).filter((sql) => /FROM\s+\W?users\b/i.test(sql));
        expect(userReads, queries.join('\n')).to.have.length(1);
        expect(userReads[0]).to.match(/\bname\b/);
        expect(userReads[0]).not.to.match(/passwordHash|email|isStaff/);
        const thanked = result.actions[0];
        expect(String(thanked.actor)).to.equal('Ann');
        expect(thanked.actor!.get('passwordHash')).to.equal(undefined);
        expect(thanked.actor!.get('email')).to.equal(undefined);
        expect(String(thanked.target)).to.equal('Climbers');
      });

      it('tells a page\'s objects\' versions without reading them: a rename or a deletion changes them', async () => {
        await action.send(ann, { verb: 'joined', target: climbers });
        const refs = [
          { type: 'User', id: String(ann.id) },
          { type: 'Group', id: String(climbers.id) },
        ];
        const { result: before, queries } = await recordQueries(sequelize, () => objectVersions(refs));
        expect(dataStatements(queries)).to.have.length(2);
        for (const sql of dataStatements(queries)) expect(sql).not.to.match(/\bname\b|passwordHash|email/);
        const page = await actorStream(ann);
        expect(versionOf(page.actions[0].target!)).to.equal(before.get(referenceKey('Group', String(climbers.id))));
        // MySQL / MariaDB keep updatedAt in whole seconds: wait past the next one there.
        const wholeSeconds = ['mysql', 'mariadb'].includes(sequelize.getDialect());
        await new Promise((resolve) => setTimeout(resolve, wholeSeconds ? 1100 : 5));
        await climbers.update({ name: 'Climbers United' });
        const after = await objectVersions(refs);
        expect(after.get(referenceKey('Group', String(climbers.id)))).not.to.equal(before.get(referenceKey('Group', String(climbers.id))));
        expect(after.get(referenceKey('User', String(ann.id)))).to.equal(before.get(referenceKey('User', String(ann.id))));
        await Group.destroy({ where: { id: climbers.id } });
        expect((await objectVersions(refs)).get(referenceKey('Group', String(climbers.id)))).to.equal(null);
      });
    });
    });
  }
});
