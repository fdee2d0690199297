import { Model } from 'sequelize';

/** "<Model> <id>": how a reference reads when its object is gone (or has no toString of its own). */
export function labelOfReference(type: string, id: string): string {
  return `${type} ${id}`;
}

/** The instance's own toString() where its model defines one, else "<Model> <id>". */
export function labelOf(instance: Model): string {
  if (instance.toString !== Model.prototype.toString) return instance.toString();
  const model = instance.constructor as typeof Model;
  return labelOfReference(model.name, String(instance.get(model.primaryKeyAttribute)));
}
