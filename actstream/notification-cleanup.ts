import { Op, type DestroyOptions, type Transaction } from 'sequelize';
import { removeFeedItemsOfActions } from './feed.js';
import { Action } from './models.js';
import { ActionNotification, NotificationMarker, NotificationOverride } from './notification-models.js';
import { deleteOverridesOfActions } from './notification-queries.js';
import { currentBackend } from './settings.js';

// Deleting actions (one, a bulk destroy, pruneActions) deletes their notifications in the same
// transaction, so counts follow at once; reads also join the actions, so a notification whose action
// went some other way (plain SQL) is never shown or counted either. Deleting a user deletes theirs.

const HOOK = 'actstream:notifications';
const doomedIds = Symbol('actstream:doomedActionIds');
const CHUNK = 1000;

type CleanupOptions = DestroyOptions & { [doomedIds]?: number[] };

export async function removeNotificationsOfActions(actionIds: number[], transaction: Transaction | undefined): Promise<void> {
  // (And their feed items, where feeds are written.)
  await removeFeedItemsOfActions(actionIds, transaction);
  if (!ActionNotification.sequelize) return;
  const backend = currentBackend();
  for (let start = 0; start < actionIds.length; start += CHUNK) {
    const ids = actionIds.slice(start, start + CHUNK);
    await backend.session(transaction, 'write', (session) => session.execute(deleteOverridesOfActions(backend.sql, ids)));
    await ActionNotification.destroy({ where: { actionId: { [Op.in]: ids } }, transaction });
  }
}

export async function removeNotificationsOfUsers(userIds: string[], transaction: Transaction | undefined): Promise<void> {
  if (userIds.length === 0 || !ActionNotification.sequelize) return;
  const where = { userId: { [Op.in]: userIds } };
  await NotificationOverride.destroy({ where, transaction });
  await NotificationMarker.destroy({ where, transaction });
  await ActionNotification.destroy({ where, transaction });
}

/** Hooks on Action that delete a deleted action's notifications (installed by setup). */
export function installNotificationCleanup(): void {
  Action.removeHook('afterDestroy', HOOK);
  Action.removeHook('beforeBulkDestroy', HOOK);
  Action.removeHook('afterBulkDestroy', HOOK);
  Action.addHook('afterDestroy', HOOK, async (instance: Action, options: DestroyOptions) => {
    await removeNotificationsOfActions([instance.id], options.transaction ?? undefined);
  });
  // A bulk destroy without individualHooks never sees the rows: note their ids before they go.
  Action.addHook('beforeBulkDestroy', HOOK, async (options: CleanupOptions) => {
    if (options.individualHooks) return;
    const rows = await Action.findAll({ where: options.where, attributes: ['id'], transaction: options.transaction ?? undefined, raw: true });
    options[doomedIds] = rows.map((row) => Number(row.id));
  });
  Action.addHook('afterBulkDestroy', HOOK, async (options: CleanupOptions) => {
    const ids = options[doomedIds];
    if (ids?.length) await removeNotificationsOfActions(ids, options.transaction ?? undefined);
  });
}
