import { AsyncLocalStorage } from 'node:async_hooks';
import { expect } from 'chai';
import { Sequelize as SequelizeClass, type Sequelize } from 'sequelize';
import {
  Action,
  ActionNotification,
  ActstreamArgumentError,
  InvalidCursorError,
  NotificationOverride,
  action,
  follow,
  markItemRead,
  markRead,
  notifications,
  notify,
  pruneActions,
  unreadCount,
  type NotificationGroup,
  type NotificationItem,
  type NotificationPage,
} from 'actstream';
import { Band, type Comment, type Group, type User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at, makeComment, makeGroup, makeUser } from './fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  );
}

const verbsOf = (items: NotificationItem[]) => items.map((item) => item.action.verb);

/** Every notification of `user`, page by page, newest first. */
async function allItems(user: User, options: { unreadOnly?: boolean; limit?: number } = {}): Promise<NotificationItem[]> {
  const all: NotificationItem[] = [];
  let before: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page: NotificationPage<NotificationItem> = await notifications(user, { ...options, before });
    all.push(...page.items);
    if (!page.next) return all;
    before = page.next;
  }
  throw new Error('more than 100 pages');
}

describe('notifications', () => {
  let sequelize: Sequelize;
  let ann: User;
  let bob: User;
  let cat: User;
  let climbers: Group;
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
    comment = await makeComment('Saturday?', climbers, ann);
  });

  describe('fan-out', () => {
    it('send with notify: each listed user gets the action, unread, its objects loaded', async () => {
      const sent = await action.send(ann, { verb: 'commented on', actionObject: comment, target: climbers, notify: [bob, cat, bob] });
      for (const user of [bob, cat]) {
        const page = await notifications(user);
        expect(page.items).to.have.length(1);
        const [item] = page.items;
        expect(item.action.id).to.equal(sent.id);
        expect(item.read).to.equal(false);
        expect(item.action.actor).to.be.instanceOf(ann.constructor);
        expect(item.action.toString()).to.match(/^Ann commented on Comment \d+ on Climbers 0 minutes ago$/);
        expect(page.next).to.equal(null);
      }
      expect((await notifications(ann)).items).to.deep.equal([]);
      expect(await ActionNotification.count()).to.equal(2);
    });

    it('notify: { followersOf } reaches every follower once (any flag), leaving out `except`', async () => {
      const band = await Band.create({ name: 'The Seeds' });
      await follow(bob, band, { sendAction: false });
      await follow(bob, band, { flag: 'liking', sendAction: false });
      await follow(cat, band, { sendAction: false });
      await follow(ann, band, { sendAction: false });
      await action.send(band, { verb: 'booked a concert', notify: { followersOf: band, except: [ann] } });
      expect((await unreadCount(bob)).count).to.equal(1);
      expect((await unreadCount(cat)).count).to.equal(1);
      expect((await unreadCount(ann)).count).to.equal(0);
      await action.send(band, { verb: 'was liked', notify: { followersOf: band, flag: 'liking' } });
      expect((await unreadCount(bob)).count).to.equal(2);
      expect((await unreadCount(cat)).count).to.equal(1);
    });

    it('notify() after the fact tells only those who were not told yet', async () => {
      const sent = await action.send(ann, { verb: 'joined', target: climbers, notify: [bob] });
      await follow(cat, climbers, { sendAction: false });
      await follow(bob, climbers, { sendAction: false });
      expect(await notify(sent, [bob])).to.equal(0);
      expect(await notify(sent, { followersOf: climbers })).to.equal(1);
      expect(await notify(sent, [bob, cat, ann])).to.equal(1);
      expect(await ActionNotification.count({ where: { actionId: sent.id } })).to.equal(3);
    });

    it('sendMany items carry their own recipients', async () => {
      await follow(cat, climbers, { sendAction: false });
      const sent = await action.sendMany([
        { actor: ann, verb: 'joined', target: climbers, notify: [bob] },
        { actor: bob, verb: 'joined', target: climbers, notify: { followersOf: climbers } },
        { actor: cat, verb: 'left', target: climbers },
      ]);
      expect((await notifications(bob)).items.map((i) => i.action.id)).to.deep.equal([sent[0].id]);
      expect((await notifications(cat)).items.map((i) => i.action.id)).to.deep.equal([sent[1].id]);
    });

    it('fan-out in a rolled-back transaction leaves neither the action nor its notifications', async () => {
      const failure = await rejection(
        sequelize.transaction(async (transaction) => {
          await action.send(ann, { verb: 'joined', target: climbers, notify: [bob, cat], transaction });
          await action.sendMany([{ actor: ann, verb: 'left', notify: [bob] }], { transaction });
          throw new Error('changed my mind');
        }),
      );
      expect((failure as Error).message).to.equal('changed my mind');
      expect(await Action.count()).to.equal(0);
      expect(await ActionNotification.count()).to.equal(0);
    });

    it('fan-out in the ambient (CLS) transaction rolls back with it', async () => {
      // A minimal CLS namespace over AsyncLocalStorage: what Sequelize.useCLS needs.
      const storage = new AsyncLocalStorage<Map<string, unknown>>();
      const namespace = {
        run: (fn: (context: Map<string, unknown>) => void) => {
          const context = new Map(storage.getStore());
          storage.run(context, () => fn(context));
        },
        bind: <F>(fn: F) => fn,
        get: (key: string) => storage.getStore()?.get(key),
        set: (key: string, value: unknown) => storage.getStore()?.set(key, value),
      };
      const statics = SequelizeClass as unknown as { _cls?: unknown };
      const previous = statics._cls;
      SequelizeClass.useCLS(namespace);
      try {
        await rejection(
          sequelize.transaction(async () => {
            await action.send(ann, { verb: 'joined', target: climbers, notify: [bob] });
            await notify(await action.send(ann, { verb: 'left' }), [bob, cat]);
            expect(await ActionNotification.count()).to.equal(3);
            throw new Error('roll back');
          }),
        );
      } finally {
        statics._cls = previous;
      }
      expect(await Action.count()).to.equal(0);
      expect(await ActionNotification.count()).to.equal(0);
    });

    it('a private action reaches only the users it is about, whoever else was named', async () => {
      await follow(bob, climbers, { sendAction: false });
      await follow(cat, climbers, { sendAction: false });
      const toBob = await action.send(ann, { verb: 'messaged', actionObject: bob, public: false, notify: [bob, cat] });
      await action.send(ann, { verb: 'nudged', actionObject: cat, target: climbers, public: false, notify: { followersOf: climbers } });
      await action.send(ann, { verb: 'noted', public: false, notify: { followersOf: climbers } });
      expect(verbsOf((await notifications(bob)).items)).to.deep.equal(['messaged']);
      expect(verbsOf((await notifications(cat)).items)).to.deep.equal(['nudged']);
      expect(await notify(toBob, [cat, ann])).to.equal(1);
      expect(verbsOf((await notifications(ann)).items)).to.deep.equal(['messaged']);
      expect((await notifications(cat)).items).to.have.length(1);
    });

    it('checks recipients before writing anything', async () => {
      expect(await rejection(action.send(ann, { verb: 'joined', notify: [climbers] }))).to.be.instanceOf(ActstreamArgumentError);
      expect(await rejection(action.send(ann, { verb: 'joined', notify: { followersOf: climbers, except: [climbers] } }))).to.be.instanceOf(
        ActstreamArgumentError,
      );
      expect(await rejection(action.send(ann, { verb: '', notify: [bob] }))).to.be.instanceOf(ActstreamArgumentError);
      expect(await rejection(action.sendMany([{ actor: ann, verb: 'ok', notify: [bob] }, { actor: ann, verb: 'bad', notify: [comment] }]))).to.be.instanceOf(
        ActstreamArgumentError,
      );
      expect(await Action.count()).to.equal(0);
      expect(await ActionNotification.count()).to.equal(0);
    });
  });

  describe('pages', () => {
    it('pages newest first with a keyset cursor, each notification once', async () => {
      for (let i = 0; i < 7; i++) await action.send(ann, { verb: `v${i}`, timestamp: at(i), notify: [bob] });
      const first = await notifications(bob, { limit: 3 });
      expect(verbsOf(first.items)).to.deep.equal(['v6', 'v5', 'v4']);
      const second = await notifications(bob, { limit: 3, before: first.next });
      expect(verbsOf(second.items)).to.deep.equal(['v3', 'v2', 'v1']);
      const third = await notifications(bob, { limit: 3, before: second.next });
      expect(verbsOf(third.items)).to.deep.equal(['v0']);
      expect(third.next).to.equal(null);
    });

    it('refuses a bad limit, a bad cursor and a non-user', async () => {
      expect(await rejection(notifications(bob, { limit: 0 }))).to.be.instanceOf(RangeError);
      expect(await rejection(notifications(bob, { limit: 101 }))).to.be.instanceOf(RangeError);
      expect(await rejection(notifications(bob, { before: 'nope!' }))).to.be.instanceOf(InvalidCursorError);
      expect(await rejection(notifications(bob, { before: Buffer.from('[1,2]').toString('base64url') }))).to.be.instanceOf(InvalidCursorError);
      expect(await rejection(notifications(climbers))).to.be.instanceOf(ActstreamArgumentError);
      expect(await rejection(unreadCount(bob, { cap: 0 }))).to.be.instanceOf(RangeError);
    });

    it('shows a deleted object as deleted, label kept', async () => {
      await action.send(ann, { verb: 'commented on', actionObject: comment, target: climbers, notify: [bob] });
      await comment.destroy();
      const [item] = (await notifications(bob)).items;
      expect(item.action.actionObject).to.equal(null);
      expect(item.action.actionObjectLabel).to.equal(`Comment ${comment.id}`);
      expect(item.action.target).to.not.equal(null);
    });
  });

  describe('read state', () => {
    async function sendSome(count: number, to: User[] = [bob]) {
      const sent = [];
      for (let i = 0; i < count; i++) sent.push(await action.send(ann, { verb: `v${i}`, timestamp: at(i), notify: to }));
      const items = await allItems(to[0]);
      return items.reverse(); // oldest first: items[i] is v<i>
    }

    it('markRead reads up to the given notification; a newer one stays unread', async () => {
      const items = await sendSome(5);
      const result = await markRead(bob, { upTo: items[2].id });
      expect(result.readUpTo).to.equal(items[2].id);
      const page = await notifications(bob);
      expect(page.items.map((i) => [i.action.verb, i.read])).to.deep.equal([
        ['v4', false],
        ['v3', false],
        ['v2', true],
        ['v1', true],
        ['v0', true],
      ]);
      expect(await unreadCount(bob)).to.deep.equal({ count: 2, capped: false });
      // One arriving after the page was shown stays unread too.
      await action.send(cat, { verb: 'late', notify: [bob] });
      await markRead(bob, { upTo: items[4].id });
      expect(verbsOf((await notifications(bob, { unreadOnly: true })).items)).to.deep.equal(['late']);
    });

    it('the marker never moves back', async () => {
      const items = await sendSome(4);
      await markRead(bob, { upTo: items[2].id });
      const result = await markRead(bob, { upTo: items[0].id });
      expect(result.readUpTo).to.equal(items[2].id);
      expect(await unreadCount(bob)).to.deep.equal({ count: 1, capped: false });
    });

    it('an upTo past the newest notification stops at the newest: later ones stay unread', async () => {
      const items = await sendSome(2);
      const result = await markRead(bob, { upTo: items[1].id + 1000 });
      expect(result.readUpTo).to.equal(items[1].id);
      // Another user's notifications take ids meanwhile; bob's next one is still unread.
      for (let i = 0; i < 3; i++) await action.send(ann, { verb: 'to cat', notify: [cat] });
      await action.send(ann, { verb: 'to bob', notify: [bob] });
      expect(await unreadCount(bob)).to.deep.equal({ count: 1, capped: false });
      expect((await markRead(cat, { upTo: 0 })).readUpTo).to.equal(null);
      expect(await rejection(markRead(bob, { upTo: -1 }))).to.be.instanceOf(ActstreamArgumentError);
    });

    it('markItemRead marks one above the marker read and one below it unread', async () => {
      const items = await sendSome(4);
      await markRead(bob, { upTo: items[1].id });
      expect(await markItemRead(bob, items[3].id, true)).to.equal(true);
      expect(await markItemRead(bob, items[0].id, false)).to.equal(true);
      const page = await notifications(bob);
      expect(page.items.map((i) => [i.action.verb, i.read])).to.deep.equal([
        ['v3', true],
        ['v2', false],
        ['v1', true],
        ['v0', false],
      ]);
      expect(await unreadCount(bob)).to.deep.equal({ count: 2, capped: false });
      expect(verbsOf((await notifications(bob, { unreadOnly: true })).items)).to.deep.equal(['v2', 'v0']);
      const unreadPages = await notifications(bob, { unreadOnly: true, limit: 1 });
      expect(verbsOf(unreadPages.items)).to.deep.equal(['v2']);
      expect(verbsOf((await notifications(bob, { unreadOnly: true, limit: 1, before: unreadPages.next })).items)).to.deep.equal(['v0']);

      // Marking back to what the marker says leaves no override behind.
      await markItemRead(bob, items[3].id, false);
      await markItemRead(bob, items[0].id, true);
      expect(await NotificationOverride.count()).to.equal(0);
      expect(await unreadCount(bob)).to.deep.equal({ count: 2, capped: false });

      // Mark all read: everything up to the point is read, overrides below it are gone.
      await markItemRead(bob, items[1].id, false);
      await markRead(bob, { upTo: items[3].id });
      expect(await unreadCount(bob)).to.deep.equal({ count: 0, capped: false });
      expect(await NotificationOverride.count()).to.equal(0);
    });

    it("markItemRead refuses another user's notification", async () => {
      const items = await sendSome(1);
      expect(await markItemRead(cat, items[0].id, true)).to.equal(false);
      expect(await markItemRead(bob, items[0].id + 999, true)).to.equal(false);
      expect(await unreadCount(bob)).to.deep.equal({ count: 1, capped: false });
    });

    it('pages and counts past items marked one by one and actions deleted behind its back', async () => {
      const items = await sendSome(14);
      await markRead(bob, { upTo: items[3].id }); // v0..v3 read by the marker
      await markItemRead(bob, items[1].id, false); // v1 unread again
      for (const i of [13, 12, 11, 9, 6]) await markItemRead(bob, items[i].id, true);
      const table = sequelize.getQueryInterface().quoteIdentifier('actstream_actions');
      await sequelize.query(`DELETE FROM ${table} WHERE id IN (${[items[10], items[7]].map((i) => i.action.id).join(', ')})`);
      const unread = ['v8', 'v5', 'v4', 'v1'];
      expect(verbsOf(await allItems(bob, { unreadOnly: true, limit: 1 }))).to.deep.equal(unread);
      expect(verbsOf(await allItems(bob, { unreadOnly: true, limit: 3 }))).to.deep.equal(unread);
      expect(verbsOf(await allItems(bob, { limit: 2 }))).to.deep.equal(['v13', 'v12', 'v11', 'v9', 'v8', 'v6', 'v5', 'v4', 'v3', 'v2', 'v1', 'v0']);
      expect(await unreadCount(bob)).to.deep.equal({ count: 4, capped: false });
      expect(await unreadCount(bob, { cap: 3 })).to.deep.equal({ count: 3, capped: true });
      expect(await unreadCount(bob, { cap: 4 })).to.deep.equal({ count: 4, capped: false });
    });

    it('over the cap answers capped: true; at the cap, not', async () => {
      await sendSome(5);
      expect(await unreadCount(bob, { cap: 3 })).to.deep.equal({ count: 3, capped: true });
      expect(await unreadCount(bob, { cap: 5 })).to.deep.equal({ count: 5, capped: false });
      expect(await unreadCount(bob)).to.deep.equal({ count: 5, capped: false });
    });
  });

  describe('deleted actions', () => {
    it('a deleted action lowers the count and leaves the page (instance, bulk and prune)', async () => {
      const one = await action.send(ann, { verb: 'one', timestamp: at(1), notify: [bob, cat] });
      const two = await action.send(ann, { verb: 'two', timestamp: at(2), notify: [bob] });
      const three = await action.send(ann, { verb: 'three', timestamp: at(3), notify: [bob] });
      await action.send(ann, { verb: 'four', timestamp: new Date(), notify: [bob] });
      const items = await allItems(bob);
      await markItemRead(bob, items.find((i) => i.action.id === one.id)!.id, true);
      expect(await unreadCount(bob)).to.deep.equal({ count: 3, capped: false });

      await one.destroy();
      expect(await unreadCount(cat)).to.deep.equal({ count: 0, capped: false });
      expect(await NotificationOverride.count()).to.equal(0);
      await Action.destroy({ where: { id: two.id } });
      expect(verbsOf((await notifications(bob)).items)).to.deep.equal(['four', 'three']);
      expect(await unreadCount(bob)).to.deep.equal({ count: 2, capped: false });

      await pruneActions({ olderThan: at(10) });
      expect(verbsOf((await notifications(bob)).items)).to.deep.equal(['four']);
      expect(await unreadCount(bob)).to.deep.equal({ count: 1, capped: false });
      expect(await ActionNotification.count({ where: { actionId: three.id } })).to.equal(0);
    });

    it('an action deleted behind actstream\'s back (plain SQL) is not shown or counted either', async () => {
      const gone = await action.send(ann, { verb: 'gone', notify: [bob] });
      await action.send(ann, { verb: 'kept', notify: [bob] });
      await sequelize.query(`DELETE FROM ${sequelize.getQueryInterface().quoteIdentifier('actstream_actions')} WHERE id = ${gone.id}`);
      expect(verbsOf((await notifications(bob)).items)).to.deep.equal(['kept']);
      expect(verbsOf((await notifications(bob, { unreadOnly: true })).items)).to.deep.equal(['kept']);
      expect(await unreadCount(bob)).to.deep.equal({ count: 1, capped: false });
    });

    it("deleting a user deletes their notifications and read state", async () => {
      await action.send(ann, { verb: 'hello', notify: [bob, cat] });
      const [item] = (await notifications(bob)).items;
      await markItemRead(bob, item.id, true);
      await bob.destroy();
      expect(await ActionNotification.count()).to.equal(1);
      expect(await NotificationOverride.count()).to.equal(0);
    });
  });

  describe('grouped', () => {
    it('folds a page into groups: count vs actorCount, sentence, read state', async () => {
      await action.send(ann, { verb: 'joined', target: climbers, timestamp: at(1), notify: [bob] });
      await action.send(cat, { verb: 'joined', target: climbers, timestamp: at(2), notify: [bob] });
      await action.send(ann, { verb: 'joined', target: climbers, timestamp: at(3), notify: [bob] });
      await action.send(ann, { verb: 'reached level 10', timestamp: at(4), notify: [bob] });
      const page = await notifications(bob, { grouped: true });
      expect(page.items).to.have.length(2);
      const [level, joined] = page.items;
      expect(level.group.count).to.equal(1);
      expect(joined.group.count).to.equal(3);
      expect(joined.group.actorCount).to.equal(2);
      expect(joined.group.headline).to.equal('Ann and Cat joined Climbers');
      expect(joined.items).to.have.length(3);
      expect(joined.read).to.equal(false);
      await markRead(bob, { upTo: joined.items[0].id });
      const again = await notifications(bob, { grouped: true });
      expect(again.items.map((g) => g.read)).to.deep.equal([false, true]);
      expect(page.next).to.equal(null);
    });

    it('a group across a page boundary is shown once; the next page continues after its oldest member', async () => {
      // Newest first: 3 × "liked comment", 4 × "joined Climbers", 2 × "left".
      let t = 0;
      for (const actor of [ann, bob, cat]) await action.send(actor, { verb: 'left', timestamp: at(t++), notify: [bob] });
      for (const actor of [ann, cat, ann, cat]) await action.send(actor, { verb: 'joined', target: climbers, timestamp: at(t++), notify: [bob] });
      for (const actor of [ann, cat]) await action.send(actor, { verb: 'liked', actionObject: comment, timestamp: at(t++), notify: [bob] });
      const seen: string[] = [];
      const ids = new Set<number>();
      let before: string | null = null;
      const pages: string[][] = [];
      do {
        const page: NotificationPage<NotificationGroup> = await notifications(bob, { grouped: true, limit: 1, before });
        pages.push(page.items.map((g) => `${g.group.verb}×${g.group.count}`));
        for (const g of page.items) {
          seen.push(g.group.verb);
          for (const item of g.items) {
            expect(ids.has(item.id), 'never shown twice').to.equal(false);
            ids.add(item.id);
          }
        }
        before = page.next;
      } while (before);
      expect(pages).to.deep.equal([['liked×2'], ['joined×4'], ['left×3']]);
      expect(ids.size).to.equal(9);
      // Without grouping 'left' by the same rule it would fold too; ungroupedVerbs keeps it apart.
      const split = await notifications(bob, { grouped: true, ungroupedVerbs: ['left'] });
      expect(split.items.map((g) => `${g.group.verb}×${g.group.count}`)).to.deep.equal(['liked×2', 'joined×4', 'left×1', 'left×1', 'left×1']);
    });

    it('unread only, grouped', async () => {
      await action.send(ann, { verb: 'joined', target: climbers, timestamp: at(1), notify: [bob] });
      await action.send(cat, { verb: 'joined', target: climbers, timestamp: at(2), notify: [bob] });
      const page = await notifications(bob, { grouped: true, unreadOnly: true });
      expect(page.items).to.have.length(1);
      await markRead(bob, { upTo: page.items[0].items[0].id });
      expect((await notifications(bob, { grouped: true, unreadOnly: true })).items).to.deep.equal([]);
    });
  });
});
