import { expect } from 'chai';
import type { Express } from 'express';
import { Action, withoutTracking } from 'actstream';
import { NOT_SAVED_MESSAGE } from 'actstream/adminjs';
import { BOOKED_A_CONCERT } from '../../admin/resources/concert.js';
import { Concert, Group, User, trackAppModels } from '../../models/index.js';
import { resetDatabase } from '../helpers/database.js';
import { FAILURE_KINDS, breakRecording, repairRecording } from '../helpers/recording-failure.js';
import { adminApp, allActions, bandAndLocation, loggedIn, makeUser } from './helpers.js';

// Issue 9, item 3: an admin write and the actions it records commit together, or neither does.
describe('admin writes: the change and its actions, both or neither', () => {
  let app: Express;
  let untrack: () => void;
  let staff: User;
  let agent: Awaited<ReturnType<typeof loggedIn>>;
  let logged: string[];
  let original: typeof console.error;

  before(async () => {
    app = await adminApp();
    untrack = trackAppModels();
  });
  after(() => untrack());
  beforeEach(async () => {
    await resetDatabase();
    staff = await makeUser('staff@example.com', true);
    agent = await loggedIn(app, 'staff@example.com');
    logged = [];
    original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.join(' '));
  });
  afterEach(async () => {
    console.error = original;
    await repairRecording();
  });

  const me = () => `User ${staff.id}`;
  const concertForm = (bandId: number, locationId: number, title: string) => ({
    title,
    date: '2026-12-01T20:00:00.000Z',
    bandId: String(bandId),
    locationId: String(locationId),
  });

  /** The admin's answer says nothing was saved, and the log says which write was rolled back and why. */
  function expectNotSaved(res: { status: number; body: { notice?: { type?: string; message?: string } } }, resource: string): void {
    expect(res.status).to.equal(200);
    expect(res.body.notice).to.deep.equal({ message: NOT_SAVED_MESSAGE, type: 'error' });
    expect(logged.filter((line) => line.includes(`of ${resource} `) && line.includes('was rolled back')), logged.join('\n')).to.have.length(1);
  }

  for (const kind of FAILURE_KINDS) {
    describe(`when writing an action fails (${kind})`, () => {
      it('new: nothing saved, the form keeps the values, and a retry saves once', async () => {
        await breakRecording(kind);
        const failed = await agent.post('/admin/api/resources/groups/actions/new').type('form').send({ name: 'Survivors' });
        expectNotSaved(failed, 'groups');
        expect(failed.body.record.params.name).to.equal('Survivors');
        expect(failed.body.redirectUrl).to.equal(undefined);
        expect(await Group.count()).to.equal(0);
        await repairRecording();
        expect(await Action.count()).to.equal(0);

        const retried = await agent.post('/admin/api/resources/groups/actions/new').type('form').send({ name: 'Survivors' });
        expect(retried.body.notice.type).to.equal('success');
        const groups = await Group.findAll();
        expect(groups.map((g) => g.name)).to.deep.equal(['Survivors']);
        expect(await allActions()).to.deep.equal([{ actor: me(), verb: 'created', actionObject: `Group ${groups[0].id}`, target: null, data: null }]);
      });

      it('edit (a Concert, with the ConcertAdmin action): nothing changed, the form keeps the values, a retry records once', async () => {
        const { band, location } = await bandAndLocation();
        const concert = await withoutTracking(() => Concert.create({ title: 'Opener', date: new Date('2026-12-01T20:00:00Z'), bandId: band.id, locationId: location.id }));
        await breakRecording(kind);
        const url = `/admin/api/resources/concerts/records/${concert.id}/edit`;
        const failed = await agent.post(url).type('form').send(concertForm(band.id, location.id, 'Moved'));
        expectNotSaved(failed, 'concerts');
        expect(failed.body.record.params.title).to.equal('Moved');
        expect(String(failed.body.record.id)).to.equal(String(concert.id));
        expect((await Concert.findByPk(concert.id))!.title).to.equal('Opener');
        await repairRecording();
        expect(await Action.count()).to.equal(0);

        const retried = await agent.post(url).type('form').send(concertForm(band.id, location.id, 'Moved'));
        expect(retried.body.notice.type).to.equal('success');
        expect((await Concert.findByPk(concert.id))!.title).to.equal('Moved');
        expect(await allActions()).to.deep.equal([
          { actor: me(), verb: 'updated', actionObject: `Concert ${concert.id}`, target: null, data: { changes: { title: { old: 'Opener', new: 'Moved' } } } },
          { actor: `Band ${band.id}`, verb: BOOKED_A_CONCERT, actionObject: `Concert ${concert.id}`, target: `Location ${location.id}`, data: null },
        ]);
      });

      it('delete: the record stays, and a retry deletes it with one action', async () => {
        const group = await withoutTracking(() => Group.create({ name: 'Doomed' }));
        await breakRecording(kind);
        const url = `/admin/api/resources/groups/records/${group.id}/delete`;
        const failed = await agent.post(url);
        expectNotSaved(failed, 'groups');
        expect(failed.body.record.params.name).to.equal('Doomed');
        expect(await Group.count()).to.equal(1);
        await repairRecording();
        expect(await Action.count()).to.equal(0);

        const retried = await agent.post(url);
        expect(retried.body.notice.type).to.equal('success');
        expect(await Group.count()).to.equal(0);
        expect(await allActions()).to.deep.equal([{ actor: me(), verb: 'deleted', actionObject: `Group ${group.id}`, target: null, data: null }]);
      });

      it('bulk delete: every record stays, and a retry deletes them with one action each', async () => {
        const [one, two] = await withoutTracking(() => Promise.all([Group.create({ name: 'One' }), Group.create({ name: 'Two' })]));
        await breakRecording(kind);
        const url = `/admin/api/resources/groups/bulk/bulkDelete?recordIds=${one.id},${two.id}`;
        const failed = await agent.post(url);
        expectNotSaved(failed, 'groups');
        expect(failed.body.records.map((r: { params: { name: string } }) => r.params.name).sort()).to.deep.equal(['One', 'Two']);
        expect(await Group.count()).to.equal(2);
        await repairRecording();
        expect(await Action.count()).to.equal(0);

        const retried = await agent.post(url);
        expect(retried.body.notice.type).to.equal('success');
        expect(await Group.count()).to.equal(0);
        expect((await allActions()).map((a) => `${a.actor} ${a.verb} ${a.actionObject}`).sort()).to.deep.equal(
          [`${me()} deleted Group ${one.id}`, `${me()} deleted Group ${two.id}`].sort(),
        );
      });
    });
  }

  it('the ConcertAdmin case: when only "booked a concert" fails, the concert and its "created" are undone too', async () => {
    const { band, location } = await bandAndLocation();
    await breakRecording('hook', BOOKED_A_CONCERT);
    const failed = await agent.post('/admin/api/resources/concerts/actions/new').type('form').send(concertForm(band.id, location.id, 'Opener'));
    expectNotSaved(failed, 'concerts');
    expect(failed.body.record.params.title).to.equal('Opener');
    expect(await Concert.count()).to.equal(0);
    expect(await Action.count()).to.equal(0);
    await repairRecording();

    const retried = await agent.post('/admin/api/resources/concerts/actions/new').type('form').send(concertForm(band.id, location.id, 'Opener'));
    expect(retried.body.notice.type).to.equal('success');
    const [concert] = await Concert.findAll();
    expect(await Concert.count()).to.equal(1);
    expect(await allActions()).to.deep.equal([
      { actor: me(), verb: 'created', actionObject: `Concert ${concert.id}`, target: null, data: null },
      { actor: `Band ${band.id}`, verb: BOOKED_A_CONCERT, actionObject: `Concert ${concert.id}`, target: `Location ${location.id}`, data: null },
    ]);
  });
});
