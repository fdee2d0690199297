import { expect } from 'chai';
import fc from 'fast-check';
import { Action, action, feedFollows, follow, inStream, modelStream, anyStream, userStream, type LiveStream } from 'actstream';
import type { User, Group } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { makeGroup, makeUser } from './fixtures.js';

// The live streams decide per action what the stream pages decide per page: for random worlds the
// live rule picks exactly the actions the page functions return.
describe('live matching agrees with the stream pages', function () {
  this.timeout(120_000);
  before(async () => {
    await database();
  });

  it('feed, object and model streams: the same actions, for random follows and actions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(3), fc.nat(3), fc.boolean()), { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(3), fc.option(fc.nat(5)), fc.option(fc.nat(5)), fc.boolean()), { minLength: 1, maxLength: 12 }),
        async (follows, sends) => {
          await resetDatabase();
          const users: User[] = [];
          for (let i = 0; i < 4; i++) users.push(await makeUser(`U${i}`));
          const groups: Group[] = [await makeGroup('G0'), await makeGroup('G1')];
          // Objects an action may reference: the users and the groups.
          const objects = [...users, ...groups];
          for (const [who, what, actorOnly] of follows) await follow(users[who], objects[what], { actorOnly, sendAction: false });
          for (const [who, object, target, isPublic] of sends) {
            await action.send(users[who], {
              verb: 'did',
              actionObject: object === null ? null : objects[object],
              target: target === null ? null : objects[target],
              public: isPublic,
            });
          }
          const all = await Action.findAll({ order: [['id', 'ASC']] });
          const live = async (stream: LiveStream, userIds: string[]) => {
            const known = await feedFollows(userIds, all);
            return all.filter((a) => inStream(stream, a, known)).map((a) => a.id);
          };
          const paged = (page: { actions: Action[] }) => page.actions.map((a) => a.id).sort((a, b) => a - b);
          for (const user of users) {
            const page = await userStream(user, { withUserActivity: true, includeOwnPrivate: true, limit: 100 });
            expect(await live({ kind: 'feed', user }, [String(user.id)])).to.deep.equal(paged(page));
          }
          const group = groups[0];
          expect(await live({ kind: 'object', type: 'Group', id: String(group.id), role: 'any' }, [])).to.deep.equal(paged(await anyStream(group, { limit: 100 })));
          expect(await live({ kind: 'model', type: 'User' }, [])).to.deep.equal(paged(await modelStream(users[0], { limit: 100 })));
        },
      ),
      { numRuns: 25 },
    );
  });
});
