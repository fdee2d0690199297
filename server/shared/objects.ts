import { DataTypes, type Model } from 'sequelize';
import { loadObjects, referenceKey, registry, type AnyModel } from 'actstream';
import { HttpError, notFound } from './errors.js';

/** The registered model called `type` (a model's name, as actstream stores it); 404 otherwise. */
export function modelOf(type: string): AnyModel {
  const model = registry.models().get(type);
  if (!model) {
    throw new HttpError(404, 'unknown_type', `Unknown type "${type}"`, { type, known: [...registry.models().keys()] });
  }
  return model;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT_MAX = { INTEGER: 2 ** 31 - 1, BIGINT: Number.MAX_SAFE_INTEGER, SMALLINT: 2 ** 15 - 1 } as const;

/**
 * Whether `id` can be a primary key of `model`. Checked before querying, because PostgreSQL
 * rejects e.g. 'abc' for an integer column with an error instead of finding nothing.
 */
export function isValidId(model: AnyModel, id: string): boolean {
  const type = model.getAttributes()[model.primaryKeyAttribute]?.type;
  const key = type && typeof type === 'object' && 'key' in type ? String((type as { key: unknown }).key) : '';
  if (key in INT_MAX) return /^\d{1,16}$/.test(id) && Number(id) <= INT_MAX[key as keyof typeof INT_MAX];
  if (type instanceof DataTypes.UUID || key === 'UUID') return UUID.test(id);
  return id.length > 0 && id.length <= 255;
}

/**
 * The registered object `type`/`id`, or a 404 naming which part was wrong. Read as a stream reads
 * its references (what a label and a link need, for models that declare it): enough to name it,
 * link to it, follow it or refer to it in an action.
 */
export async function findObject(type: string, id: string): Promise<Model> {
  const model = modelOf(type);
  const found = isValidId(model, id) ? (await loadObjects([{ type, id }])).get(referenceKey(type, id)) : undefined;
  if (!found) throw notFound(`${type} ${id}`, { type, id });
  return found;
}
