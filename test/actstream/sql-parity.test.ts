import { expect } from 'chai';
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import {
  Action,
  ActstreamArgumentError,
  Follow,
  action,
  actionObjectStream,
  actorStream,
  anyStream,
  isFollowing,
  loadObjects,
  rebuildFeed,
  modelStream,
  registry,
  setup,
  targetStream,
  userStream,
  type StreamOptions,
  type StreamPage,
  type UserStreamOptions,
} from 'actstream';
import { currentBackend } from '../../actstream/settings.js';
import { random } from '../../bench/stats.js';
import { Comment, Group, User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at } from './fixtures.js';

// The fast path (prepared statements on the driver connections) and the portable path (everything
// through Sequelize) read the same data: every stream, option and page must come back the same,
// objects loaded alike (dates, JSON, booleans, BIGINT and UUID keys, mapped columns, paranoid and
// scoped models). The user feed is also checked against a plain JavaScript reading of all rows.

class Widget extends Model<InferAttributes<Widget>, InferCreationAttributes<Widget>> {
  declare id: string;
  declare label: string;
  declare bornAt: Date;
  declare day: string | null;
  declare specs: Record<string, unknown> | null;
  declare active: boolean;
  declare shout: CreationOptional<string>;
}

class Doc extends Model<InferAttributes<Doc>, InferCreationAttributes<Doc>> {
  declare uuid: CreationOptional<string>;
  declare title: string;
}

class Ghost extends Model<InferAttributes<Ghost>, InferCreationAttributes<Ghost>> {
  declare id: CreationOptional<number>;
  declare name: string;
}

class Hidden extends Model<InferAttributes<Hidden>, InferCreationAttributes<Hidden>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare hidden: boolean;
}

const TABLES = ['parity_test_widgets', 'parity_test_docs', 'parity_test_ghosts', 'parity_test_hidden'];
const VERBS = ['posted', 'liked', 'shared', 'commented on'];
// BIGINT keys past 32 bits (still exact in a JS number, as every driver here reads them).
const BIG = 2 ** 40;

/** Every value of an instance, typed: dates marked, so that a Date and its text never compare equal. */
function snapshot(value: unknown): unknown {
  if (value instanceof Date) return `Date(${value.toISOString()})`;
  if (value instanceof Model) {
    return { model: (value.constructor as typeof Model).name, isNewRecord: value.isNewRecord, values: snapshot(value.dataValues), plain: snapshot(value.get({ plain: true })) };
  }
  if (Array.isArray(value)) return value.map(snapshot);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshot(v)]));
  return value === undefined ? '(undefined)' : value;
}

function pageSnapshot(page: StreamPage): unknown {
  return {
    next: page.next,
    actions: page.actions.map((a) => ({ action: snapshot(a), actor: snapshot(a.actor), target: snapshot(a.target), actionObject: snapshot(a.actionObject) })),
  };
}

/** Every page of a stream, from the first to the one with next null. */
async function allPages(read: (before: string | null) => Promise<StreamPage>): Promise<StreamPage[]> {
  const pages: StreamPage[] = [];
  let before: string | null = null;
  do {
    const page = await read(before);
    pages.push(page);
    before = page.next;
    expect(pages.length, 'pages').to.be.below(500);
  } while (before);
  return pages;
}

