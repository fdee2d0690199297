import type { Model, ModelStatic } from 'sequelize';

// Saved instances from rows read by hand. `Model.bulkBuild(rows, { raw: true, isNewRecord: false })`
// sets each attribute through Model#set, which cost more than the statement that read a page of
// actions and their objects. For a model whose instances hold nothing but what Sequelize's
// constructor puts there, the same instance is made directly: the same prototype (getters,
// toString, save …), the same fields, raw values through the same per-type sanitizers.
// test/actstream/instances.test.ts holds the two ways side by side for every kind of model.

interface ModelInternals {
  _dataTypeSanitizers: Record<string, (this: Model, value: unknown, options: object) => unknown>;
  _schema: unknown;
  _schemaDelimiter: unknown;
}

/** What Sequelize's constructor leaves on an instance. */
const CONSTRUCTOR_FIELDS = ['_changed', '_options', '_previousDataValues', 'dataValues', 'isNewRecord', 'uniqno'].join();

interface Plan {
  sanitizers: [attribute: string, sanitize: (this: Model, value: unknown, options: object) => unknown][];
}

const plans = new WeakMap<ModelStatic<Model>, Plan | null>();

/** How to build `model`'s instances directly; null when its instances hold more (class fields, a constructor of its own). */
function planOf(model: ModelStatic<Model>): Plan | null {
  let plan = plans.get(model);
  if (plan !== undefined) return plan;
  const probe = model.build({}, { raw: true, isNewRecord: false });
  const plain = Object.keys(probe).sort().join() === CONSTRUCTOR_FIELDS && Object.getOwnPropertySymbols(probe).length === 0;
  plan = plain ? { sanitizers: Object.entries((model as unknown as ModelInternals)._dataTypeSanitizers) } : null;
  plans.set(model, plan);
  return plan;
}

/** Saved instances of `model` holding exactly these raw values (each row object becomes an instance's dataValues). */
export function savedInstances<M extends Model>(model: ModelStatic<M>, rows: Record<string, unknown>[]): M[] {
  const plan = planOf(model as unknown as ModelStatic<Model>);
  if (!plan) return (model as unknown as ModelStatic<Model>).bulkBuild(rows, { raw: true, isNewRecord: false }) as M[];
  const { _schema, _schemaDelimiter } = model as unknown as ModelInternals;
  return rows.map((values) => {
    const instance = Object.create(model.prototype as object) as Record<string, unknown>;
    const options = { isNewRecord: false, _schema, _schemaDelimiter, raw: true };
    for (const [attribute, sanitize] of plan.sanitizers) {
      if (attribute in values) values[attribute] = sanitize.call(instance as unknown as Model, values[attribute], options);
    }
    instance.dataValues = values;
    instance._previousDataValues = { ...values };
    instance.uniqno = 1;
    instance._changed = new Set<string>();
    instance._options = options;
    instance.isNewRecord = false;
    return instance as unknown as M;
  });
}
