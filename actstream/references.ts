import { Op, type Model, type Transaction } from 'sequelize';
import type { Action } from './models.js';
import { modelNamed, referenceAttributes, referenceOf, type AnyModel, type Reference } from './registry.js';
import { currentBackend } from './settings.js';
import type { SqlSession } from './sql/index.js';

// Generic references are loaded in batches: one query per referenced model for a whole page.

type Role = 'actor' | 'target' | 'actionObject';
const ROLES: Role[] = ['actor', 'target', 'actionObject'];

/** Loaded objects, keyed "<type>\0<id>". */
type Loaded = Map<string, Model>;

/** The key of a reference in the maps below: "<type>\0<id>". */
export function referenceKey(type: string, id: string): string {
  return `${type}\0${id}`;
}

interface Wanted {
  type: string;
  model: AnyModel;
  ids: string[];
}

/** A default scope or soft deletes: read through findAll, so that those apply as everywhere else in the app. */
function isScoped(model: AnyModel): boolean {
  return Boolean(model.options.paranoid) || Object.keys(model.options.defaultScope ?? {}).length > 0;
}

/** The references to read, by model, leaving out those already `loaded`. */
function wantedOf(references: Iterable<Reference>, loaded?: Loaded): Wanted[] {
  const idsByType = new Map<string, Set<string>>();
  for (const { type, id } of references) {
    if (loaded?.has(referenceKey(type, id))) continue;
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
  for (const row of rows) loaded.set(referenceKey(type, String(row.get(model.primaryKeyAttribute))), row);
}

/**
 * Loads the plain models' objects in `session` (one statement each), and returns how to load the
 * scoped ones afterwards: findAll takes a connection of its own, which must not wait for the pool
 * while the session holds one.
 */
async function loadIn(
  session: SqlSession,
  wanted: Wanted[],
  loaded: Loaded,
  transaction: Transaction | undefined,
  attributesOf: (model: AnyModel) => readonly string[] | undefined = referenceAttributes,
): Promise<() => Promise<void>> {
  const scoped = wanted.filter((w) => isScoped(w.model));
  await Promise.all(
    wanted.filter((w) => !isScoped(w.model)).map(async (w) => keep(loaded, w, await session.objects(w.model, w.ids, attributesOf(w.model)))),
  );
  return async () => {
    await Promise.all(
      scoped.map(async (w) => {
        const attributes = attributesOf(w.model);
        const where = { [w.model.primaryKeyAttribute]: { [Op.in]: w.ids } };
        keep(loaded, w, await w.model.findAll({ where, attributes: attributes ? [...attributes] : undefined, transaction }));
      }),
    );
  };
}

/** Objects the caller holds already (a stream's own object), so that a page does not read them again. */
function loadedWith(known: readonly Model[]): Loaded {
  const loaded: Loaded = new Map();
  for (const object of known) {
    const { type, id } = referenceOf(object);
    loaded.set(referenceKey(type, id), object);
  }
  return loaded;
}

/**
 * Loads the objects behind `references`, one query per model; the map is keyed "<type>\0<id>"
 * (referenceKey). Models with a declared label (registry.labelledBy) are read with only what a
 * label needs; `whole: true` reads every attribute.
 */
export async function loadObjects(
  references: Iterable<Reference>,
  transaction?: Transaction,
  { whole = false }: { whole?: boolean } = {},
): Promise<Map<string, Model>> {
  const wanted = wantedOf(references);
  const loaded: Loaded = new Map();
  if (wanted.length === 0) return loaded;
  const attributesOf = whole ? () => undefined : referenceAttributes;
  const rest = await currentBackend().session(transaction, 'read', (session) => loadIn(session, wanted, loaded, transaction, attributesOf));
  await rest();
  return loaded;
}

/** Every object the actions refer to (actor, target, action object), repeats included. */
export function referencesOf(actions: readonly Action[]): Reference[] {
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
      action[role] = type !== null && id !== null ? (loaded.get(referenceKey(type, id)) ?? null) : null;
    }
  }
}

/**
 * For a page read in `session`: loads its plain models' objects there, and returns what finishes
 * the job once the session is over (scoped models, then `actor`, `target`, `actionObject` set).
 */
export async function loadReferencesIn(
  session: SqlSession,
  actions: Action[],
  transaction: Transaction | undefined,
  known: readonly Model[] = [],
): Promise<() => Promise<void>> {
  const loaded = loadedWith(known);
  const rest = await loadIn(session, wantedOf(referencesOf(actions), loaded), loaded, transaction);
  return async () => {
    await rest();
    assign(actions, loaded);
  };
}

/**
 * Sets `actor`, `target` and `actionObject` on each action (null where the object is gone); the
 * `known` objects are used as they are, not read again.
 */
export async function loadReferences(actions: Action[], transaction?: Transaction, known: readonly Model[] = []): Promise<void> {
  const loaded = loadedWith(known);
  const wanted = wantedOf(referencesOf(actions), loaded);
  if (wanted.length > 0) {
    const rest = await currentBackend().session(transaction, 'read', (session) => loadIn(session, wanted, loaded, transaction));
    await rest();
  }
  assign(actions, loaded);
}
