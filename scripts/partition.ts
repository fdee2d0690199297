// `npm run partition [-- --months-ahead 3]`: turns the actions table on DATABASE_URL (PostgreSQL)
// into one partitioned by month (once; the table is locked while its rows move: a maintenance
// window), then makes the months ahead. Setting ACTSTREAM_PARTITIONED=1 does the same at migrate.
import { ensureActionPartitions, monthPartitions, partitionActionsTable } from 'actstream';
import { parseArgs } from '../bench/args.js';
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';

const args = parseArgs(process.argv.slice(2));
const monthsAhead = Number(args.get('months-ahead') ?? 3);
if (!Number.isInteger(monthsAhead) || monthsAhead < 0 || monthsAhead > 120) {
  console.error('partition: --months-ahead must be a whole number from 0 to 120');
  process.exit(2);
}

const sequelize = await connect();
if (sequelize.getDialect() !== 'postgres') {
  console.error('partition: a partitioned actions table needs PostgreSQL (set DATABASE_URL=postgres://…)');
  await sequelize.close();
  process.exit(2);
}
await migrate(sequelize);
const converted = await partitionActionsTable(sequelize, { monthsAhead });
const made = await ensureActionPartitions(sequelize, { monthsAhead });
const months = await monthPartitions(sequelize);
console.log(
  `${converted ? 'Partitioned' : 'Already partitioned:'} actstream_actions by month: ${months.length} months ` +
    `(${months[0]?.from?.toISOString().slice(0, 7)} to ${months.at(-1)?.from?.toISOString().slice(0, 7)})` +
    (made.length ? `, made ${made.join(', ')}` : '') +
    '.',
);
await sequelize.close();
