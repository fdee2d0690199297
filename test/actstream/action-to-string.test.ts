import { expect } from 'chai';
import { action, actorStream } from 'actstream';
import type { Comment, Group, User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at, makeComment, makeGroup, makeUser } from './fixtures.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('Action.toString', () => {
  let ann: User;
  let group: Group;
  let comment: Comment;

  before(() => database());
  beforeEach(async () => {
    await resetDatabase();
    ann = await makeUser('Ann');
    group = await makeGroup('Climbers');
    comment = await makeComment('First!', group, ann);
  });

  const later = (ms: number) => new Date(at(0).getTime() + ms);

  it('reads "<actor> <verb> <action object> on <target> <timesince> ago"', async () => {
    const sent = await action.send(ann, { verb: 'created comment', actionObject: comment, target: group, timestamp: at(0) });
    expect(sent.toString(later(3 * HOUR + 2 * MINUTE))).to.equal(`Ann created comment Comment ${comment.id} on Climbers 3 hours, 2 minutes ago`);
  });

  it('reads "<actor> <verb> <target> <timesince> ago"', async () => {
    const sent = await action.send(ann, { verb: 'joined', target: group, timestamp: at(0) });
    expect(sent.toString(later(5 * MINUTE))).to.equal('Ann joined Climbers 5 minutes ago');
  });

  it('reads "<actor> <verb> <action object> <timesince> ago"', async () => {
    const sent = await action.send(ann, { verb: 'liked', actionObject: group, timestamp: at(0) });
    expect(sent.toString(later(400 * 24 * HOUR))).to.equal('Ann liked Climbers 1 year, 1 month ago');
  });

  it('reads "<actor> <verb> <timesince> ago"', async () => {
    const sent = await action.send(ann, { verb: 'reached level 10', timestamp: at(0) });
    expect(sent.toString(at(0))).to.equal('Ann reached level 10 0 minutes ago');
    expect(sent.toString(later(-HOUR))).to.equal('Ann reached level 10 0 minutes ago');
  });

  it('defaults `now` to the current time', async () => {
    const sent = await action.send(ann, { verb: 'reached level 10', timestamp: new Date(Date.now() - 2 * HOUR - 30_000) });
    expect(sent.toString()).to.equal('Ann reached level 10 2 hours ago');
    expect(String(sent)).to.equal('Ann reached level 10 2 hours ago');
  });

  it('reads the same on actions loaded by a stream', async () => {
    await action.send(ann, { verb: 'created comment', actionObject: comment, target: group, timestamp: at(0) });
    const { actions } = await actorStream(ann);
    expect(actions[0].toString(later(HOUR))).to.equal(`Ann created comment Comment ${comment.id} on Climbers 1 hour ago`);
  });
});
