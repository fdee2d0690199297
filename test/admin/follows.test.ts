import { expect } from 'chai';
import type { Express } from 'express';
import { Follow, follow, withoutTracking } from 'actstream';
import { FOLLOW_VERBS } from '../../admin/follow-writes.js';
import { NOT_SAVED_MESSAGE } from 'actstream/adminjs';
import { Group, User, trackAppModels } from '../../models/index.js';
import { resetDatabase } from '../helpers/database.js';
import { FAILURE_KINDS, breakRecording, repairRecording } from '../helpers/recording-failure.js';
import { adminApp, allActions, loggedIn, makeUser } from './helpers.js';

// Issue 15, 4a: staff make and remove follows in the admin, and each change records what staff did,
// in the same transaction as the change.
describe('admin: follows made and removed by staff, each recorded', () => {
  let app: Express;
  let untrack: () => void;
  let staff: User;
  let ann: User;
  let climbers: Group;
  let agent: Awaited<ReturnType<typeof loggedIn>>;

  before(async () => {
    app = await adminApp();
    untrack = trackAppModels();
  });
  after(() => untrack());
  beforeEach(async () => {
    await resetDatabase();
    staff = await makeUser('staff@example.com', true);
    ann = await makeUser('ann@example.com', false, 'Ann');
    climbers = await withoutTracking(() => Group.create({ name: 'Climbers' }));
    agent = await loggedIn(app, 'staff@example.com');
  });
  afterEach(() => repairRecording());

  const NEW = '/admin/api/resources/follows/actions/new';
  const follows = async () =>
    (await Follow.findAll({ order: [['id', 'ASC']], raw: true })).map((f) => ({ user: f.userId, object: `${f.contentType} ${f.objectId}`, flag: f.flag, actorOnly: Boolean(f.actorOnly) }));
  const form = (overrides: Record<string, string> = {}) => ({ userId: String(ann.id), contentType: 'Group', objectId: String(climbers.id), flag: '', actorOnly: 'false', ...overrides });

  it('new: the follow and "<staff> added follower <user> on <object>", nothing else (no "started following": Ann did not do it)', async () => {
    const res = await agent.post(NEW).type('form').send(form());
    expect(res.status).to.equal(200);
    expect(res.body.notice.type).to.equal('success');
    expect(res.body.redirectUrl).to.equal('/admin/resources/follows');
    expect(await follows()).to.deep.equal([{ user: String(ann.id), object: `Group ${climbers.id}`, flag: '', actorOnly: false }]);
    expect(await allActions()).to.deep.equal([
      { actor: `User ${staff.id}`, verb: FOLLOW_VERBS.added, actionObject: `User ${ann.id}`, target: `Group ${climbers.id}`, data: { flag: '', actorOnly: false } },
    ]);
    // The follow is a real one: the library sees it.
    const { isFollowing } = await import('actstream');
    expect(await isFollowing(ann, climbers, { flag: '' })).to.equal(true);
  });

  it('new, as JSON and with a flag: a second follow of the same pair under another flag', async () => {
    await follow(ann, climbers, { sendAction: false });
    const res = await agent.post(NEW).send({ ...form({ flag: 'liking' }), actorOnly: true });
    expect(res.body.notice.type).to.equal('success');
    expect((await follows()).map((f) => [f.flag, f.actorOnly])).to.deep.equal([
      ['', true],
      ['liking', true],
    ]);
    expect((await allActions()).map((a) => [a.verb, a.data])).to.deep.equal([[FOLLOW_VERBS.added, { flag: 'liking', actorOnly: true }]]);
  });

  it('new with bad input: the form comes back with a message on the field, and nothing is written', async () => {
    await follow(ann, climbers, { sendAction: false });
    const before = await follows();
    const cases: [string, Record<string, string>, string, RegExp][] = [
      ['no user', { userId: '' }, 'userId', /Choose the user/],
      ['unknown user', { userId: '424242' }, 'userId', /No user with id 424242/],
      ['a user id that is no number', { userId: 'abc' }, 'userId', /No user with id abc/],
      ['unregistered type', { contentType: 'Sessions' }, 'contentType', /not a followable type/],
      ['missing object', { objectId: '424242' }, 'objectId', /No Group with id 424242/],
      ['text id for a numeric key', { objectId: 'abc' }, 'objectId', /No Group with id abc/],
      ['already following', {}, 'flag', /Ann already follows this Group/],
      ['NUL in the flag', { flag: 'a\u0000b' }, 'flag', /without NUL/],
      ['flag too long', { flag: 'x'.repeat(101) }, 'flag', /at most 100 characters/],
      ['actorOnly not a boolean', { actorOnly: 'maybe' }, 'actorOnly', /true or false/],
    ];
    for (const [name, overrides, field, message] of cases) {
      const res = await agent.post(NEW).type('form').send(form(overrides));
      expect(res.status, name).to.equal(200);
      expect(res.body.notice, name).to.deep.equal({ message: 'thereWereValidationErrors', type: 'error' });
      expect(res.body.record.errors[field]?.message, name).to.match(message);
      expect(res.body.redirectUrl, name).to.equal(undefined);
    }
    expect(await follows()).to.deep.equal(before);
    expect(await allActions()).to.deep.equal([]);
  });

  it('delete and bulk delete: each follow removed with its "removed follower"', async () => {
    const bob = await makeUser('bob@example.com', false, 'Bob');
    await follow(ann, climbers, { sendAction: false, actorOnly: false });
    await follow(bob, climbers, { sendAction: false });
    await follow(bob, ann, { sendAction: false, flag: 'liking' });
    const [annClimbers, bobClimbers, bobAnn] = await Follow.findAll({ order: [['id', 'ASC']] });

    const one = await agent.post(`/admin/api/resources/follows/records/${annClimbers.id}/delete`);
    expect(one.body.notice.type).to.equal('success');
    const bulk = await agent.post(`/admin/api/resources/follows/bulk/bulkDelete?recordIds=${bobClimbers.id},${bobAnn.id}`);
    expect(bulk.body.notice.type).to.equal('success');

    expect(await follows()).to.deep.equal([]);
    const removed = (await allActions()).map((a) => [a.actor, a.verb, a.actionObject, a.target, a.data]);
    expect(removed).to.have.deep.members([
      [`User ${staff.id}`, FOLLOW_VERBS.removed, `User ${ann.id}`, `Group ${climbers.id}`, { flag: '', actorOnly: false }],
      [`User ${staff.id}`, FOLLOW_VERBS.removed, `User ${bob.id}`, `Group ${climbers.id}`, { flag: '', actorOnly: true }],
      [`User ${staff.id}`, FOLLOW_VERBS.removed, `User ${bob.id}`, `User ${ann.id}`, { flag: 'liking', actorOnly: true }],
    ]);
    expect(removed).to.have.length(3);
  });

  for (const kind of FAILURE_KINDS) {
    it(`when the action cannot be written (${kind}): no follow made or removed, the admin is told`, async () => {
      const errors = console.error;
      console.error = () => undefined;
      try {
        await follow(ann, climbers, { sendAction: false });
        const existing = await Follow.findOne({ rejectOnEmpty: true });
        const before = await follows();
        await breakRecording(kind);
        const made = await agent.post(NEW).type('form').send(form({ flag: 'liking' }));
        expect(made.body.notice).to.deep.equal({ message: NOT_SAVED_MESSAGE, type: 'error' });
        const removed = await agent.post(`/admin/api/resources/follows/records/${existing.id}/delete`);
        expect(removed.body.notice).to.deep.equal({ message: NOT_SAVED_MESSAGE, type: 'error' });
        const bulk = await agent.post(`/admin/api/resources/follows/bulk/bulkDelete?recordIds=${existing.id}`);
        expect(bulk.body.notice).to.deep.equal({ message: NOT_SAVED_MESSAGE, type: 'error' });
        await repairRecording();
        expect(await follows()).to.deep.equal(before);
        expect(await allActions()).to.deep.equal([]);
      } finally {
        console.error = errors;
      }
    });
  }

  it('is for staff only: a logged-out call changes nothing', async () => {
    const { default: supertest } = await import('supertest');
    const res = await supertest(app).post(NEW).type('form').send(form());
    expect(res.status).to.equal(302);
    expect(await follows()).to.deep.equal([]);
  });
});
