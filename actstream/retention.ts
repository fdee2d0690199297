import { Op } from 'sequelize';
import { ActstreamArgumentError } from './errors.js';
import { pruneChangeLog } from './change-log.js';
import { removeFeedItemsBefore } from './feed.js';
import { Action } from './models.js';
import { currentSettings } from './settings.js';
import { dropActionPartitionsBefore, isActionsTablePartitioned } from './sql/partitions.js';

export interface PruneOptions {
  /** Actions strictly older than this go. */
  olderThan: Date;
  /** Rows per DELETE (default 1000): each batch is its own short statement, so the table stays usable. */
  batchSize?: number;
  /** Count what would go, delete nothing. */
  dryRun?: boolean;
  /** Called after each batch with the running total. */
  onBatch?: (deletedSoFar: number) => void;
  /**
   * How long the change log (deleted actions, for live streams to resume over) is kept, in ms
   * (default one day): older rows go too. A live client away longer misses those deletions.
   */
  keepChangesForMs?: number;
}

export interface PruneResult {
  /** Deleted (or, with dryRun, matching) actions. */
  count: number;
  batches: number;
  /** Whole partitions dropped (a partitioned actions table: actstream/sql/partitions.ts). */
  droppedPartitions: string[];
  /** Change-log rows pruned (see keepChangesForMs). */
  changes: number;
}

const DAY = 24 * 60 * 60 * 1000;

/** Deletes actions older than `olderThan`, oldest first, in batches. */
export async function pruneActions({ olderThan, batchSize = 1000, dryRun = false, onBatch, keepChangesForMs = DAY }: PruneOptions): Promise<PruneResult> {
  currentSettings();
  if (!(olderThan instanceof Date) || Number.isNaN(olderThan.getTime())) {
    throw new ActstreamArgumentError('olderThan must be a valid Date');
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw new RangeError('batchSize must be an integer from 1 to 100000');
  }
  if (!Number.isFinite(keepChangesForMs) || keepChangesForMs < 0) throw new RangeError('keepChangesForMs must be a duration in ms, 0 or more');
  const old = { timestamp: { [Op.lt]: olderThan } };
  if (dryRun) return { count: await Action.count({ where: old }), batches: 0, droppedPartitions: [], changes: 0 };

  let count = 0;
  let batches = 0;
  let droppedPartitions: string[] = [];
  // Partitioned: whole months past the retention go at once; the month it cuts through, row by row.
  if (await isActionsTablePartitioned(Action.sequelize!)) {
    const dropped = await dropActionPartitionsBefore(Action.sequelize!, olderThan);
    count += dropped.count;
    droppedPartitions = dropped.dropped;
    // Their feed items went with no hook to see them (feed 'write').
    if (dropped.dropped.length > 0) await removeFeedItemsBefore(olderThan);
    if (dropped.count > 0) onBatch?.(count);
  }
  for (;;) {
    // Ids first, then delete by primary key: portable (no DELETE … LIMIT on PostgreSQL) and index-bound.
    const rows = await Action.findAll({ attributes: ['id'], where: old, order: [['id', 'ASC']], limit: batchSize });
    if (rows.length === 0) break;
    // One transaction per batch: the change log's rows for the deleted actions commit with them.
    count += await Action.sequelize!.transaction((transaction) => Action.destroy({ where: { id: { [Op.in]: rows.map((row) => row.id) } }, transaction }));
    batches += 1;
    onBatch?.(count);
    if (rows.length < batchSize) break;
  }
  const changes = await pruneChangeLog(new Date(Date.now() - keepChangesForMs));
  return { count, batches, droppedPartitions, changes };
}
