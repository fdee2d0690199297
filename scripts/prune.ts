// `npm run prune -- --older-than 365d [--dry-run] [--batch 1000]`: deletes old actions in batches
// (and, with written feeds, trims every user's feed items to the newest ACTSTREAM_FEED_KEEP).
import { pruneActions, trimFeeds } from 'actstream';
import { parseArgs } from '../bench/args.js';
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { initModels } from '../models/index.js';
import { parseDuration } from './duration.js';

const args = parseArgs(process.argv.slice(2));
const olderThan = args.get('older-than');
const batch = Number(args.get('batch') ?? 1000);
let age: number;
try {
  if (typeof olderThan !== 'string') throw new Error('--older-than is required, e.g. --older-than 365d');
  age = parseDuration(olderThan);
  if (!Number.isInteger(batch) || batch < 1) throw new Error('--batch must be a positive integer');
} catch (error) {
  console.error(`prune: ${(error as Error).message}`);
  process.exit(2);
}

const sequelize = await connect();
await migrate(sequelize);
initModels(sequelize);
const cutoff = new Date(Date.now() - age);
const dryRun = args.has('dry-run');
const { count, batches, droppedPartitions } = await pruneActions({
  olderThan: cutoff,
  batchSize: batch,
  dryRun,
  onBatch: (soFar) => console.log(`  deleted ${soFar} so far`),
});
console.log(
  dryRun
    ? `Would delete ${count} actions older than ${cutoff.toISOString()} (dry run: nothing deleted).`
    : `Deleted ${count} actions older than ${cutoff.toISOString()} in ${batches} batches` +
        (droppedPartitions.length ? ` and ${droppedPartitions.length} dropped partitions (${droppedPartitions.join(', ')}).` : '.'),
);
// With ACTSTREAM_FEED=write: each user's written feed back to the newest ACTSTREAM_FEED_KEEP items.
if (!dryRun) {
  const trimmed = await trimFeeds();
  if (trimmed > 0) console.log(`Trimmed the feed items of ${trimmed} users.`);
}
await sequelize.close();
