import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DataTypes, type QueryInterface } from 'sequelize';
import { packageRoot } from './package-root.js';

// actstream's tables come from sequelize-cli-style migrations shipped in `migrations/` (.cjs files
// taking `(queryInterface, Sequelize)`). A host app runs them with its own migration tool:
//   - umzug: `migrations: [...actstreamMigrations(), ...yours]` (names recorded in its storage);
//   - sequelize-cli: one file per entry of MIGRATION_FILES in its migrations folder, each
//     `module.exports = require('actstream/migrations/<file>')`, named so they sort in this order.

/** The directory holding the migration files. */
export const migrationsPath: string = join(packageRoot(), 'migrations');

/** The migration files, in the order they must run (their names do not sort that way). */
export const MIGRATION_FILES = [
  'create-actions-and-follows.cjs',
  'timestamp-index.cjs',
  'create-notifications.cjs',
  'add-follow-list-indexes.cjs',
  'create-change-log.cjs',
  'create-feed-items.cjs',
] as const;

interface CliMigration {
  up(queryInterface: QueryInterface, types: typeof DataTypes): Promise<void>;
  down(queryInterface: QueryInterface, types: typeof DataTypes): Promise<void>;
}

/** A migration as umzug 3 runs it (`RunnableMigration<QueryInterface>`), with the context umzug passes. */
export interface ActstreamMigration {
  name: string;
  path: string;
  up(params: { context: QueryInterface }): Promise<void>;
  down(params: { context: QueryInterface }): Promise<void>;
}

const require = createRequire(import.meta.url);

/**
 * actstream's migrations for umzug, in order: `new Umzug({ migrations: [...actstreamMigrations(),
 * ...yours], context: sequelize.getQueryInterface(), storage: new SequelizeStorage({ sequelize }) })`.
 * Each is named `<prefix><file>` (default prefix `actstream/`) in umzug's storage.
 */
export function actstreamMigrations({ prefix = 'actstream/' }: { prefix?: string } = {}): ActstreamMigration[] {
  return MIGRATION_FILES.map((file) => {
    const path = join(migrationsPath, file);
    const migration = (): CliMigration => require(path) as CliMigration;
    return {
      name: `${prefix}${file}`,
      path,
      up: ({ context }) => migration().up(context, DataTypes),
      down: ({ context }) => migration().down(context, DataTypes),
    };
  });
}
