import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import type { Express } from 'express';
import supertest from 'supertest';
import { Action, action, loadReferences, withoutTracking } from 'actstream';
import { CSV_COLUMNS } from '../../admin/action-log-csv.js';
import { actionLogRows } from '../../admin/action-log-query.js';
import { ReferenceLabels } from '../../admin/reference-labels.js';
import { Group, User } from '../../models/index.js';
import { adminApp, loggedIn, STAFF_PASSWORD } from './helpers.js';
import { expectedIds, same, seedActionLog, type ActionLogWorld } from './action-log-fixture.js';

const EXPORT = '/admin/export/action-log.csv';

function refOf(row: Action, i: number): [string | null, string | null] {
  if (i === 0) return [row.actorType, row.actorId];
  if (i === 1) return [row.actionObjectType, row.actionObjectId];
  return [row.targetType, row.targetId];
}

// The Action log's CSV export: staff only, the list's filters, every matching row newest first.
describe('admin: Action log CSV export', () => {
  let app: Express;
  let staff: Awaited<ReturnType<typeof loggedIn>>;
  let world: ActionLogWorld;

  before(async () => {
    app = await adminApp();
    world = await seedActionLog();
    staff = await loggedIn(app, 'staff@example.com');
  });

  async function exported(query = ''): Promise<{ header: string[]; rows: Record<string, string>[]; raw: string }> {
    const res = await staff.get(`${EXPORT}${query}`);
    expect(res.status, res.text.slice(0, 200)).to.equal(200);
    expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="action-log-\d{8}T\d{6}\.csv"$/);
    const raw = res.text;
    const [header, ...records] = parse(raw, { bom: true }) as string[][];
    return { header, rows: records.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]]))), raw };
  }

  it('refuses anonymous callers (401) and logged-in users who are not staff (403)', async () => {
    const anonymous = await supertest(app).get(EXPORT);
    expect(anonymous.status).to.equal(401);
    expect(anonymous.headers['content-type']).to.match(/json/);
    expect(anonymous.text).to.not.include('Ann');
    const user = supertest.agent(app);
    await user.post('/api/session').send({ email: 'user@example.com', password: STAFF_PASSWORD }).expect(200);
    const refused = await user.get(EXPORT);
    expect(refused.status).to.equal(403);
    expect(refused.body.notice.message).to.equal('Only staff can export the Action log.');
    expect(refused.text).to.not.include('Ann');
  });

  it('stops exporting for a staff user who lost isStaff since logging in', async () => {
    const agent = await loggedIn(app, 'staff@example.com');
    expect((await agent.get(EXPORT)).status, 'exports while staff').to.equal(200);
    const sam = (await User.findOne({ where: { email: 'staff@example.com' } }))!;
    await withoutTracking(() => sam.update({ isStaff: false }));
    try {
      const res = await agent.get(EXPORT);
      expect(res.status).to.be.oneOf([401, 403]);
      expect(res.text).to.not.include('Ann');
    } finally {
      await withoutTracking(() => sam.update({ isStaff: true }));
    }
  });

  it('exports every action, newest first, with the documented columns', async () => {
    const { header, rows, raw } = await exported();
    expect(raw.startsWith('\uFEFFid,timestamp,')).to.equal(true);
    expect(raw).to.include('\r\n');
    expect(header).to.deep.equal([...CSV_COLUMNS]);
    expect(rows.map((r) => Number(r.id))).to.deep.equal(expectedIds(world.sent, () => true));
    const booked = world.sent.find((a) => a.verb === 'booked a concert' && same(a.actionObject, { type: 'Concert', id: String(world.encore.id) }))!;
    const row = rows.find((r) => Number(r.id) === booked.id)!;
    expect(row).to.deep.equal({
      id: String(booked.id),
      timestamp: booked.timestamp.toISOString(),
      actor_type: 'Band',
      actor_id: String(world.band.id),
      actor: 'The Seeds',
      verb: 'booked a concert',
      action_object_type: 'Concert',
      action_object_id: String(world.encore.id),
      action_object: 'Encore',
      target_type: 'Location',
      target_id: String(world.hall.id),
      target: 'Town Hall, Ghent',
      public: 'true',
      description: '',
      data: JSON.stringify({ step: world.sent.indexOf(booked) }),
    });
    const reached = rows.find((r) => r.verb === 'reached level 10')!;
    expect([reached.public, reached.action_object_type, reached.target]).to.deep.equal(['false', '', '']);
  });

  it('honours the list’s filters: exactly the matching rows, in order', async () => {
    const ann = { type: 'User', id: String(world.ann.id) };
    const cases: [string, (a: (typeof world.sent)[number]) => boolean][] = [
      [`filters.actorType=User&filters.actorId=${world.ann.id}`, (a) => same(a.actor, ann)],
      ['filters.verb=liked&filters.public=false', (a) => a.verb === 'liked' && !a.public],
      [`filters.targetType=Group&filters.targetId=${world.climbers.id}`, (a) => same(a.target, { type: 'Group', id: String(world.climbers.id) })],
      [`filters.actionObjectType=Concert&filters.actionObjectId=${world.opener.id}`, (a) => same(a.actionObject, { type: 'Concert', id: String(world.opener.id) })],
      [
        `filters.timestamp~~from=${encodeURIComponent(world.at(4).toISOString())}&filters.timestamp~~to=${encodeURIComponent(world.at(8).toISOString())}&filters.public=true`,
        (a) => a.timestamp >= world.at(4) && a.timestamp <= world.at(8) && a.public,
      ],
    ];
    for (const [query, keep] of cases) {
      const expected = expectedIds(world.sent, keep);
      expect(expected.length, query).to.be.above(0);
      const { rows } = await exported(`?${query}&page=3&perPage=2`); // the list's paging is not the export's
      expect(rows.map((r) => Number(r.id)), query).to.deep.equal(expected);
    }
  });

  it('gives the header alone when nothing matches', async () => {
    const { header, rows } = await exported('?filters.verb=nobody%20did%20this');
    expect(header).to.deep.equal([...CSV_COLUMNS]);
    expect(rows).to.deep.equal([]);
  });

  it('refuses a bad filter with a 400 and no CSV', async () => {
    for (const query of ['filters.nosuchfield=1', 'filters.public=maybe', 'filters.timestamp~~to=yesterday-ish', 'filters.verb=a&filters.verb=b']) {
      const res = await staff.get(`${EXPORT}?${query}`);
      expect(res.status, query).to.equal(400);
      expect(res.body.notice.message, query).to.match(/^Cannot filter the Action log: /);
    }
  });

  it('quotes commas, quotes and line breaks, and defuses cells a spreadsheet would run as formulas', async () => {
    const group = await withoutTracking(() => Group.create({ name: '@SUM(A1:A9)' }));
    const tricky = 'says "hi", then\r\nleaves';
    const sent = await action.send(world.ann, {
      verb: '=HYPERLINK("http://evil.example","click")',
      target: group,
      description: tricky,
      data: { note: '+1', list: [1, 'two'] },
      timestamp: world.at(30),
    });
    const minus = await action.send(world.ann, { verb: '-2+3', description: '\tTAB', timestamp: world.at(31) });
    try {
      const { rows } = await exported(`?filters.actorType=User&filters.actorId=${world.ann.id}&filters.timestamp~~from=${encodeURIComponent(world.at(30).toISOString())}`);
      expect(rows.map((r) => Number(r.id))).to.deep.equal([minus.id, sent.id]);
      const [second, first] = rows;
      expect(first.verb).to.equal(`'=HYPERLINK("http://evil.example","click")`);
      expect(first.target).to.equal(`'@SUM(A1:A9)`);
      expect(first.description).to.equal(tricky);
      expect(JSON.parse(first.data)).to.deep.equal({ note: '+1', list: [1, 'two'] });
      expect(second.verb).to.equal(`'-2+3`);
      expect(second.description).to.equal(`'\tTAB`);
    } finally {
      await sent.destroy();
      await minus.destroy();
      await withoutTracking(() => group.destroy());
    }
  });

  it('labels references right batch after batch, with a label cache smaller than the export, deleted objects as "<Model> <id>"', async () => {
    const gone = await withoutTracking(() => Group.create({ name: 'Gone soon' }));
    const sent = await action.send(world.bob, { verb: 'left', target: gone, timestamp: world.at(20) });
    await withoutTracking(() => gone.destroy());
    try {
      const labels = new ReferenceLabels(6); // two batches of one action, three references each: it must evict
      const seen: string[] = [];
      for await (const row of actionLogRows({}, { pageSize: 2 })) {
        await labels.load([row]);
        seen.push([0, 1, 2].map((i) => labels.label(...refOf(row, i))).join(' | '));
      }
      const expected = await Action.findAll({ order: [['timestamp', 'DESC'], ['id', 'DESC']] });
      await loadReferences(expected);
      expect(seen).to.deep.equal(expected.map((a) => [a.actorLabel, a.actionObjectLabel ?? '', a.targetLabel ?? ''].join(' | ')));
      expect(seen[0]).to.equal(`Bob |  | Group ${gone.id}`);
      expect(seen).to.include('The Seeds | Encore | Town Hall, Ghent');
    } finally {
      await sent.destroy();
    }
  });
});
