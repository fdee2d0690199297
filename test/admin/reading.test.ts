import { expect } from 'chai';
import type { Express } from 'express';
import { Action, action, follow, withoutTracking } from 'actstream';
import { Band, Concert, Group, Location, User } from '../../models/index.js';
import { resetDatabase } from '../helpers/database.js';
import { adminApp, loggedIn, makeUser } from './helpers.js';

// The admin's reading side: the Action log, an Activity view per record, the dashboard, follows.
describe('admin: reading actions', () => {
  let app: Express;
  let agent: Awaited<ReturnType<typeof loggedIn>>;
  let ann: User;
  let band: Band;
  let hall: Location;
  let concert: Concert;
  let climbers: Group;
  const t = (minutes: number) => new Date(Date.UTC(2026, 10, 1, 12, minutes));

  before(async () => {
    app = await adminApp();
    await resetDatabase();
    await makeUser('staff@example.com', true);
    agent = await loggedIn(app, 'staff@example.com');
    await withoutTracking(async () => {
      ann = await User.create({ email: 'ann@example.com', name: 'Ann' });
      band = await Band.create({ name: 'The Seeds' });
      hall = await Location.create({ name: 'Town Hall', city: 'Ghent' });
      concert = await Concert.create({ title: 'Opener', date: t(0), bandId: band.id, locationId: hall.id });
      climbers = await Group.create({ name: 'Climbers' });
    });
    await action.send(ann, { verb: 'joined', target: climbers, timestamp: t(1) });
    await action.send(band, { verb: 'booked a concert', actionObject: concert, target: hall, timestamp: t(2) });
    await action.send(ann, { verb: 'updated', actionObject: concert, timestamp: t(3), data: { changes: { title: { old: 'Opener', new: 'Opener II' } } } });
    await action.send(ann, { verb: 'reached level 10', timestamp: t(4), public: false });
    // 25 more on the concert, for paging its activity.
    await action.sendMany(
      Array.from({ length: 25 }, (_, i) => ({ actor: ann, verb: 'liked', actionObject: concert, timestamp: t(10 + i) })),
    );
    await follow(ann, band, { flag: 'liking', sendAction: false });
  });

  const list = (query = '') => agent.get(`/admin/api/resources/action-log/actions/list${query}`);

  describe('Action log', () => {
    it('lists newest first with readable labels linked to the records’ admin pages', async () => {
      const res = await list('?perPage=30');
      expect(res.status).to.equal(200);
      const records = res.body.records as { params: Record<string, unknown> }[];
      expect(records).to.have.length(29);
      const times = records.map((r) => Date.parse(String(r.params.timestamp)));
      expect(times).to.deep.equal([...times].sort((a, b) => b - a));
      const booked = records.find((r) => r.params.verb === 'booked a concert')!.params;
      expect([booked.actor, booked.actorHref]).to.deep.equal(['The Seeds', `/admin/resources/bands/records/${band.id}/show`]);
      expect([booked.actionObject, booked.actionObjectHref]).to.deep.equal(['Opener', `/admin/resources/concerts/records/${concert.id}/show`]);
      expect([booked.target, booked.targetHref]).to.deep.equal(['Town Hall, Ghent', `/admin/resources/locations/records/${hall.id}/show`]);
    });

    it('shows a deleted object as "<Model> <id>" without a link', async () => {
      const gone = await withoutTracking(() => Band.create({ name: 'Gone' }));
      const sent = await action.send(gone, { verb: 'split up', timestamp: t(0) });
      await withoutTracking(() => gone.destroy());
      const res = await list('?filters.verb=split%20up');
      const [record] = res.body.records as { params: Record<string, unknown> }[];
      expect([record.params.actor, record.params.actorHref]).to.deep.equal([`Band ${gone.id}`, null]);
      await sent.destroy();
    });

    it('filters by verb (exactly), actor type, target type and time range', async () => {
      const verbs = async (query: string) => ((await list(query)).body.records as { params: { verb: string } }[]).map((r) => r.params.verb);
      expect(await verbs('?filters.verb=joined')).to.deep.equal(['joined']);
      expect(await verbs('?filters.verb=join')).to.deep.equal([]);
      expect(await verbs('?filters.actorType=Band')).to.deep.equal(['booked a concert']);
      expect(await verbs('?filters.targetType=Group')).to.deep.equal(['joined']);
      const from = encodeURIComponent(t(2).toISOString());
      const to = encodeURIComponent(t(3).toISOString());
      expect(await verbs(`?filters.timestamp~~from=${from}&filters.timestamp~~to=${to}`)).to.deep.equal(['updated', 'booked a concert']);
      expect(await verbs(`?filters.actorType=User&filters.timestamp~~from=${from}&filters.timestamp~~to=${to}`)).to.deep.equal(['updated']);
    });

    it('keeps newest-first order across public and private actions when filtering by type, page after page', async () => {
      const expected = await Action.findAll({ where: { actorType: 'User' }, order: [['timestamp', 'DESC'], ['id', 'DESC']] });
      expect(expected.some((a) => !a.public), 'the fixture has a private action among them').to.equal(true);
      const seen: number[] = [];
      for (let page = 1; page <= 7; page += 1) {
        const res = await list(`?filters.actorType=User&perPage=4&page=${page}`);
        seen.push(...(res.body.records as { id: number }[]).map((r) => r.id));
      }
      expect(seen).to.deep.equal(expected.map((a) => a.id));
      const ascending = await list('?filters.actorType=User&perPage=3&direction=asc&sortBy=timestamp');
      expect((ascending.body.records as { id: number }[]).map((r) => r.id)).to.deep.equal(expected.slice(-3).reverse().map((a) => a.id));
    });

    it('pages with a total the list can use', async () => {
      const first = await list('?perPage=10&page=1');
      const third = await list('?perPage=10&page=3');
      expect(first.body.meta.total).to.equal(29);
      expect(first.body.records).to.have.length(10);
      expect(third.body.records).to.have.length(9);
      const ids = new Set([...first.body.records, ...third.body.records].map((r: { id: number }) => r.id));
      expect(ids.size).to.equal(19);
    });

    it('shows one action with its sentence, every field and the data as a before/after table', async () => {
      const updated = (await Action.findOne({ where: { verb: 'updated' } }))!;
      const res = await agent.get(`/admin/api/resources/action-log/records/${updated.id}/show`);
      expect(res.status).to.equal(200);
      const { params } = res.body.record;
      expect(params.sentence).to.match(/^Ann updated Opener .+ ago$/);
      expect(params.verb).to.equal('updated');
      expect(params.actorType).to.equal('User');
      expect(params.actorId).to.equal(String(ann.id));
      expect(params.actor).to.equal('Ann');
      expect(params.actorHref).to.equal(`/admin/resources/users/records/${ann.id}/show`);
      expect(JSON.parse(params.changesJson)).to.deep.equal([{ field: 'title', before: 'Opener', after: 'Opener II', private: false }]);
      expect(JSON.parse(params.dataJson)).to.deep.equal({ changes: { title: { old: 'Opener', new: 'Opener II' } } });
    });

    it('is read-only: new, edit, delete and bulk delete are refused and change nothing', async () => {
      const before = await Action.count();
      const some = (await Action.findOne())!;
      const created = await agent.post('/admin/api/resources/action-log/actions/new').type('form').send({ actorType: 'User', actorId: '1', verb: 'forged' });
      const edited = await agent.post(`/admin/api/resources/action-log/records/${some.id}/edit`).type('form').send({ verb: 'forged' });
      const deleted = await agent.post(`/admin/api/resources/action-log/records/${some.id}/delete`);
      const bulk = await agent.post(`/admin/api/resources/action-log/bulk/bulkDelete?recordIds=${some.id}`);
      for (const res of [created, edited, deleted, bulk]) {
        expect(res.body.notice?.type, res.text.slice(0, 200)).to.equal('error');
      }
      expect(await Action.count()).to.equal(before);
      expect(await Action.count({ where: { verb: 'forged' } })).to.equal(0);
      await some.reload();
      expect(some.verb).to.not.equal('forged');
      const res = await list();
      const names = (res.body.records[0].recordActions as { name: string }[]).map((a) => a.name);
      expect(names).to.deep.equal(['show']);
    });
  });

  describe('Activity view', () => {
    const activity = (query = '') => agent.get(`/admin/api/resources/concerts/records/${concert.id}/activity${query}`);

    it('gives the record’s stream in any role, newest first, a page at a time', async () => {
      const first = await activity();
      expect(first.status).to.equal(200);
      expect(first.body.actions).to.have.length(20);
      expect(first.body.actions[0].verb).to.equal('liked');
      expect(first.body.actions[0].timestamp).to.equal(t(34).toISOString());
      expect(first.body.next).to.be.a('string');
      const second = await activity(`?before=${encodeURIComponent(first.body.next)}`);
      const verbs = (second.body.actions as { verb: string }[]).map((a) => a.verb);
      expect(verbs).to.deep.equal(['liked', 'liked', 'liked', 'liked', 'liked', 'updated', 'booked a concert']);
      expect(second.body.next).to.equal(null);
      const booked = second.body.actions[6];
      expect(booked.actor).to.deep.equal({ type: 'Band', id: String(band.id), label: 'The Seeds', href: `/admin/resources/bands/records/${band.id}/show` });
      expect(booked.target.href).to.equal(`/admin/resources/locations/records/${hall.id}/show`);
      expect(booked.href).to.equal(`/admin/resources/action-log/records/${booked.id}/show`);
    });

    it('includes private actions (staff see everything), marked, and works on every registered resource', async () => {
      const seen: { verb: string; public: boolean }[] = [];
      let next = '';
      do {
        const res = await agent.get(`/admin/api/resources/users/records/${ann.id}/activity?before=${encodeURIComponent(next)}`);
        seen.push(...(res.body.actions as { verb: string; public: boolean }[]));
        next = res.body.next ?? '';
      } while (next);
      expect(seen).to.have.length(28);
      expect(seen.slice(-3).map((a) => [a.verb, a.public])).to.deep.equal([
        ['reached level 10', false],
        ['updated', true],
        ['joined', true],
      ]);
      const group = await agent.get(`/admin/api/resources/groups/records/${climbers.id}/activity`);
      expect((group.body.actions as { verb: string }[]).map((a) => a.verb)).to.deep.equal(['joined']);
    });

    it("shows an update's private changes to staff, marked, with the public ones", async () => {
      const edit = await action.send(ann, {
        verb: 'updated',
        actionObject: hall,
        timestamp: t(5),
        public: false,
        data: { changes: {}, private: { changes: { city: { old: 'Ghent', new: 'Gent' } } } },
      });
      const res = await agent.get(`/admin/api/resources/locations/records/${hall.id}/activity`);
      const shown = (res.body.actions as { id: number; diff: unknown[] }[]).find((a) => a.id === edit.id);
      expect(shown?.diff).to.deep.equal([{ field: 'city', before: 'Ghent', after: 'Gent', private: true }]);
      await edit.destroy();
    });

    it('answers a bad cursor with an error notice, not a 500', async () => {
      const res = await activity('?before=not-a-cursor!');
      expect(res.status).to.equal(200);
      expect(res.body.notice.type).to.equal('error');
      expect(res.body.actions).to.deep.equal([]);
    });
  });

  describe('dashboard', () => {
    it('gives the latest actions across the site, private ones included, newest first, similar ones grouped', async () => {
      const res = await agent.get('/admin/api/dashboard');
      expect(res.status).to.equal(200);
      const groups = res.body.groups as { id: number; verb: string; sentence: string; public: boolean; count: number; actorCount: number }[];
      expect(groups.map((g) => `${g.verb}×${g.count}`)).to.deep.equal(['liked×25', 'reached level 10×1', 'updated×1', 'booked a concert×1', 'joined×1']);
      expect(groups[0].sentence).to.match(/^Ann liked Opener /);
      expect(groups[0].actorCount).to.equal(1);
      const newest = await Action.findOne({ order: [['timestamp', 'DESC'], ['id', 'DESC']] });
      expect(groups[0].id).to.equal(newest!.id);
      expect(groups[1].public).to.equal(false);
    });
  });

  describe('Follow resource', () => {
    it('lists follows with the user and the followed object as linked labels', async () => {
      const res = await agent.get('/admin/api/resources/follows/actions/list');
      expect(res.status).to.equal(200);
      const [record] = res.body.records as { params: Record<string, unknown> }[];
      expect(record.params.user).to.equal('Ann');
      expect(record.params.userHref).to.equal(`/admin/resources/users/records/${ann.id}/show`);
      expect(record.params.object).to.equal('The Seeds');
      expect(record.params.objectHref).to.equal(`/admin/resources/bands/records/${band.id}/show`);
      expect(record.params.flag).to.equal('liking');
    });
  });
});
