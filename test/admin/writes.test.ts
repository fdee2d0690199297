import { expect } from 'chai';
import type { Express } from 'express';
import { Action, withoutTracking } from 'actstream';
import { Band, Concert, Group, User, trackAppModels } from '../../models/index.js';
import { resetDatabase } from '../helpers/database.js';
import { adminApp, allActions, bandAndLocation, loggedIn, makeUser } from './helpers.js';

// Admin writes through AdminJS's own API, and exactly the actions each one records.
describe('admin writes record actions', () => {
  let app: Express;
  let untrack: () => void;
  let staff: User;
  let agent: Awaited<ReturnType<typeof loggedIn>>;

  before(async () => {
    app = await adminApp();
    untrack = trackAppModels();
  });
  after(() => untrack());

  beforeEach(async () => {
    await resetDatabase();
    staff = await makeUser('staff@example.com', true);
    agent = await loggedIn(app, 'staff@example.com');
  });

  const me = () => `User ${staff.id}`;

  async function createConcert(bandId: number, locationId: number, title = 'Opener'): Promise<number> {
    const res = await agent
      .post('/admin/api/resources/concerts/actions/new')
      .type('form')
      .send({ title, date: '2026-12-01T20:00:00.000Z', bandId: String(bandId), locationId: String(locationId) });
    expect(res.status).to.equal(200);
    expect(res.body.notice.type, JSON.stringify(res.body.notice)).to.equal('success');
    return Number(res.body.record.params.id);
  }

  describe('Concert (the ConcertAdmin case)', () => {
    it('new: created by the staff user, and the band booked a concert at the location', async () => {
      const { band, location } = await bandAndLocation();
      const id = await createConcert(band.id, location.id);
      expect(await Concert.count()).to.equal(1);
      expect(await allActions()).to.deep.equal([
        { actor: me(), verb: 'created', actionObject: `Concert ${id}`, target: null, data: null },
        { actor: `Band ${band.id}`, verb: 'booked a concert', actionObject: `Concert ${id}`, target: `Location ${location.id}`, data: null },
      ]);
    });

    it('edit: updated with exactly the changed fields, and booked a concert again', async () => {
      const { band, location } = await bandAndLocation();
      const other = await Band.create({ name: 'Other Band' });
      const id = await createConcert(band.id, location.id);
      await Action.destroy({ where: {} });

      const res = await agent
        .post(`/admin/api/resources/concerts/records/${id}/edit`)
        .type('form')
        .send({ title: 'Opener, moved', date: '2026-12-01T20:00:00.000Z', bandId: String(other.id), locationId: String(location.id) });
      expect(res.body.notice.type).to.equal('success');
      expect(await allActions()).to.deep.equal([
        {
          actor: me(),
          verb: 'updated',
          actionObject: `Concert ${id}`,
          target: null,
          data: { changes: { title: { old: 'Opener', new: 'Opener, moved' }, bandId: { old: band.id, new: other.id } } },
        },
        { actor: `Band ${other.id}`, verb: 'booked a concert', actionObject: `Concert ${id}`, target: `Location ${location.id}`, data: null },
      ]);
    });

    it('delete: deleted by the staff user, nothing else', async () => {
      const { band, location } = await bandAndLocation();
      const id = await createConcert(band.id, location.id);
      await Action.destroy({ where: {} });
      const res = await agent.post(`/admin/api/resources/concerts/records/${id}/delete`);
      expect(res.body.notice.type).to.equal('success');
      expect(await Concert.count()).to.equal(0);
      expect(await allActions()).to.deep.equal([{ actor: me(), verb: 'deleted', actionObject: `Concert ${id}`, target: null, data: null }]);
    });

    it('bulk delete: one deleted action per record', async () => {
      const { band, location } = await bandAndLocation();
      const a = await createConcert(band.id, location.id, 'A');
      const b = await createConcert(band.id, location.id, 'B');
      const keep = await createConcert(band.id, location.id, 'C');
      await Action.destroy({ where: {} });
      const res = await agent.post(`/admin/api/resources/concerts/bulk/bulkDelete?recordIds=${a},${b}`);
      expect(res.body.notice.type).to.equal('success');
      expect((await Concert.findAll()).map((c) => c.id)).to.deep.equal([keep]);
      const actions = await allActions();
      expect(actions.map((x) => x.actionObject).sort()).to.deep.equal([`Concert ${a}`, `Concert ${b}`].sort());
      expect(actions.map((x) => [x.actor, x.verb, x.target, x.data])).to.deep.equal([
        [me(), 'deleted', null, null],
        [me(), 'deleted', null, null],
      ]);
    });

    it('failed validation records nothing and saves nothing', async () => {
      const { band, location } = await bandAndLocation();
      const res = await agent
        .post('/admin/api/resources/concerts/actions/new')
        .type('form')
        .send({ title: 'No date', date: '', bandId: String(band.id), locationId: String(location.id) });
      expect(res.status).to.equal(200);
      expect(res.body.notice.type).to.equal('error');
      expect(Object.keys(res.body.record.errors)).to.include('date');
      expect(await Concert.count()).to.equal(0);
      expect(await allActions()).to.deep.equal([]);
    });

    it('a failed edit (validation) records nothing and changes nothing', async () => {
      const { band, location } = await bandAndLocation();
      const id = await createConcert(band.id, location.id);
      await Action.destroy({ where: {} });
      const res = await agent
        .post(`/admin/api/resources/concerts/records/${id}/edit`)
        .type('form')
        .send({ title: 'x', date: 'not a date', bandId: String(band.id), locationId: String(location.id) });
      expect(res.body.notice.type).to.equal('error');
      expect((await Concert.findByPk(id))!.title).to.equal('Opener');
      expect(await allActions()).to.deep.equal([]);
    });

    it('opening the edit form or the delete confirmation (GET) records nothing', async () => {
      const { band, location } = await bandAndLocation();
      const id = await createConcert(band.id, location.id);
      await Action.destroy({ where: {} });
      expect((await agent.get(`/admin/api/resources/concerts/records/${id}/edit`)).status).to.equal(200);
      expect((await agent.get(`/admin/api/resources/concerts/records/${id}/delete`)).status).to.equal(200);
      expect((await agent.get(`/admin/api/resources/concerts/bulk/bulkDelete?recordIds=${id}`)).status).to.equal(200);
      expect(await Concert.count()).to.equal(1);
      expect(await allActions()).to.deep.equal([]);
    });
  });

  describe('another model (Group)', () => {
    it('new, edit, delete and bulk delete each record exactly one generic action per record', async () => {
      let res = await agent.post('/admin/api/resources/groups/actions/new').type('form').send({ name: 'Climbers' });
      const id = Number(res.body.record.params.id);
      res = await agent.post(`/admin/api/resources/groups/records/${id}/edit`).type('form').send({ name: 'Boulderers' });
      expect(res.body.notice.type).to.equal('success');
      res = await agent.post(`/admin/api/resources/groups/records/${id}/edit`).type('form').send({ name: 'Boulderers' });
      expect(res.body.notice.type, 'saving without changes').to.equal('success');
      res = await agent.post(`/admin/api/resources/groups/records/${id}/delete`);
      expect(res.body.notice.type).to.equal('success');
      const [g1, g2] = await withoutTracking(() => Promise.all([Group.create({ name: 'One' }), Group.create({ name: 'Two' })]));
      res = await agent.post(`/admin/api/resources/groups/bulk/bulkDelete?recordIds=${g1.id},${g2.id}`);
      expect(res.body.notice.type).to.equal('success');

      const actions = await allActions();
      expect(actions.slice(0, 3)).to.deep.equal([
        { actor: me(), verb: 'created', actionObject: `Group ${id}`, target: null, data: null },
        { actor: me(), verb: 'updated', actionObject: `Group ${id}`, target: null, data: { changes: { name: { old: 'Climbers', new: 'Boulderers' } } } },
        { actor: me(), verb: 'deleted', actionObject: `Group ${id}`, target: null, data: null },
      ]);
      expect(actions.slice(3).map((a) => `${a.actor} ${a.verb} ${a.actionObject}`).sort()).to.deep.equal(
        [`${me()} deleted Group ${g1.id}`, `${me()} deleted Group ${g2.id}`].sort(),
      );
      expect(actions).to.have.length(5);
    });

    it('a unique-name clash is a validation error: nothing saved, nothing recorded', async () => {
      await Group.create({ name: 'Taken' });
      await Action.destroy({ where: {} });
      const res = await agent.post('/admin/api/resources/groups/actions/new').type('form').send({ name: 'Taken' });
      expect(res.body.notice.type).to.equal('error');
      expect(await Group.count()).to.equal(1);
      expect(await allActions()).to.deep.equal([]);
    });
  });

  describe('User', () => {
    it('an edit records the changed fields but never the password hash, which the admin cannot write', async () => {
      const user = await makeUser('ann@example.com', false, 'Ann');
      const hash = user.passwordHash;
      const res = await agent
        .post(`/admin/api/resources/users/records/${user.id}/edit`)
        .type('form')
        .send({ name: 'Ann B', email: 'ann@example.com', isStaff: 'false', passwordHash: 'scrypt$1$1$1$x$y' });
      expect(res.body.notice.type).to.equal('success');
      await user.reload();
      expect(user.name).to.equal('Ann B');
      expect(user.passwordHash).to.equal(hash);
      expect(await allActions()).to.deep.equal([
        { actor: me(), verb: 'updated', actionObject: `User ${user.id}`, target: null, data: { changes: { name: { old: 'Ann', new: 'Ann B' } } } },
      ]);
      expect(JSON.stringify(res.body)).to.not.include('scrypt$');
    });

    it('records email and staff flag changes privately; an edit of only those is a private action', async () => {
      const user = await makeUser('ann@example.com', false, 'Ann');
      let res = await agent
        .post(`/admin/api/resources/users/records/${user.id}/edit`)
        .type('form')
        .send({ name: 'Ann B', email: 'ann.b@example.com', isStaff: 'false' });
      expect(res.body.notice.type).to.equal('success');
      res = await agent
        .post(`/admin/api/resources/users/records/${user.id}/edit`)
        .type('form')
        .send({ name: 'Ann B', email: 'ann.c@example.com', isStaff: 'true' });
      expect(res.body.notice.type).to.equal('success');
      const rows = await Action.findAll({ order: [['id', 'ASC']] });
      expect(rows.map((a) => ({ verb: a.verb, public: a.public, data: a.data }))).to.deep.equal([
        {
          verb: 'updated',
          public: true,
          data: { changes: { name: { old: 'Ann', new: 'Ann B' } }, private: { changes: { email: { old: 'ann@example.com', new: 'ann.b@example.com' } } } },
        },
        {
          verb: 'updated',
          public: false,
          data: {
            changes: {},
            private: { changes: { email: { old: 'ann.b@example.com', new: 'ann.c@example.com' }, isStaff: { old: false, new: true } } },
          },
        },
      ]);
      // Staff see both parts on the Action log's show page, private rows marked.
      const show = await agent.get(`/admin/api/resources/action-log/records/${rows[0].id}/show`).expect(200);
      expect(JSON.parse(show.body.record.params.changesJson)).to.deep.equal([
        { field: 'email', before: 'ann@example.com', after: 'ann.b@example.com', private: true },
        { field: 'name', before: 'Ann', after: 'Ann B', private: false },
      ]);
    });
  });

  describe('the same change from app code', () => {
    it('records the same generic action with that code’s actor (here: no one, so the record itself, in the passive)', async () => {
      const group = await Group.create({ name: 'Readers' });
      await group.update({ name: 'Writers' });
      expect(await allActions()).to.deep.equal([
        { actor: `Group ${group.id}`, verb: 'was created', actionObject: null, target: null, data: null },
        { actor: `Group ${group.id}`, verb: 'was updated', actionObject: null, target: null, data: { changes: { name: { old: 'Readers', new: 'Writers' } } } },
      ]);
    });
  });
  // When recording fails, nothing is saved: test/admin/atomic-writes.test.ts.
});
