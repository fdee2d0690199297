import { DataTypes, Op, QueryTypes, type CreationAttributes, type Model, type Transaction } from 'sequelize';
import type { Action } from './models.js';
import { inlinesValues, quoteName } from './dialect.js';
import { modelNamed, type AnyModel, type Reference } from './registry.js';
import { dateFromText } from './rows.js';

// Generic references are loaded in batches: one query per referenced model for a whole page.

interface QuoteGenerator {
  quoteTable(table: ReturnType<AnyModel['getTableName']>): string;
}

interface ReadPlan {
  /** `SELECT <columns AS attributes> FROM <table> WHERE <primary key> IN (`, to complete with the keys. */
  head: string;
  /** SQLite hands dates and JSON back as text; Sequelize's own reads type them by the column's type. */
  textColumns: [attribute: string, parse: (text: string) => unknown][];
}

const plans = new WeakMap<AnyModel, ReadPlan>();

function readPlan(model: AnyModel): ReadPlan {
  let plan = plans.get(model);
  if (plan) return plan;
  const sequelize = model.sequelize!;
  const dialect = sequelize.getDialect();
  const q = (name: string) => quoteName(sequelize, name);
  const table = dialect === 'sqlite' ? q(String(model.getTableName())) : (sequelize.getQueryInterface().queryGenerator as QuoteGenerator).quoteTable(model.getTableName());
  const attributes = Object.entries(model.getAttributes()).filter(([, attribute]) => !(attribute.type instanceof DataTypes.VIRTUAL));
  const columns = attributes.map(([name, attribute]) => `${q(attribute.field ?? name)} AS ${q(name)}`).join(', ');
  const pk = model.getAttributes()[model.primaryKeyAttribute];
  const textColumns: ReadPlan['textColumns'] = [];
  if (dialect === 'sqlite') {
    for (const [name, attribute] of attributes) {
      if (attribute.type instanceof DataTypes.DATE) textColumns.push([name, dateFromText]);
      else if (attribute.type instanceof DataTypes.JSON) textColumns.push([name, (text) => JSON.parse(text) as unknown]);
    }
  }
  plan = { head: `SELECT ${columns} FROM ${table} WHERE ${q(pk.field ?? model.primaryKeyAttribute)} IN (`, textColumns };
  plans.set(model, plan);
  return plan;
}

/**
 * The model's rows with these primary keys. A plain model is read by one statement on its primary
 * key, straight into instances; one with a default scope or soft deletes goes through findAll so
 * that those apply as everywhere else in the app.
 */
async function findByKeys(model: AnyModel, ids: string[], transaction?: Transaction): Promise<Model[]> {
  const scoped = model.options.paranoid || Object.keys(model.options.defaultScope ?? {}).length > 0;
  if (scoped) return model.findAll({ where: { [model.primaryKeyAttribute]: { [Op.in]: ids } }, transaction });
  const sequelize = model.sequelize!;
  const { head, textColumns } = readPlan(model);
  // Keys escaped into the SQL where bound values cost more (see dialect.ts).
  const inline = inlinesValues(sequelize);
  const keys = ids.map((id, i) => (inline ? sequelize.escape(id) : `$${i + 1}`)).join(', ');
  const rows = await sequelize.query<Record<string, unknown>>(`${head}${keys})`, {
    type: QueryTypes.SELECT,
    raw: true,
    bind: inline ? undefined : ids,
    transaction,
  });
  for (const row of rows) {
    for (const [name, parse] of textColumns) {
      if (typeof row[name] === 'string') row[name] = parse(row[name]);
    }
  }
  return model.bulkBuild(rows as CreationAttributes<Model>[], { raw: true, isNewRecord: false });
}

type Role = 'actor' | 'target' | 'actionObject';
const ROLES: Role[] = ['actor', 'target', 'actionObject'];

/** Loads the objects behind `references`, one query per model; the map is keyed "<type>\0<id>". */
export async function loadObjects(
  references: Iterable<Reference>,
  transaction?: Transaction,
): Promise<Map<string, Model>> {
  const idsByType = new Map<string, Set<string>>();
  for (const { type, id } of references) {
    let ids = idsByType.get(type);
    if (!ids) idsByType.set(type, (ids = new Set()));
    ids.add(id);
  }
  const loaded = new Map<string, Model>();
  await Promise.all(
    [...idsByType].map(async ([type, ids]) => {
      const model = modelNamed(type);
      if (!model) return; // unregistered since: the reference stays unresolved
      const rows = await findByKeys(model, [...ids], transaction);
      for (const row of rows) loaded.set(`${type}\0${String(row.get(model.primaryKeyAttribute))}`, row);
    }),
  );
  return loaded;
}

/** Sets `actor`, `target` and `actionObject` on each action (null where the object is gone). */
export async function loadReferences(actions: Action[], transaction?: Transaction): Promise<void> {
  const references: Reference[] = [];
  for (const action of actions) {
    for (const role of ROLES) {
      const type = action[`${role}Type`];
      const id = action[`${role}Id`];
      if (type !== null && id !== null) references.push({ type, id });
    }
  }
  const loaded = await loadObjects(references, transaction);
  for (const action of actions) {
    for (const role of ROLES) {
      const type = action[`${role}Type`];
      const id = action[`${role}Id`];
      action[role] = type !== null && id !== null ? (loaded.get(`${type}\0${id}`) ?? null) : null;
    }
  }
}
