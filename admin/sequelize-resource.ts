import { BaseResource } from 'adminjs';
import type { Model, ModelStatic } from 'sequelize';

/** The Sequelize model behind an @adminjs/sequelize resource (its adapter keeps it as SequelizeModel). */
export function sequelizeModelOf(resource: BaseResource): ModelStatic<Model> {
  const model = (resource as unknown as { SequelizeModel?: ModelStatic<Model> }).SequelizeModel;
  if (!model) throw new Error(`resource ${resource.id()} is not a Sequelize resource`);
  return model;
}
