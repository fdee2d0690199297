import { Op, type Model, type Transaction } from 'sequelize';
import type { Action } from './models.js';
import { modelNamed, type Reference } from './registry.js';

// Generic references are loaded in batches: one query per referenced model for a whole page.

type Role = 'actor' | 'target' | 'actionObject';
const ROLES: Role[] = ['actor', 'target', 'actionObject'];

function referenceIn(action: Action, role: Role): Reference | null {
  const type = action[`${role}Type`];
  const id = action[`${role}Id`];
  return type === null || id === null ? null : { type, id };
}

/** Loads the objects behind `references`, one query per model; the map is keyed "<type>\0<id>". */
export async function loadObjects(
  references: Iterable<Reference>,
  transaction?: Transaction,
): Promise<Map<string, Model>> {
  const idsByType = new Map<string, Set<string>>();
  for (const { type, id } of references) {
    if (!idsByType.has(type)) idsByType.set(type, new Set());
    idsByType.get(type)!.add(id);
  }
  const loaded = new Map<string, Model>();
  await Promise.all(
    [...idsByType].map(async ([type, ids]) => {
      const model = modelNamed(type);
      if (!model) return; // unregistered since: the reference stays unresolved
      const pk = model.primaryKeyAttribute;
      const rows = await model.findAll({ where: { [pk]: { [Op.in]: [...ids] } }, transaction });
      for (const row of rows) loaded.set(`${type}\0${String(row.get(pk))}`, row);
    }),
  );
  return loaded;
}

/** Sets `actor`, `target` and `actionObject` on each action (null where the object is gone). */
export async function loadReferences(actions: Action[], transaction?: Transaction): Promise<void> {
  const references = actions.flatMap((action) =>
    ROLES.map((role) => referenceIn(action, role)).filter((ref): ref is Reference => ref !== null),
  );
  const loaded = await loadObjects(references, transaction);
  for (const action of actions) {
    for (const role of ROLES) {
      const ref = referenceIn(action, role);
      action[role] = ref ? (loaded.get(`${ref.type}\0${ref.id}`) ?? null) : null;
    }
  }
}
