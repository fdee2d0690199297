import { DataTypes, ValidationError, ValidationErrorItem, type Model, type ModelStatic } from 'sequelize';

// What the database would refuse or store changed is refused first, as a validation error on the
// field (the admin shows it under the field, the API answers 400), the same on every database:
// - NUL characters: PostgreSQL refuses them in text, its escaping turns them into "\0", and SQLite
//   cuts an inlined literal at them;
// - text longer than its column: PostgreSQL and MySQL/MariaDB refuse it, SQLite keeps all of it.
// A hook on each app model, not one global hook: a global create hook would also sit on actstream's
// Action and send every action down Model.create's slow path.

const HOOK = 'refuseUnstorableText';

function columnLengths(model: ModelStatic<Model>): Map<string, number> {
  const lengths = new Map<string, number>();
  for (const [name, attribute] of Object.entries(model.getAttributes())) {
    const length = attribute.type instanceof DataTypes.STRING ? (attribute.type as unknown as { _length?: unknown })._length : undefined;
    if (typeof length === 'number') lengths.set(name, length);
  }
  return lengths;
}

function problems(instance: Model, lengths: ReadonlyMap<string, number>): [field: string, message: string][] {
  const found: [string, string][] = [];
  for (const [field, value] of Object.entries(instance.get({ plain: true }) as Record<string, unknown>)) {
    if (typeof value !== 'string') continue;
    const max = lengths.get(field);
    if (value.includes('\u0000')) found.push([field, `${field} must not contain NUL characters`]);
    // Columns count characters (code points), not UTF-16 units.
    else if (max !== undefined && value.length > max && [...value].length > max) found.push([field, `${field} must be at most ${max} characters`]);
  }
  return found;
}

/** Makes `model` fail validation for text with a NUL character or longer than its column. */
export function refuseUnstorableText(model: ModelStatic<Model>): void {
  const lengths = columnLengths(model);
  model.removeHook('beforeValidate', HOOK);
  model.addHook('beforeValidate', HOOK, (instance: Model) => {
    const found = problems(instance, lengths);
    if (found.length === 0) return;
    const items = found.map(([field, message]) => new ValidationErrorItem(message, 'validation error', field, '', instance, 'storable', HOOK, []));
    throw new ValidationError(found.map(([, message]) => message).join('; '), items);
  });
}
