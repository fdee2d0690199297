import { Op, type Model, type Transaction } from 'sequelize';
import type { Action } from './models.js';
import { modelNamed, type AnyModel, type Reference } from './registry.js';
import { currentBackend } from './settings.js';
import type { SqlSession } from './sql/index.js';

// Generic references are loaded in batches: one query per referenced model for a whole page.

type Role = 'actor' | 'target' | 'actionObject';
const ROLES: Role[] = ['actor', 'target', 'actionObject'];

/** Loaded objects, keyed "<type>\0<id>". */
type Loaded = Map<string, Model>;

interface Wanted {
  type: string;
  model: AnyModel;
  ids: string[];
}

/** A default scope or soft deletes: read through findAll, so that those apply as everywhere else in the app. */
function isScoped(model: AnyModel): boolean {
  return Boolean(model.options.paranoid) || Object.keys(model.options.defaultScope ?? {}).length > 0;
}

function wantedOf(references: Iterable<Reference>): Wanted[] {
  const idsByType = new Map<string, Set<string>>();
  for (const { type, id } of references) {
    let ids = idsByType.get(type);
    if (!ids) idsByType.set(type, (ids = new Set()));
    ids.add(id);
  }
  const wanted: Wanted[] = [];
  for (const [type, ids] of idsByType) {
    const model = modelNamed(type);
    // Unregistered since: the reference stays unresolved.
    if (model) wanted.push({ type, model, ids: [...ids] });
  }
  return wanted;
}

function keep(loaded: Loaded, { type, model }: Wanted, rows: Model[]): void {
  for (const row of rows) loaded.set(`${type}\0${String(row.get(model.primaryKeyAttribute))}`, row);
}

/**
 * Loads the plain models' objects in `session` (one statement each), and returns how to load the
 * scoped ones afterwards: findAll takes a connection of its own, which must not wait for the pool
 * while the session holds one.
 */
async function loadIn(session: SqlSession, wanted: Wanted[], loaded: Loaded, transaction: Transaction | undefined): Promise<() => Promise<void>> {
  const scoped = wanted.filter((w) => isScoped(w.model));
  await Promise.all(wanted.filter((w) => !isScoped(w.model)).map(async (w) => keep(loaded, w, await session.objects(w.model, w.ids))));
  return async () => {
    await Promise.all(
      scoped.map(async (w) => keep(loaded, w, await w.model.findAll({ where: { [w.model.primaryKeyAttribute]: { [Op.in]: w.ids } }, transaction }))),
    );
  };
}

/** Loads the objects behind `references`, one query per model; the map is keyed "<type>\0<id>". */
export async function loadObjects(references: Iterable<Reference>, transaction?: Transaction): Promise<Map<string, Model>> {
  const wanted = wantedOf(references);
  const loaded: Loaded = new Map();
  if (wanted.length === 0) return loaded;
  const rest = await currentBackend().session(transaction, 'read', (session) => loadIn(session, wanted, loaded, transaction));
  await rest();
  return loaded;
}

function referencesOf(actions: Action[]): Reference[] {
  const references: Reference[] = [];
  for (const action of actions) {
    for (const role of ROLES) {
      const type = action[`${role}Type`];
      const id = action[`${role}Id`];
      if (type !== null && id !== null) references.push({ type, id });
    }
  }
  return references;
}

function assign(actions: Action[], loaded: Loaded): void {
  for (const action of actions) {
    for (const role of ROLES) {
      const type = action[`${role}Type`];
      const id = action[`${role}Id`];
      action[role] = type !== null && id !== null ? (loaded.get(`${type}\0${id}`) ?? null) : null;
    }
  }
}

/**
 * For a page read in `session`: loads its plain models' objects there, and returns what finishes
 * the job once the session is over (scoped models, then `actor`, `target`, `actionObject` set).
 */
export async function loadReferencesIn(session: SqlSession, actions: Action[], transaction: Transaction | undefined): Promise<() => Promise<void>> {
  const loaded: Loaded = new Map();
  const rest = await loadIn(session, wantedOf(referencesOf(actions)), loaded, transaction);
  return async () => {
    await rest();
    assign(actions, loaded);
  };
}

/** Sets `actor`, `target` and `actionObject` on each action (null where the object is gone). */
export async function loadReferences(actions: Action[], transaction?: Transaction): Promise<void> {
  const loaded = await loadObjects(referencesOf(actions), transaction);
  assign(actions, loaded);
}
