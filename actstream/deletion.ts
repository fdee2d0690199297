import { Op, type DestroyOptions, type Model, type ModelStatic } from 'sequelize';
import { removeFeedsOfUsers } from './feed.js';
import { Follow } from './models.js';
import { removeNotificationsOfUsers } from './notification-cleanup.js';
import { currentSettings } from './settings.js';

// Destroying a registered object removes follows of it and by it (and a user's notifications). Its
// actions stay as history.

const HOOK = 'actstream:cleanup';
const doomedIds = Symbol('actstream:doomedIds');

type CleanupOptions = DestroyOptions & { [doomedIds]?: string[] };

async function removeFollows(model: ModelStatic<Model>, ids: string[], options: DestroyOptions): Promise<void> {
  if (ids.length === 0 || !Follow.sequelize) return;
  const transaction = options.transaction ?? undefined;
  await Follow.destroy({ where: { contentType: model.name, objectId: { [Op.in]: ids } }, transaction });
  // Follows *by* an object only exist when it is a user; matching on userId alone would hit other models' ids.
  if (currentSettings().userModel === model) {
    await Follow.destroy({ where: { userId: { [Op.in]: ids } }, transaction });
    await removeNotificationsOfUsers(ids, transaction);
    await removeFeedsOfUsers(ids, transaction);
  }
}

export function installCleanupHooks(model: ModelStatic<Model>): void {
  removeCleanupHooks(model);
  const pk = model.primaryKeyAttribute;
  model.addHook('afterDestroy', HOOK, async (instance: Model, options: DestroyOptions) => {
    await removeFollows(model, [String(instance.get(pk))], options);
  });
  // A bulk destroy without individualHooks never sees the rows: note their ids before they go.
  model.addHook('beforeBulkDestroy', HOOK, async (options: CleanupOptions) => {
    if (options.individualHooks) return;
    const rows = await model.findAll({
      where: options.where,
      attributes: [pk],
      transaction: options.transaction ?? undefined,
      raw: true,
    });
    options[doomedIds] = rows.map((row) => String((row as unknown as Record<string, unknown>)[pk]));
  });
  model.addHook('afterBulkDestroy', HOOK, async (options: CleanupOptions) => {
    const ids = options[doomedIds];
    if (ids) await removeFollows(model, ids, options);
  });
}

export function removeCleanupHooks(model: ModelStatic<Model>): void {
  model.removeHook('afterDestroy', HOOK);
  model.removeHook('beforeBulkDestroy', HOOK);
  model.removeHook('afterBulkDestroy', HOOK);
}
