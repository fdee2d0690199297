import { Op, type Model, type Transaction } from 'sequelize';
import { referenceKey } from './references.js';
import { modelNamed, referenceAttributes, updatedAtAttribute, type AnyModel, type Reference } from './registry.js';
import { currentBackend } from './settings.js';

// What tells whether a page's objects changed without reading them: a version per object, its
// updatedAt (every save through Sequelize moves it), or, for a model that keeps none, the values
// its label reads. The same function gives the version of a loaded object and of one only probed,
// so a cache key made either way is the same key.

function isScoped(model: AnyModel): boolean {
  return Boolean(model.options.paranoid) || Object.keys(model.options.defaultScope ?? {}).length > 0;
}

/** The attributes a version reads: the primary key and updatedAt, else what a reference reads. */
function versionAttributes(model: AnyModel): readonly string[] | undefined {
  const updatedAt = updatedAtAttribute(model);
  return updatedAt ? [model.primaryKeyAttribute, updatedAt] : referenceAttributes(model);
}

/** The version of a saved instance: changes when its label may have (see above). */
export function versionOf(instance: Model): string {
  const model = instance.constructor as AnyModel;
  const updatedAt = updatedAtAttribute(model);
  if (updatedAt) {
    const at = instance.get(updatedAt) as Date | null | undefined;
    return at instanceof Date ? String(at.getTime()) : String(at ?? '');
  }
  const attributes = referenceAttributes(model) ?? Object.keys(instance.get({ plain: true }) as object);
  return JSON.stringify(attributes.map((name) => instance.get(name) ?? null));
}

/**
 * The version of each referenced object, by referenceKey, null when it is gone (or its model is
 * no longer registered): one small statement per model (primary keys and updatedAt only), no
 * instances of the objects' other attributes.
 */
export async function objectVersions(references: Iterable<Reference>, transaction?: Transaction): Promise<Map<string, string | null>> {
  const idsByType = new Map<string, Set<string>>();
  const versions = new Map<string, string | null>();
  for (const { type, id } of references) {
    versions.set(referenceKey(type, id), null);
    let ids = idsByType.get(type);
    if (!ids) idsByType.set(type, (ids = new Set()));
    ids.add(id);
  }
  const wanted = [...idsByType].flatMap(([type, ids]) => {
    const model = modelNamed(type);
    return model ? [{ type, model, ids: [...ids] }] : [];
  });
  if (wanted.length === 0) return versions;
  const keep = (type: string, model: AnyModel, rows: Model[]) => {
    for (const row of rows) versions.set(referenceKey(type, String(row.get(model.primaryKeyAttribute))), versionOf(row));
  };
  await currentBackend().session(transaction, 'read', (session) =>
    Promise.all(wanted.filter((w) => !isScoped(w.model)).map(async (w) => keep(w.type, w.model, await session.objects(w.model, w.ids, versionAttributes(w.model))))),
  );
  // Scoped models through findAll (its own connection, once the session's is given back), so their scopes apply.
  await Promise.all(
    wanted
      .filter((w) => isScoped(w.model))
      .map(async (w) => {
        const attributes = versionAttributes(w.model);
        const where = { [w.model.primaryKeyAttribute]: { [Op.in]: w.ids } };
        keep(w.type, w.model, await w.model.findAll({ where, attributes: attributes ? [...attributes] : undefined, transaction }));
      }),
  );
  return versions;
}
