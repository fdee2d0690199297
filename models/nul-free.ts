import { ValidationError, ValidationErrorItem, type Model, type ModelStatic } from 'sequelize';

// PostgreSQL refuses NUL in text, its escaping turns it into "\0" (a changed value), and SQLite cuts
// an inlined literal at it. The JSON API refuses such bodies at the edge; for every other way in
// (the admin's forms, app code) each app model refuses the record as invalid, so the admin shows
// the error under the field. Per model, not one global hook: a global create hook would also sit
// on actstream's Action and send every action down Model.create's slow path.

const HOOK = 'refuseNulCharacters';

function nulFields(instance: Model): string[] {
  return Object.entries(instance.get({ plain: true }) as Record<string, unknown>)
    .filter(([, value]) => typeof value === 'string' && value.includes('\u0000'))
    .map(([key]) => key);
}

/** Makes `model` fail validation for a record whose text holds a NUL character. */
export function refuseNulCharacters(model: ModelStatic<Model>): void {
  model.removeHook('beforeValidate', HOOK);
  model.addHook('beforeValidate', HOOK, (instance: Model) => {
    const fields = nulFields(instance);
    if (fields.length === 0) return;
    const items = fields.map(
      (key) => new ValidationErrorItem(`${key} must not contain NUL characters`, 'validation error', key, '', instance, 'noNul', HOOK, []),
    );
    throw new ValidationError('Text must not contain NUL characters', items);
  });
}