describe('actstream/sql: the fast path and the portable path read alike', function () {
  this.timeout(120_000);
  let sequelize: Sequelize;
  let users: User[];
  let groups: Group[];
  let comments: Comment[];
  let widgets: Widget[];
  let docs: Doc[];
  let ghosts: Ghost[];
  let hiddens: Hidden[];
  let readers: User[];

  // The feed mode the userStream check runs in (the other streams do not depend on it).
  let feed: 'read' | 'write' = 'read';

  function useSql(sql: 'fast' | 'portable'): void {
    setup(sequelize, { userModel: User, sql, feed });
  }

  before(async () => {
    sequelize = await database();
    Widget.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true },
        label: { type: DataTypes.STRING, allowNull: false, field: 'widget_label' },
        bornAt: { type: DataTypes.DATE(3), allowNull: false, field: 'born_at' },
        day: { type: DataTypes.DATEONLY, allowNull: true },
        specs: { type: DataTypes.JSON, allowNull: true },
        active: { type: DataTypes.BOOLEAN, allowNull: false },
        shout: {
          type: DataTypes.VIRTUAL,
          get(this: Widget) {
            return `${this.label.toUpperCase()}!`;
          },
        },
      },
      { sequelize, tableName: TABLES[0], timestamps: false },
    );
    Doc.init(
      { uuid: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true }, title: { type: DataTypes.STRING, allowNull: false } },
      { sequelize, tableName: TABLES[1], timestamps: false },
    );
    Ghost.init(
      { id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true }, name: { type: DataTypes.STRING, allowNull: false } },
      { sequelize, tableName: TABLES[2], paranoid: true, timestamps: true },
    );
    Hidden.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        name: { type: DataTypes.STRING, allowNull: false },
        hidden: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      },
      { sequelize, tableName: TABLES[3], timestamps: false, defaultScope: { where: { hidden: false } } },
    );
    for (const model of [Widget, Doc, Ghost, Hidden]) await model.sync({ force: true });
    registry.register(Widget, Doc, Ghost, Hidden);

    await resetDatabase(TABLES);
    const rand = random(7);
    const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
    users = await User.bulkCreate(Array.from({ length: 12 }, (_, i) => ({ email: `parity${i}@example.test`, name: `P${i}` })));
    readers = users.slice(0, 3);
    groups = await Group.bulkCreate(Array.from({ length: 5 }, (_, i) => ({ name: `G${i}` })));
    comments = await Comment.bulkCreate(Array.from({ length: 8 }, (_, i) => ({ text: `C${i}`, groupId: groups[i % 5].id })));
    widgets = await Widget.bulkCreate(
      Array.from({ length: 4 }, (_, i) => ({
        id: String(BIG + i),
        label: `w${i}`,
        bornAt: new Date(Date.UTC(2025, i, 3, 4, 5, 6, 7 + i)),
        day: i % 2 ? null : `2025-0${i + 1}-0${i + 1}`,
        specs: i % 2 ? null : { n: i, tags: ['a', `b${i}`], nested: { ok: i === 0 } },
        active: i % 3 === 0,
      })),
    );
    docs = await Doc.bulkCreate(Array.from({ length: 3 }, (_, i) => ({ title: `D${i}` })));
    ghosts = await Ghost.bulkCreate(Array.from({ length: 3 }, (_, i) => ({ name: `ghost${i}` })));
    hiddens = await Hidden.bulkCreate(Array.from({ length: 3 }, (_, i) => ({ name: `h${i}`, hidden: i === 1 })));

    const actors: Model[] = [...users, ...widgets, ...docs];
    const targets: (Model | null)[] = [...groups, ...widgets, ...ghosts, ...hiddens, ...docs, null];
    const objects: (Model | null)[] = [...comments, ...docs, ...widgets, null, null];
    await action.sendMany(
      Array.from({ length: 420 }, (_, i) => ({
        actor: pick(actors),
        verb: pick(VERBS),
        target: pick(targets),
        actionObject: pick(objects),
        // Two actions a second: ties on the timestamp, broken by id.
        timestamp: at(Math.floor(i / 2)),
        public: rand() > 0.15,
        description: rand() > 0.7 ? `d${i}` : null,
        data: rand() > 0.6 ? { i, odd: i % 2 === 1, list: [i, 'x'] } : null,
      })),
    );
    // Then 150 newer actions by people nobody follows: feeds below them are sparse.
    const strangers = users.slice(9);
    await action.sendMany(Array.from({ length: 150 }, (_, i) => ({ actor: strangers[i % 3], verb: 'chatter', timestamp: at(300 + i) })));
    // Soft-deleted and scoped-out objects: their references stay unresolved on both paths.
    await ghosts[0].destroy();

    for (const [n, reader] of readers.entries()) {
      const followed: Model[] = [...users.slice(3 + n, 8 + n), widgets[n], docs[n % 3], groups[n], comments[n], ghosts[1], hiddens[n]];
      for (const [k, obj] of followed.entries()) {
        await Follow.create({
          userId: String(reader.id),
          contentType: (obj.constructor as typeof Model).name,
          objectId: String(obj.get((obj.constructor as typeof Model).primaryKeyAttribute)),
          actorOnly: k % 2 === 0,
          flag: k % 3 === 0 ? 'liking' : '',
          started: at(20 * k),
        });
      }
    }
  });

  after(async () => {
    useSql('fast');
    registry.unregister(Widget, Doc, Ghost, Hidden);
    for (const model of [Widget, Doc, Ghost, Hidden]) await model.drop();
    await resetDatabase();
  });

  afterEach(() => useSql('fast'));

  /** Reads with both paths; checks the fast one is really another backend; returns both. */
  async function both<T>(read: () => Promise<T>): Promise<{ fast: T; portable: T }> {
    useSql('fast');
    expect(currentBackend().kind).to.equal({ sqlite: 'sqlite', postgres: 'postgres', mysql: 'mysql' }[sequelize.getDialect()] ?? 'portable');
    const fast = await read();
    useSql('portable');
    expect(currentBackend().kind).to.equal('portable');
    const portable = await read();
    return { fast, portable };
  }

  const OPTIONS: StreamOptions[] = [{ limit: 3 }, { limit: 100 }, { limit: 7, verb: 'liked' }, { limit: 5, since: at(40), until: at(150) }];

  const STREAMS: [string, () => Model[], (obj: Model, options: StreamOptions) => Promise<StreamPage>][] = [
    ['actorStream', () => [users[3], widgets[1], docs[0], users[11]], actorStream],
    ['targetStream', () => [groups[0], widgets[2], ghosts[1], hiddens[0], docs[1]], targetStream],
    ['actionObjectStream', () => [comments[2], docs[2], widgets[0]], actionObjectStream],
    ['anyStream', () => [widgets[0], docs[1], users[4]], anyStream],
  ];

  for (const [name, objects, stream] of STREAMS) {
    it(`${name}: every page alike, for every option`, async () => {
      for (const obj of objects()) {
        for (const options of OPTIONS) {
          const { fast, portable } = await both(() => allPages((before) => stream(obj, { ...options, before })));
          expect(fast.map(pageSnapshot), `${name} ${JSON.stringify(options)}`).to.deep.equal(portable.map(pageSnapshot));
          expect(fast.flatMap((p) => p.actions).length, name).to.be.at.least(options.verb || options.since ? 0 : 1);
        }
      }
    });
  }

  it('modelStream: every page alike, for every option and model', async () => {
    for (const model of [Group, Widget, Doc, Ghost, Hidden, Comment]) {
      for (const options of OPTIONS) {
        const { fast, portable } = await both(() => allPages((before) => modelStream(model, { ...options, before })));
        expect(fast.map(pageSnapshot), `${model.name} ${JSON.stringify(options)}`).to.deep.equal(portable.map(pageSnapshot));
      }
    }
  });

  const FEEDS: UserStreamOptions[] = [
    { limit: 2 },
    { limit: 20 },
    { limit: 100 },
    { limit: 4, withUserActivity: true },
    { limit: 4, withUserActivity: true, includeOwnPrivate: true },
    { limit: 3, followFlag: 'liking' },
    { limit: 3, followFlag: '' },
    { limit: 6, onlyAfterFollow: true },
    { limit: 5, verb: 'posted', since: at(30), until: at(250) },
  ];

  /** The feed, read from every row in JavaScript: what userStream must give. */
  async function feedOracle(user: User, options: UserStreamOptions): Promise<number[]> {
    const follows = (await Follow.findAll({ where: { userId: String(user.id) } })).filter((f) => options.followFlag === undefined || f.flag === options.followFlag);
    const all = await Action.findAll({ order: [['timestamp', 'DESC'], ['id', 'DESC']] });
    const brings = (a: Action) =>
      a.public &&
      follows.some((f) =>
        (['actor', 'target', 'actionObject'] as const).some(
          (role) =>
            a[`${role}Type`] === f.contentType &&
            a[`${role}Id`] === f.objectId &&
            (role === 'actor' || !f.actorOnly) &&
            (!options.onlyAfterFollow || a.timestamp.getTime() >= f.started.getTime()),
        ),
      );
    const mine = (a: Action) => (a.actorType === 'User' && a.actorId === String(user.id)) || (a.actionObjectType === 'User' && a.actionObjectId === String(user.id));
    const own = (a: Action) => Boolean(options.withUserActivity) && mine(a) && (a.public || Boolean(options.includeOwnPrivate));
    return all
      .filter((a) => options.verb === undefined || a.verb === options.verb)
      .filter((a) => !options.since || a.timestamp >= options.since)
      .filter((a) => !options.until || a.timestamp <= options.until)
      .filter((a) => brings(a) || own(a))
      .map((a) => a.id);
  }

  // feed 'write': the readers' feed items built from their follows (written with Follow.create
  // while feeds were read), as an app turning the mode on does; then every page read from them
  // must be what the rows say too.
  for (const mode of ['read', 'write'] as const) {
    it(`userStream (feed ${mode}): every page alike, for every option, and as the rows say`, async () => {
      feed = mode;
      try {
        useSql('fast');
        for (const reader of readers) await rebuildFeed(String(reader.id));
        if (mode === 'write') {
          const [[{ n }]] = (await sequelize.query('SELECT COUNT(*) AS n FROM actstream_feed_items')) as [{ n: number }[], unknown];
          expect(Number(n)).to.be.greaterThan(50);
        }
        for (const reader of readers) {
          for (const options of FEEDS) {
            const { fast, portable } = await both(() => allPages((before) => userStream(reader, { ...options, before })));
            const label = `reader ${reader.id} ${JSON.stringify(options)}`;
            expect(fast.map(pageSnapshot), label).to.deep.equal(portable.map(pageSnapshot));
            expect(fast.flatMap((p) => p.actions.map((a) => a.id)), label).to.deep.equal(await feedOracle(reader, options));
          }
        }
      } finally {
        feed = 'read';
      }
    });
  }

  it('loadObjects and isFollowing alike, unresolved references included', async () => {
    const references = [...users, ...groups, ...comments, ...widgets, ...docs, ...ghosts, ...hiddens].map((obj) => {
      const model = obj.constructor as typeof Model;
      return { type: model.name, id: String(obj.get(model.primaryKeyAttribute)) };
    });
    const { fast, portable } = await both(() => loadObjects(references));
    const sorted = (loaded: Map<string, Model>) => [...loaded].sort(([a], [b]) => a.localeCompare(b)).map(([key, obj]) => [key, snapshot(obj)]);
    expect(sorted(fast)).to.deep.equal(sorted(portable));
    expect(fast.has(`Ghost\0${ghosts[0].id}`)).to.equal(false);
    expect(fast.has(`Hidden\0${hiddens[1].id}`)).to.equal(false);
    expect(fast.get(`Widget\0${BIG}`)).to.be.instanceOf(Widget);

    for (const reader of readers) {
      for (const obj of [users[4], widgets[0], docs[0], groups[1], comments[0], users[10]]) {
        for (const flag of [undefined, '', 'liking']) {
          const answers = await both(() => isFollowing(reader, obj, { flag }));
          expect(answers.fast, `${reader.id} ${String(obj)} ${flag}`).to.equal(answers.portable);
        }
      }
    }
  });

  it('refuses a NUL in a flag or a verb on both paths', async () => {
    const refusals = await both(async () => [
      await isFollowing(readers[0], users[4], { flag: 'nul\u0000' }).catch((e: unknown) => e),
      await actorStream(users[4], { verb: 'nul\u0000' }).catch((e: unknown) => e),
    ]);
    for (const error of [...refusals.fast, ...refusals.portable]) expect(error).to.be.instanceOf(ActstreamArgumentError);
  });

  it('send and sendMany write alike', async () => {
    const written = async () => {
      const one = await action.send(widgets[3], { verb: 'parity one', target: docs[0], actionObject: ghosts[2], data: { k: [1, 'two', { three: true }] }, timestamp: at(999) });
      const many = await action.sendMany([
        { actor: docs[1], verb: 'parity many', target: widgets[1], public: false, description: "it's", timestamp: at(1000) },
        { actor: users[1], verb: 'parity many', actionObject: hiddens[2], data: { quote: '"\\' }, timestamp: at(1001) },
      ]);
      const ids = [one, ...many].map((a) => a.id);
      const rows = await Action.findAll({ where: { id: ids }, order: [['id', 'ASC']] });
      const returned = [one, ...many].map((a) => snapshot({ ...a.get({ plain: true }), id: 0 }));
      await Action.destroy({ where: { id: ids } });
      return { returned, read: rows.map((a) => snapshot({ ...a.get({ plain: true }), id: 0 })) };
    };
    const { fast, portable } = await both(written);
    expect(fast.read).to.deep.equal(portable.read);
    expect(fast.returned).to.deep.equal(fast.read);
    expect(portable.returned).to.deep.equal(portable.read);
  });
});
