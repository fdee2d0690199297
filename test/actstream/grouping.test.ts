import { expect } from 'chai';
import {
  ActionGroup,
  ActstreamArgumentError,
  action,
  actionObjectStream,
  actorStream,
  anyStream,
  follow,
  groupActions,
  groupedStream,
  modelStream,
  targetStream,
  userStream,
  type Action,
  type GroupedPage,
} from 'actstream';
import { Group, type Comment, type User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at, makeComment, makeGroup, makeUser } from './fixtures.js';

const HOUR = 3600;
const shape = (groups: ActionGroup[]) => groups.map((g) => `${g.verb}×${g.count}`);

describe('grouping', () => {
  let users: User[];
  let climbers: Group;
  let runners: Group;
  let comment: Comment;

  before(async () => {
    await database();
  });
  beforeEach(async () => {
    await resetDatabase();
    users = [];
    for (const name of ['Ann', 'Bob', 'Cat', 'Dan', 'Eve']) users.push(await makeUser(name));
    climbers = await makeGroup('Climbers');
    runners = await makeGroup('Runners');
    comment = await makeComment('Hi', climbers, users[0]);
  });

  /** Sends `[actorIndex, verb, seconds, target?]` in order; returns the page of the target stream, ungrouped. */
  async function send(rows: [number, string, number, Group?][]): Promise<Action[]> {
    const sent = [];
    for (const [actor, verb, seconds, target] of rows) sent.push(await action.send(users[actor], { verb, target: target ?? climbers, timestamp: at(seconds) }));
    return sent.reverse();
  }

  describe('folding', () => {
    it('folds consecutive actions with the same verb, action object and target', async () => {
      const actions = await send([
        [0, 'joined', 1],
        [1, 'joined', 2],
        [2, 'joined', 3, runners],
        [3, 'joined', 4],
        [4, 'left', 5],
        [0, 'left', 6],
      ]);
      expect(shape(groupActions(actions))).to.deep.equal(['left×2', 'joined×1', 'joined×1', 'joined×2']);
    });

    it('only within the window of the group\'s newest member (default 12 hours)', async () => {
      const actions = await send([
        [0, 'joined', 0],
        [1, 'joined', 11 * HOUR],
        [2, 'joined', 13 * HOUR],
      ]);
      expect(shape(groupActions(actions))).to.deep.equal(['joined×2', 'joined×1']);
      expect(shape(groupActions(actions, { window: 14 * HOUR * 1000 }))).to.deep.equal(['joined×3']);
      expect(shape(groupActions(actions, { window: 0 }))).to.deep.equal(['joined×1', 'joined×1', 'joined×1']);
    });

    it('the same actor twice counts twice in count, once in actorCount; samples are the most recent actors', async () => {
      const actions = await send([
        [0, 'joined', 1],
        [1, 'joined', 2],
        [0, 'joined', 3],
        [2, 'joined', 4],
        [3, 'joined', 5],
        [3, 'joined', 6],
      ]);
      const [group] = groupActions(actions);
      expect(group.count).to.equal(6);
      expect(group.actorCount).to.equal(4);
      expect(group.actors.map((a) => a.label)).to.deep.equal(['Dan', 'Cat', 'Ann']);
      expect(group.newest.id).to.equal(actions[0].id);
      expect(group.oldest.id).to.equal(actions[5].id);
      expect(group.newest.timestamp.getTime() - group.oldest.timestamp.getTime()).to.equal(5000);
    });

    it('reads like Action.toString: "Ann, Bob and 3 others joined Climbers 2 hours ago"', async () => {
      const one = await send([[0, 'joined', 1]]);
      const now = new Date(at(1).getTime() + 2 * HOUR * 1000);
      expect(groupActions(one)[0].toString(now)).to.equal('Ann joined Climbers 2 hours ago');
      expect(groupActions(one)[0].toString(now)).to.equal(one[0].toString(now));
      const sentences = [];
      for (let n = 2; n <= 5; n++) {
        const group = new ActionGroup((await actorsJoined(n)).reverse());
        sentences.push(group.headline);
      }
      expect(sentences).to.deep.equal([
        'Bob and Ann joined Climbers',
        'Cat, Bob and Ann joined Climbers',
        'Dan, Cat and 2 others joined Climbers',
        'Eve, Dan and 3 others joined Climbers',
      ]);
      const liked = await action.send(users[1], { verb: 'liked', actionObject: comment, target: climbers });
      const liked2 = await action.send(users[0], { verb: 'liked', actionObject: comment, target: climbers });
      expect(new ActionGroup([liked2, liked]).headline).to.equal(`Ann and Bob liked Comment ${comment.id} on Climbers`);
    });

    async function actorsJoined(n: number): Promise<Action[]> {
      const sent = [];
      for (let i = 0; i < n; i++) sent.push(await action.send(users[i], { verb: 'joined', target: climbers, timestamp: at(i) }));
      return sent;
    }

    it('groupedVerbs and ungroupedVerbs choose which verbs fold', async () => {
      const actions = await send([
        [0, 'joined', 1],
        [1, 'joined', 2],
        [0, 'left', 3],
        [1, 'left', 4],
      ]);
      expect(shape(groupActions(actions))).to.deep.equal(['left×2', 'joined×2']);
      expect(shape(groupActions(actions, { groupedVerbs: ['joined'] }))).to.deep.equal(['left×1', 'left×1', 'joined×2']);
      expect(shape(groupActions(actions, { ungroupedVerbs: ['joined'] }))).to.deep.equal(['left×2', 'joined×1', 'joined×1']);
      expect(() => groupActions(actions, { ungroupedVerbs: 'joined' as unknown as string[] })).to.throw(ActstreamArgumentError);
      expect(() => groupActions(actions, { window: -1 })).to.throw(ActstreamArgumentError);
    });
  });

  describe('groupedStream', () => {
    it('a group across a page boundary is shown once, and pages cover every action once', async () => {
      // Newest first: left×1, joined×5, posted×2, joined×3.
      const sent = await send([
        [0, 'joined', 1],
        [1, 'joined', 2],
        [2, 'joined', 3],
        [3, 'posted', 4],
        [4, 'posted', 5],
        [0, 'joined', 6],
        [1, 'joined', 7],
        [2, 'joined', 8],
        [3, 'joined', 9],
        [4, 'joined', 10],
        [0, 'left', 11],
      ]);
      const pages: string[][] = [];
      const shown: number[] = [];
      let before: string | null = null;
      do {
        const page: GroupedPage = await groupedStream(targetStream, climbers, { limit: 2, before });
        pages.push(shape(page.groups));
        for (const group of page.groups) shown.push(...group.actions.map((a) => a.id));
        before = page.next;
      } while (before);
      expect(pages).to.deep.equal([['left×1', 'joined×5'], ['posted×2', 'joined×3']]);
      expect(shown).to.deep.equal(sent.map((a) => a.id));

      // The cursor continues after the oldest member shown: it is the stream's own cursor.
      const first = await groupedStream(targetStream, climbers, { limit: 2 });
      const rest = await targetStream(climbers, { before: first.next, limit: 100 });
      expect(rest.actions.map((a) => a.id)).to.deep.equal(sent.slice(6).map((a) => a.id));
      const last = await groupedStream(targetStream, climbers, { limit: 1, before: first.next, ungroupedVerbs: ['posted'] });
      expect(shape(last.groups)).to.deep.equal(['posted×1']);
    });

    it('reads every kind of stream grouped, with its own filters and privacy', async () => {
      const [me] = users;
      await follow(me, climbers, { actorOnly: false, sendAction: false });
      await action.send(users[1], { verb: 'joined', target: climbers, timestamp: at(1) });
      await action.send(users[2], { verb: 'joined', target: climbers, timestamp: at(2) });
      await action.send(users[3], { verb: 'joined', target: climbers, timestamp: at(3), public: false });
      await action.send(users[1], { verb: 'liked', actionObject: climbers, timestamp: at(4) });
      await action.send(users[2], { verb: 'liked', actionObject: climbers, timestamp: at(5) });

      expect(shape((await groupedStream(targetStream, climbers)).groups)).to.deep.equal(['joined×2']);
      expect(shape((await groupedStream(actionObjectStream, climbers)).groups)).to.deep.equal(['liked×2']);
      expect(shape((await groupedStream(anyStream, climbers)).groups)).to.deep.equal(['liked×2', 'joined×2']);
      expect(shape((await groupedStream(actorStream, users[1])).groups)).to.deep.equal(['liked×1', 'joined×1']);
      expect(shape((await groupedStream(modelStream, Group)).groups)).to.deep.equal(['liked×2', 'joined×2']);
      expect(shape((await groupedStream(userStream, me)).groups)).to.deep.equal(['liked×2', 'joined×2']);
      expect(shape((await groupedStream(anyStream, climbers, { verb: 'joined' })).groups)).to.deep.equal(['joined×2']);
      const [liked] = (await groupedStream(anyStream, climbers)).groups;
      expect(liked.headline).to.equal('Cat and Bob liked Climbers');
      expect(await groupedStream(targetStream, climbers, { limit: 0 }).catch((e: unknown) => e)).to.be.instanceOf(RangeError);
    });
  });
});
