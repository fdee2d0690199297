import { DataTypes, type QueryInterface, type Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { actstreamMigrations } from 'actstream';

/** The host's own migration, an umzug one. */
const hostTables = {
  name: 'host/0001-members-and-notes',
  async up({ context }: { context: QueryInterface }) {
    const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
    const times = { createdAt: DataTypes.DATE, updatedAt: DataTypes.DATE };
    await context.createTable('members', { id, name: DataTypes.STRING, email: DataTypes.STRING, isStaff: DataTypes.BOOLEAN, ...times });
    await context.createTable('notes', { id, text: DataTypes.STRING, authorId: DataTypes.INTEGER, ...times });
  },
  async down({ context }: { context: QueryInterface }) {
    await context.dropTable('notes');
    await context.dropTable('members');
  },
};

/** actstream's shipped migrations, then the host's, recorded in umzug's SequelizeMeta. */
export async function migrate(sequelize: Sequelize): Promise<string[]> {
  const umzug = new Umzug({
    migrations: [...actstreamMigrations(), hostTables],
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize }),
    logger: undefined,
  });
  return (await umzug.up()).map((migration) => migration.name);
}
