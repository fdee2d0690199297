import type { BaseResource } from 'adminjs';
import type { Model, ModelStatic } from 'sequelize';

/** The Sequelize model behind an @adminjs/sequelize resource (its adapter keeps it as SequelizeModel), or null. */
export function sequelizeModelOrNull(resource: BaseResource): ModelStatic<Model> | null {
  return (resource as unknown as { SequelizeModel?: ModelStatic<Model> }).SequelizeModel ?? null;
}

/** The Sequelize model behind an @adminjs/sequelize resource; throws for any other resource. */
export function sequelizeModelOf(resource: BaseResource): ModelStatic<Model> {
  const model = sequelizeModelOrNull(resource);
  if (!model) throw new Error(`resource ${resource.id()} is not a Sequelize resource`);
  return model;
}
