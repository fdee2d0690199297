import type { Model, ModelStatic } from 'sequelize';
import { installCleanupHooks, removeCleanupHooks } from './deletion.js';
import { ActstreamArgumentError, NotRegisteredError } from './errors.js';

/** A Sequelize model class, as actstream sees any of the app's models. */
export type AnyModel = ModelStatic<Model>;

/** A generic reference: the registered model's name and the primary key as a string. */
export interface Reference {
  type: string;
  id: string;
}

const models = new Map<string, AnyModel>();
/** Per model, the attributes its label (toString) reads, when the app declared them. */
const labels = new WeakMap<AnyModel, readonly string[]>();

function modelClassOf(modelOrInstance: AnyModel | Model): AnyModel {
  return (typeof modelOrInstance === 'function' ? modelOrInstance : modelOrInstance.constructor) as AnyModel;
}

export const registry = {
  /** Lets these models act, be acted on and be followed. Registering again is harmless. */
  register(...toRegister: AnyModel[]): void {
    for (const model of toRegister) {
      const known = models.get(model.name);
      if (known && known !== model) removeCleanupHooks(known);
      models.set(model.name, model);
      installCleanupHooks(model);
    }
  },

  unregister(...toUnregister: AnyModel[]): void {
    for (const model of toUnregister) {
      if (models.get(model.name) !== model) continue;
      models.delete(model.name);
      removeCleanupHooks(model);
    }
  },

  isRegistered(modelOrInstance: AnyModel | Model): boolean {
    const model = modelClassOf(modelOrInstance);
    return models.get(model.name) === model;
  },

  /**
   * Declares the attributes the model's label (its toString) reads. The objects a stream page
   * loads (actor, target, action object) are then read with only these, the primary key and
   * updatedAt: a label and a link need no more, and nothing else (a password hash) is read.
   * Undeclared models are read whole. Misspelt names throw.
   */
  labelledBy(model: AnyModel, attributes: readonly string[]): void {
    const known = model.getAttributes();
    const unknown = attributes.filter((name) => !(name in known));
    if (unknown.length) throw new ActstreamArgumentError(`${model.name} has no attribute ${unknown.join(', ')}`);
    labels.set(model, [...attributes]);
  },

  /** The registered models, by name. */
  models(): ReadonlyMap<string, AnyModel> {
    return models;
  },
};

/** The registered model class of a model or instance; throws NotRegisteredError otherwise. */
export function registeredModel(modelOrInstance: AnyModel | Model): AnyModel {
  const model = modelClassOf(modelOrInstance);
  if (models.get(model.name) !== model) throw new NotRegisteredError(model.name);
  return model;
}

/** The registered model called `type`, or undefined. */
export function modelNamed(type: string): AnyModel | undefined {
  return models.get(type);
}

/** The generic reference of a saved instance of a registered model. */
export function referenceOf(instance: Model): Reference {
  if (typeof instance !== 'object' || instance === null || typeof instance.get !== 'function') {
    throw new ActstreamArgumentError(`expected a Sequelize model instance, got ${String(instance)}`);
  }
  const model = registeredModel(instance);
  const id = instance.get(model.primaryKeyAttribute);
  if (id === null || id === undefined) {
    throw new ActstreamArgumentError(`${model.name} instance has no ${model.primaryKeyAttribute}: save it first`);
  }
  return { type: model.name, id: String(id) };
}

/** The attribute Sequelize keeps the model's update time in, if it keeps one. */
export function updatedAtAttribute(model: AnyModel): string | undefined {
  return (model as unknown as { _timestampAttributes?: { updatedAt?: string } })._timestampAttributes?.updatedAt || undefined;
}

/**
 * What a stream reads of a referenced object of `model`: the primary key, the label's attributes
 * and updatedAt when the app declared the label's (registry.labelledBy); undefined (everything)
 * otherwise.
 */
export function referenceAttributes(model: AnyModel): readonly string[] | undefined {
  const label = labels.get(model);
  if (!label) return undefined;
  const updatedAt = updatedAtAttribute(model);
  return [...new Set([model.primaryKeyAttribute, ...label, ...(updatedAt ? [updatedAt] : [])])];
}

/** The model name of a registered model or instance. */
export function typeOf(modelOrInstance: AnyModel | Model): string {
  return registeredModel(modelOrInstance).name;
}
