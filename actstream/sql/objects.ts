import type { Model, ModelStatic } from 'sequelize';
import type { Row, SqlSession, SqlWriter } from './contract.js';
import { savedInstances } from '../instances.js';
import { objectsByKey, storedAttributes } from './statements.js';

// Referenced objects read by the driver backends: one statement on the primary key, then the
// instances Sequelize would build from a findAll of the same rows.

/** A column's value as the driver returns it → the value Sequelize's own reads give for that attribute. */
export type ColumnReader = (value: unknown) => unknown;

const readersByWriter = new WeakMap<SqlWriter, WeakMap<ModelStatic<Model>, Map<string, [string, ColumnReader][]>>>();

function readersOf(
  sql: SqlWriter,
  model: ModelStatic<Model>,
  readerOf: (type: unknown) => ColumnReader | null,
  attributes: readonly string[] | undefined,
): [string, ColumnReader][] {
  let byModel = readersByWriter.get(sql);
  if (!byModel) readersByWriter.set(sql, (byModel = new WeakMap()));
  let byAttributes = byModel.get(model);
  if (!byAttributes) byModel.set(model, (byAttributes = new Map()));
  const key = attributes ? attributes.join('\0') : '*';
  let readers = byAttributes.get(key);
  if (!readers) {
    readers = [];
    for (const [name, , type] of storedAttributes(model, attributes)) {
      const read = readerOf(type);
      if (read) readers.push([name, read]);
    }
    byAttributes.set(key, readers);
  }
  return readers;
}

/**
 * The saved instances of `model` with these primary keys, read in `session`, typed by `readerOf`:
 * every stored attribute, or only `attributes` (which must name the primary key).
 */
export async function readObjects(
  sql: SqlWriter,
  session: Pick<SqlSession, 'select'>,
  readerOf: (type: unknown) => ColumnReader | null,
  model: ModelStatic<Model>,
  ids: readonly string[],
  attributes?: readonly string[],
): Promise<Model[]> {
  const rows: Row[] = await session.select(objectsByKey(sql, model, ids, attributes));
  const readers = readersOf(sql, model, readerOf, attributes);
  if (readers.length > 0) {
    for (const row of rows) {
      for (const [name, read] of readers) {
        const value = row[name];
        if (value !== null && value !== undefined) row[name] = read(value);
      }
    }
  }
  return savedInstances(model, rows);
}
