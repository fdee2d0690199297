// A library user's minimal app, run in its own process by setup.test.ts: setup() re-binds actstream's
// models to a new Sequelize, which must not happen inside the shared mocha process.
import { DataTypes, Model, Sequelize } from 'sequelize';
import { ActstreamArgumentError, NotSetUpError, action, actorStream, follow, registry, setup, userStream } from 'actstream';

class Member extends Model {
  declare id: number;
  declare name: string;
  override toString(): string {
    return this.name;
  }
}

const report: Record<string, unknown> = {};
const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
Member.init({ id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true }, name: DataTypes.STRING }, { sequelize, tableName: 'members' });
await Member.sync();
registry.register(Member);
const ann = await Member.create({ name: 'Ann' });

try {
  await action.send(ann, { verb: 'too early' });
  report.beforeSetup = 'no error';
} catch (error) {
  report.beforeSetup = error instanceof NotSetUpError ? 'NotSetUpError' : String(error);
}

try {
  // (SQLite refuses a timezone itself; a PostgreSQL instance is not connected until first used.)
  setup(new Sequelize('postgres://nobody@127.0.0.1:1/none', { logging: false, timezone: '+02:00' }), { userModel: Member });
  report.otherTimezone = 'no error';
} catch (error) {
  report.otherTimezone = error instanceof ActstreamArgumentError ? error.message : String(error);
}

setup(sequelize, { userModel: Member });
await sequelize.sync(); // the documented quick way to create actstream's tables (Action, Follow)
const bob = await Member.create({ name: 'Bob' });
await follow(bob, ann);
await action.send(ann, { verb: 'joined' });
report.actor = (await actorStream(ann)).actions.map((a) => a.toString(a.timestamp));
report.feed = (await userStream(bob, { withUserActivity: true })).actions.map((a) => a.toString(a.timestamp));
process.stdout.write(JSON.stringify(report));
await sequelize.close();
