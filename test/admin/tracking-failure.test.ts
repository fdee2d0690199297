import { expect } from 'chai';
import type { Model } from 'sequelize';
import { Action, whenTrackingFails, withActor, withoutTracking } from 'actstream';
import { Band, User, trackAppModels } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { breakRecording, repairRecording } from '../helpers/recording-failure.js';

// actstream/context.ts whenTrackingFails: the explicit opt-in for apps that prefer keeping a save to
// recording it (the admin does not use it: its writes are all or nothing, test/admin/atomic-writes.test.ts).
describe('whenTrackingFails', () => {
  let untrack: () => void;
  let staff: User;

  before(async () => {
    await database();
    untrack = trackAppModels();
  });
  after(() => untrack());
  beforeEach(async () => {
    await resetDatabase();
    staff = await withoutTracking(() => User.create({ email: 'staff@example.com', name: 'Staff', isStaff: true }));
  });
  afterEach(() => Action.removeHook('beforeCreate', 'test:broken'));

  function breakActions(): void {
    Action.addHook('beforeCreate', 'test:broken', () => {
      throw new Error('action table unavailable');
    });
  }

  it('outside it, a failing action write fails the save', async () => {
    breakActions();
    let caught: unknown;
    try {
      await withActor(staff, () => Band.create({ name: 'Loud' }));
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(Error);
    expect((caught as Error).message).to.equal('action table unavailable');
  });

  it('inside it, the save succeeds and the handler gets the error, the instance and the verb', async () => {
    breakActions();
    const failures: { error: unknown; instance: Model; verb: string }[] = [];
    const band = await whenTrackingFails(
      (error, instance, verb) => failures.push({ error, instance, verb }),
      () => withActor(staff, () => Band.create({ name: 'Loud' })),
    );
    expect(await Band.findByPk(band.id)).to.not.equal(null);
    expect(failures).to.have.length(1);
    expect(failures[0].verb).to.equal('created');
    expect(failures[0].instance).to.equal(band);
    expect((failures[0].error as Error).message).to.equal('action table unavailable');
    expect(await Action.count()).to.equal(0);
  });

  it('inside a transaction, keeps the save even when the database refused the action (a savepoint)', async () => {
    const sequelize = await database();
    await breakRecording('database');
    const failures: string[] = [];
    try {
      await whenTrackingFails(
        (_error, _instance, verb) => failures.push(verb),
        () => sequelize.transaction(() => withActor(staff, async () => {
          await Band.create({ name: 'Kept' });
          // PostgreSQL refuses every statement after a failed one, unless it failed in a savepoint.
          await Band.create({ name: 'Kept too' });
        })),
      );
    } finally {
      await repairRecording();
    }
    expect(failures).to.deep.equal(['created', 'created']);
    expect((await Band.findAll({ order: [['id', 'ASC']] })).map((b) => b.name)).to.deep.equal(['Kept', 'Kept too']);
    expect(await Action.count()).to.equal(0);
  });

  it('does not call the handler when recording works', async () => {
    const failures: unknown[] = [];
    await whenTrackingFails(
      (error) => failures.push(error),
      () => withActor(staff, () => Band.create({ name: 'Fine' })),
    );
    expect(failures).to.deep.equal([]);
    const [created] = await Action.findAll();
    expect([created.verb, created.actorType, created.actorId]).to.deep.equal(['created', 'User', String(staff.id)]);
  });
});
