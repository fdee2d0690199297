import { expect } from 'chai';
import { QueryTypes, type Model, type Sequelize } from 'sequelize';
import {
  Action,
  action,
  actionObjectStream,
  actorStream,
  anyStream,
  follow,
  ensureActionPartitions,
  isActionsTablePartitioned,
  modelStream,
  monthPartitions,
  partitionActionsTable,
  pruneActions,
  targetStream,
  userStream,
  type ActionPartition,
  type StreamPage,
} from 'actstream';
import { connect } from '../../db/connect.js';
import { migrate } from '../../db/migrate.js';
import { Comment, Group, initModels, User } from '../../models/index.js';
import { OwnPostgresCluster, postgresBinDir } from '../helpers/pg-cluster.js';
import { requirePostgresBinaries, SCALE_PORTS } from './helpers.js';

// The actions table partitioned by month, 24 months of actions in it: EXPLAIN ANALYZE of the very
// statement each stream runs (captured from the log) shows which partitions it read. A first page
// must stop at the month of its oldest action; a deep page must not even plan the months after its
// cursor; partitions are read newest first (an ordered Append), never all merged.

const MONTHS = 24;
const PER_MONTH = 60;
const HOUR = 3_600_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

interface Captured {
  text: string;
  bind: unknown[];
}

const monthStart = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
const addMonths = (date: Date, months: number) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));

