import { DataTypes, Model, type DestroyOptions, type Sequelize, type Transaction } from 'sequelize';
import { Action } from './models.js';
import { CHANGE_LOG, deleteChangesBefore, recordDeletedActions, recordDeletedNotifications, recordReadChange } from './live-log-queries.js';
import { currentBackend } from './settings.js';

// What live streams cannot read from the actions and notifications tables, kept in
// actstream_change_log and written in the transaction of the change: a deleted action (with the
// references streams match it on), a deleted notification (for its user), a change of a user's read
// state. Live streams read it as a log by id (server/events/hub.ts), so a deletion reaches every
// process and survives restarts. Rows are kept for a while (pruneChangeLog), then go.
//
// Not recorded: actions that leave by a dropped partition (pruneActions on a partitioned
// PostgreSQL table drops whole months: no row is looked at), by plain SQL, or with a deleted user's
// notifications (their streams end with them).

/** One row of the change log (actstream/migrations/create-change-log.cjs), for `sequelize.sync()` and pruning. */
export class ChangeLogEntry extends Model {
  declare id: number;
  declare kind: string;
  declare at: Date;
}

export function defineChangeLogModel(sequelize: Sequelize): void {
  const ref = { type: DataTypes.STRING(100), allowNull: true };
  ChangeLogEntry.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      kind: { type: DataTypes.STRING(30), allowNull: false },
      actionId: { type: DataTypes.INTEGER, allowNull: true },
      notificationId: { type: DataTypes.INTEGER, allowNull: true },
      userId: ref,
      public: { type: DataTypes.BOOLEAN, allowNull: true },
      actorType: ref,
      actorId: ref,
      targetType: ref,
      targetId: ref,
      actionObjectType: ref,
      actionObjectId: ref,
      at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize, modelName: 'ActstreamChangeLogEntry', tableName: CHANGE_LOG, timestamps: false, indexes: [{ name: 'actstream_change_log_at', fields: ['at'] }] },
  );
}

const HOOK = 'actstream:change-log';
const CHUNK = 1000;

/**
 * Records that these actions (and their notifications) are about to be deleted: call it in the
 * deleting transaction, before the DELETE (the rows are copied from the tables).
 */
export async function recordDeletions(actionIds: readonly number[], transaction: Transaction | undefined): Promise<void> {
  if (actionIds.length === 0 || !ChangeLogEntry.sequelize) return;
  const backend = currentBackend();
  const at = new Date();
  for (let start = 0; start < actionIds.length; start += CHUNK) {
    const ids = actionIds.slice(start, start + CHUNK);
    await backend.session(transaction, 'write', async (session) => {
      await session.execute(recordDeletedActions(backend.sql, ids, at));
      await session.execute(recordDeletedNotifications(backend.sql, ids, at));
    });
  }
}

/** Records that the user's read state changed (their unread count may have). */
export async function recordReadStateChange(userId: string, transaction: Transaction | undefined): Promise<void> {
  if (!ChangeLogEntry.sequelize) return;
  const backend = currentBackend();
  await backend.session(transaction, 'write', (session) => session.execute(recordReadChange(backend.sql, userId, new Date())));
}

/**
 * Deletes change-log rows older than `olderThan`: a live client that resumes from before it no
 * longer hears of those deletions (it is told `reset` only when the actions log is too far behind).
 */
export async function pruneChangeLog(olderThan: Date): Promise<number> {
  const backend = currentBackend();
  return backend.session(undefined, 'write', (session) => session.execute(deleteChangesBefore(backend.sql, olderThan)));
}

/** Hooks on Action recording every deletion in the deleting statement's transaction (installed by setup). */
export function installChangeLog(): void {
  Action.removeHook('beforeDestroy', HOOK);
  Action.removeHook('beforeBulkDestroy', HOOK);
  Action.addHook('beforeDestroy', HOOK, async (instance: Action, options: DestroyOptions) => {
    await recordDeletions([instance.id], options.transaction ?? undefined);
  });
  // A bulk destroy: the ids its WHERE takes, read first (in its transaction when it has one).
  Action.addHook('beforeBulkDestroy', HOOK, async (options: DestroyOptions) => {
    if (options.individualHooks) return;
    const rows = await Action.findAll({ where: options.where, attributes: ['id'], transaction: options.transaction ?? undefined, raw: true });
    await recordDeletions(
      rows.map((row) => Number(row.id)),
      options.transaction ?? undefined,
    );
  });
}
