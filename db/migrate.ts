import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { QueryInterface, Sequelize } from 'sequelize';
import { DataTypes } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { ensureActionPartitions, partitionActionsTable } from 'actstream';
import { withMigrationLock } from './migration-lock.js';
import { readsFromPrimary } from './replicas.js';

const require = createRequire(import.meta.url);
const MIGRATIONS_GLOB = fileURLToPath(new URL('../migrations/*.cjs', import.meta.url));

interface CliMigration {
  up(queryInterface: QueryInterface, types: typeof DataTypes): Promise<void>;
  down(queryInterface: QueryInterface, types: typeof DataTypes): Promise<void>;
}

/**
 * Umzug over the same .cjs files sequelize-cli runs, sharing its SequelizeMeta table, so
 * `npx sequelize-cli db:migrate` and the app agree on what has run.
 */
export function migrator(sequelize: Sequelize): Umzug<QueryInterface> {
  return new Umzug({
    migrations: {
      glob: MIGRATIONS_GLOB,
      resolve: ({ name, path, context }) => {
        const migration = require(path!) as CliMigration;
        return {
          name,
          up: () => migration.up(context, DataTypes),
          down: () => migration.down(context, DataTypes),
        };
      },
    },
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, modelName: 'SequelizeMeta', columnName: 'name' }),
    logger: undefined,
  });
}

/** ACTSTREAM_PARTITIONED=1: the actions table partitioned by month (PostgreSQL only; other databases ignore it). */
export function partitionedFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 'true'].includes((env.ACTSTREAM_PARTITIONED ?? '').trim());
}

/**
 * Runs every pending migration, one process at a time (withMigrationLock); returns the names it
 * ran. With `partitioned` (default: ACTSTREAM_PARTITIONED) the actions table is then converted to
 * monthly partitions if it is not yet, and the months ahead are made.
 */
export async function migrate(sequelize: Sequelize, { partitioned = partitionedFromEnv() }: { partitioned?: boolean } = {}): Promise<string[]> {
  // Every read on the primary: what a migration reads must be what it just wrote.
  const ran = await readsFromPrimary(() => withMigrationLock(sequelize, async () => {
    const done = await migrator(sequelize).up();
    if (partitioned && sequelize.getDialect() === 'postgres') {
      await partitionActionsTable(sequelize);
      await ensureActionPartitions(sequelize);
    }
    return done;
  }));
  return ran.map((m) => m.name);
}