function walk(node: PlanNode, visit: (node: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

describe('a partitioned actions table (PostgreSQL, monthly partitions)', function () {
  this.timeout(240_000);
  let cluster: OwnPostgresCluster;
  let sequelize: Sequelize;
  let partitions: ActionPartition[];
  let captured: Captured[] = [];
  let users: User[];
  let groups: Group[];
  let comments: Comment[];
  let reader: User;
  const first = addMonths(monthStart(new Date()), -(MONTHS - 1));

  before(async () => {
    cluster = new OwnPostgresCluster(requirePostgresBinaries(postgresBinDir()), SCALE_PORTS.partitions);
    await cluster.init();
    await cluster.start();
    await cluster.createDatabase();
    sequelize = await connect(cluster.url, { logging: false }, null);
    await migrate(sequelize, { partitioned: false });
    initModels(sequelize);

    users = await User.bulkCreate(Array.from({ length: 6 }, (_, i) => ({ email: `u${i}@example.com`, name: `U${i}` })));
    groups = await Group.bulkCreate(Array.from({ length: 3 }, (_, i) => ({ name: `G${i}` })));
    comments = await Comment.bulkCreate(Array.from({ length: 4 }, (_, i) => ({ text: `C${i}` })));
    for (let m = 0; m < MONTHS; m++) {
      const start = addMonths(first, m).getTime();
      await action.sendMany(
        Array.from({ length: PER_MONTH }, (_, k) => ({
          actor: users[k % users.length] as Model,
          verb: 'posted',
          actionObject: comments[k % comments.length] as Model,
          target: groups[k % groups.length] as Model,
          timestamp: new Date(start + k * HOUR),
        })),
      );
    }
    reader = await User.create({ email: 'reader@example.com', name: 'Reader' });
    await follow(reader, users[1], { sendAction: false });
    await follow(reader, groups[2], { actorOnly: false, sendAction: false });

    expect(await partitionActionsTable(sequelize, { from: first })).to.equal(true);
    partitions = await monthPartitions(sequelize);
    await sequelize.query('VACUUM ANALYZE actstream_actions');
    (sequelize as unknown as { options: { logging: unknown } }).options.logging = (sql: string, options?: unknown) => {
      const text = sql.replace(/^Execut(ing|ed) \([^)]*\): /, '');
      if (text.includes('"actstream_actions"')) captured.push({ text, bind: ((options as { bind?: unknown[] })?.bind ?? []) as unknown[] });
    };
  });

  after(async () => {
    await sequelize?.close();
    await cluster?.destroy();
  });

  /** Runs a stream page; returns it, and the partitions its actions statement read (by name) and left out of its plan. */
  async function explained(read: () => Promise<StreamPage>): Promise<{ page: StreamPage; touched: Set<string>; planned: Set<string>; ordered: boolean }> {
    captured = [];
    const page = await read();
    const statement = captured[0];
    expect(statement, 'the stream ran a statement on actstream_actions').to.not.equal(undefined);
    const rows = await sequelize.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, {
      bind: statement.bind,
      type: QueryTypes.SELECT,
    });
    const plan = rows[0]['QUERY PLAN'][0].Plan;
    const touched = new Set<string>();
    const planned = new Set<string>();
    let ordered = true;
    walk(plan, (node) => {
      if (node['Node Type'] === 'Merge Append') ordered = false;
      const name = node['Relation Name'];
      if (!name?.startsWith('actstream_actions_')) return;
      planned.add(name);
      if ((node['Actual Loops'] ?? 0) > 0) touched.add(name);
    });
    return { page, touched, planned, ordered };
  }

  const monthOf = (date: Date) => partitions.find((p) => p.from! <= date && date < p.to!)!;
  const olderThan = (date: Date) => partitions.filter((p) => p.to! <= monthStart(date)).map((p) => p.name);
  const newerThan = (date: Date) => partitions.filter((p) => p.from! > date).map((p) => p.name);

  it('is partitioned by month: 24 months of actions, months ahead, primary key (id, timestamp)', async () => {
    expect(await isActionsTablePartitioned(sequelize)).to.equal(true);
    expect(partitions.length).to.be.at.least(MONTHS + 1);
    expect(partitions[0].from!.toISOString()).to.equal(first.toISOString());
    const [pk] = await sequelize.query<{ columns: string }>(
      `SELECT pg_get_constraintdef(oid) AS columns FROM pg_constraint WHERE conrelid = 'actstream_actions'::regclass AND contype = 'p'`,
      { type: QueryTypes.SELECT },
    );
    expect(pk.columns).to.equal('PRIMARY KEY (id, "timestamp")');
    // Every stream index on every partition.
    const [{ missing }] = await sequelize.query<{ missing: string }>(
      `SELECT COUNT(*) AS missing FROM pg_inherits i CROSS JOIN unnest(ARRAY['actor','target','action_object','actor_type','target_type','action_object_type','timestamp']) s(name)
        WHERE i.inhparent = 'actstream_actions'::regclass AND NOT EXISTS (
          SELECT 1 FROM pg_index x JOIN pg_inherits ii ON ii.inhrelid = x.indexrelid
           WHERE x.indrelid = i.inhrelid AND ii.inhparent = ('actstream_actions_' || s.name)::regclass)`,
      { type: QueryTypes.SELECT },
    );
    expect(Number(missing)).to.equal(0);
    expect(await Comment.count()).to.equal(4);
  });

  const singleBranch: [string, () => Promise<StreamPage>][] = [
    ['actor', () => actorStream(users[0])],
    ['target', () => targetStream(groups[0])],
    ['action object', () => actionObjectStream(comments[0])],
  ];

  /** The action the page read past its end (the first of the next page): the page's statement must reach its month, no further. */
  async function lookAhead(name: string, page: StreamPage): Promise<Date> {
    const next = await streamAfter(name, page.next!);
    return next.actions[0].timestamp;
  }

  for (const [name, read] of singleBranch) {
    it(`reads only the newest months for the first page of the ${name} stream`, async () => {
      const { page, touched, ordered } = await explained(read);
      expect(page.actions).to.have.length(20);
      expect(ordered, 'partitions read in time order (Append), not merged').to.equal(true);
      const oldest = page.actions.at(-1)!.timestamp;
      expect(touched).to.include(monthOf(oldest).name);
      for (const older of olderThan(await lookAhead(name, page))) expect(touched, `${older} read needlessly`).not.to.include(older);
      expect(touched.size).to.be.below(partitions.length / 2);
    });

    it(`prunes the months after the cursor of a deep page of the ${name} stream`, async () => {
      // A cursor a year back: the page after the action that opened month 12.
      let page = await read();
      while (page.next && page.actions.at(-1)!.timestamp >= addMonths(first, 12)) {
        const cursor = page.next;
        page = await streamAfter(name, cursor);
      }
      const cursor = page.next!;
      const at = page.actions.at(-1)!.timestamp;
      const deep = await explained(() => streamAfter(name, cursor));
      expect(deep.page.actions).to.have.length(20);
      expect(deep.ordered).to.equal(true);
      for (const newer of newerThan(at)) expect(deep.planned, `${newer} not pruned`).not.to.include(newer);
      const oldest = deep.page.actions.at(-1)!.timestamp;
      expect(deep.touched).to.include(monthOf(oldest).name);
      for (const older of olderThan(await lookAhead(name, deep.page))) expect(deep.touched, `${older} read needlessly`).not.to.include(older);
    });
  }

  function streamAfter(name: string, before: string): Promise<StreamPage> {
    if (name === 'actor') return actorStream(users[0], { before });
    if (name === 'target') return targetStream(groups[0], { before });
    return actionObjectStream(comments[0], { before });
  }

  // Several branches (one per role, or per followed object): an empty branch must look through
  // every month to know it is empty, so these assert the order and the pruning after a cursor.
  const multiBranch: [string, (before?: string) => Promise<StreamPage>][] = [
    ['any', (before) => anyStream(users[0], { before })],
    ['model', (before) => modelStream(Group, { before })],
    ['user feed', (before) => userStream(reader, { before })],
  ];
  for (const [name, read] of multiBranch) {
    it(`reads months newest first for the ${name} stream, and prunes the months after a deep cursor`, async () => {
      const { page, touched, ordered } = await explained(() => read());
      expect(page.actions).to.have.length(20);
      expect(ordered).to.equal(true);
      expect(touched).to.include(monthOf(page.actions.at(-1)!.timestamp).name);
      let deepPage = page;
      for (let i = 0; i < 10 && deepPage.next; i++) deepPage = await read(deepPage.next);
      const at = deepPage.actions.at(-1)!.timestamp;
      const deep = await explained(() => read(deepPage.next!));
      expect(deep.page.actions).to.have.length(20);
      expect(deep.ordered).to.equal(true);
      for (const newer of newerThan(at)) {
        expect(deep.planned, `${newer} not pruned`).not.to.include(newer);
        expect(deep.touched, `${newer} read`).not.to.include(newer);
      }
    });
  }

  it('finds an action by id alone (GET /api/actions/:id)', async () => {
    const rows = await sequelize.query<{ id: number }>('SELECT MIN(id) AS id FROM actstream_actions', { type: QueryTypes.SELECT });
    const found = await Action.findByPk(rows[0].id);
    expect(found?.verb).to.equal('posted');
    expect(found!.timestamp.toISOString()).to.equal(first.toISOString());
  });

  it('makes the months ahead as time passes, moving rows that were already there', async () => {
    const last = partitions.at(-1)!;
    // An action beyond every month: it lands in …_after.
    await action.send(users[0], { verb: 'from the future', timestamp: addMonths(last.to!, 1) });
    const made = await ensureActionPartitions(sequelize, { now: addMonths(last.to!, 1) });
    expect(made.length).to.be.at.least(2);
    const [{ home }] = await sequelize.query<{ home: string }>(
      `SELECT tableoid::regclass::text AS home FROM actstream_actions WHERE verb = 'from the future'`,
      { type: QueryTypes.SELECT },
    );
    expect(home).to.equal(made.find((name) => name.endsWith(`m${String(addMonths(last.to!, 1).getUTCMonth() + 1).padStart(2, '0')}`)));
    partitions = await monthPartitions(sequelize);
  });

  it('prunes by dropping whole months past the retention, the month it cuts through row by row', async () => {
    const before = await sequelize.query<{ n: string }>('SELECT COUNT(*) AS n FROM actstream_actions', { type: QueryTypes.SELECT });
    const cutoff = new Date(addMonths(first, 6).getTime() + 10 * HOUR);
    const result = await pruneActions({ olderThan: cutoff });
    expect(result.droppedPartitions).to.have.length(6);
    expect(result.count).to.equal(6 * PER_MONTH + 10);
    const after = await sequelize.query<{ n: string; oldest: Date }>('SELECT COUNT(*) AS n, MIN("timestamp") AS oldest FROM actstream_actions', { type: QueryTypes.SELECT });
    expect(Number(before[0].n) - Number(after[0].n)).to.equal(result.count);
    expect(new Date(after[0].oldest).toISOString()).to.equal(cutoff.toISOString());
    expect((await monthPartitions(sequelize))[0].from!.toISOString()).to.equal(addMonths(first, 6).toISOString());
    // Old times still have a home (…_before), so nothing fails to insert.
    await action.send(users[0], { verb: 'late import', timestamp: addMonths(first, 1) });
  });
});
