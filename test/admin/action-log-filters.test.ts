import { expect } from 'chai';
import type { Express } from 'express';
import { actionLogRows } from '../../admin/action-log-query.js';
import { filtersFromSearch, type ActionLogFilters } from '../../admin/action-log-filters.js';
import { adminApp, loggedIn } from './helpers.js';
import { expectedIds, same, seedActionLog, type ActionLogWorld, type Sent } from './action-log-fixture.js';

// The Action log's filters, through the admin's JSON API as its list page calls it:
// GET /admin/api/resources/action-log/actions/list?filters.<name>=<value>.
describe('admin: Action log filters', () => {
  let app: Express;
  let agent: Awaited<ReturnType<typeof loggedIn>>;
  let world: ActionLogWorld;

  before(async () => {
    app = await adminApp();
    world = await seedActionLog();
    agent = await loggedIn(app, 'staff@example.com');
  });

  const list = (query: string) => agent.get(`/admin/api/resources/action-log/actions/list?perPage=100&${query}`);
  const q = (filters: Record<string, string | number | Date>) =>
    Object.entries(filters)
      .map(([key, value]) => `filters.${key}=${encodeURIComponent(value instanceof Date ? value.toISOString() : String(value))}`)
      .join('&');

  /** The list's ids and total for the filters; they must be the sent actions `keep` selects, newest first. */
  async function expectListed(filters: Record<string, string | number | Date>, keep: (a: Sent) => boolean): Promise<void> {
    const res = await list(q(filters));
    expect(res.status).to.equal(200);
    expect(res.body.notice, JSON.stringify(res.body.notice)).to.equal(undefined);
    const ids = (res.body.records as { id: string | number }[]).map((r) => Number(r.id));
    const expected = expectedIds(world.sent, keep);
    expect(expected.length, 'the fixture has matches for this filter').to.be.above(0);
    expect(ids).to.deep.equal(expected);
    expect(res.body.meta.total).to.equal(expected.length);
  }

  it('filters by actor type and id (private actions included), newest first', async () => {
    const ann = { type: 'User', id: String(world.ann.id) };
    await expectListed({ actorType: 'User', actorId: world.ann.id }, (a) => same(a.actor, ann));
    await expectListed({ actorType: 'Band' }, (a) => a.actor.type === 'Band');
  });

  it('matches ids exactly, not as part of a longer id', async () => {
    const res = await list(q({ actorType: 'User', actorId: `${world.ann.id}0` }));
    expect(res.body.records).to.deep.equal([]);
  });

  it('filters by verb, exactly', async () => {
    await expectListed({ verb: 'liked' }, (a) => a.verb === 'liked');
    expect((await list(q({ verb: 'like' }))).body.records).to.deep.equal([]);
  });

  it('filters by target type and id', async () => {
    const climbers = { type: 'Group', id: String(world.climbers.id) };
    await expectListed({ targetType: 'Group', targetId: world.climbers.id }, (a) => same(a.target, climbers));
    await expectListed({ targetType: 'Location' }, (a) => a.target?.type === 'Location');
  });

  it('filters by action object type and id', async () => {
    const encore = { type: 'Concert', id: String(world.encore.id) };
    await expectListed({ actionObjectType: 'Concert', actionObjectId: world.encore.id }, (a) => same(a.actionObject, encore));
  });

  it('filters by time range, both ends included', async () => {
    const from = world.at(4);
    const to = world.at(6);
    await expectListed({ 'timestamp~~from': from, 'timestamp~~to': to }, (a) => a.timestamp >= from && a.timestamp <= to);
    await expectListed({ 'timestamp~~from': world.at(9) }, (a) => a.timestamp >= world.at(9));
    await expectListed({ 'timestamp~~to': world.at(2) }, (a) => a.timestamp <= world.at(2));
  });

  it('filters public and private actions', async () => {
    await expectListed({ public: 'true' }, (a) => a.public);
    await expectListed({ public: 'false' }, (a) => !a.public);
  });

  it('combines filters', async () => {
    const ann = { type: 'User', id: String(world.ann.id) };
    await expectListed(
      { actorType: 'User', actorId: world.ann.id, verb: 'liked', public: 'false', 'timestamp~~from': world.at(6) },
      (a) => same(a.actor, ann) && a.verb === 'liked' && !a.public && a.timestamp >= world.at(6),
    );
    await expectListed({ targetType: 'Group', actionObjectType: 'Concert' }, (a) => a.target?.type === 'Group' && a.actionObject?.type === 'Concert');
  });

  it('pages a type filter across public and private actions in time order (the merge of both index ranges)', async () => {
    const ann = { type: 'User', id: String(world.ann.id) };
    const expected = expectedIds(world.sent, (a) => same(a.actor, ann));
    expect(world.sent.filter((a) => same(a.actor, ann) && !a.public), 'private ones among them').to.have.length.above(1);
    const seen: number[] = [];
    for (let page = 1; page <= 4; page += 1) {
      const res = await agent.get(`/admin/api/resources/action-log/actions/list?perPage=2&page=${page}&${q({ actorType: 'User', actorId: world.ann.id })}`);
      seen.push(...(res.body.records as { id: number }[]).map((r) => Number(r.id)));
      expect(res.body.meta.total).to.equal(expected.length);
    }
    expect(seen).to.deep.equal(expected);
  });

  it('answers a bad filter with an error notice and no rows, never a 500', async () => {
    for (const query of [
      'filters.nosuchfield=1',
      'filters.public=maybe',
      'filters.timestamp~~from=not-a-date',
      `filters.timestamp~~from=${world.at(5).toISOString()}&filters.timestamp~~to=${world.at(1).toISOString()}`,
      `filters.verb=${'x'.repeat(300)}`,
    ]) {
      const res = await agent.get(`/admin/api/resources/action-log/actions/list?${query}`);
      expect(res.status, query).to.equal(200);
      expect(res.body.notice?.type, query).to.equal('error');
      expect(res.body.notice.message, query).to.match(/^Cannot filter the Action log: /);
      expect(res.body.records, query).to.deep.equal([]);
    }
  });

  describe('keyset reading (what the CSV export streams)', () => {
    async function read(filters: ActionLogFilters, pageSize: number): Promise<number[]> {
      const ids: number[] = [];
      for await (const row of actionLogRows(filters, { pageSize })) ids.push(row.id);
      return ids;
    }

    it('reads every matching row once, newest first, across page boundaries and same-millisecond ties', async () => {
      for (const pageSize of [1, 2, 3, 1000]) {
        expect(await read({}, pageSize), `page size ${pageSize}`).to.deep.equal(expectedIds(world.sent, () => true));
        expect(await read({ verb: 'liked' }, pageSize)).to.deep.equal(expectedIds(world.sent, (a) => a.verb === 'liked'));
        expect(await read({ public: false }, pageSize)).to.deep.equal(expectedIds(world.sent, (a) => !a.public));
        expect(await read({ actionObjectType: 'Concert', actionObjectId: String(world.opener.id) }, pageSize)).to.deep.equal(
          expectedIds(world.sent, (a) => same(a.actionObject, { type: 'Concert', id: String(world.opener.id) })),
        );
      }
    });

    it('parses the list’s query string, refusing repeated filters', () => {
      expect(filtersFromSearch(new URLSearchParams('filters.verb=a&page=2&filters.public=false'))).to.deep.equal({ verb: 'a', public: false });
      expect(() => filtersFromSearch(new URLSearchParams('filters.verb=a&filters.verb=b'))).to.throw(/more than once/);
    });
  });
});
