import type { RequestHandler } from 'express';
import { ValidationError, ValidationErrorItem, type Model, type Sequelize } from 'sequelize';

// PostgreSQL refuses NUL in text and JSONB (an error), its escaping turns it into "\0" (a changed
// value), and SQLite cuts an inlined literal at it (a syntax error): NUL is refused at the edge.

const NUL_IN_URL = /%00|\u0000/i;

/** A 400 for a URL (path or query) with a NUL character, before any route reads it. */
export const rejectNulInUrl: RequestHandler = (req, res, next) => {
  if (!NUL_IN_URL.test(req.originalUrl)) return next();
  const message = 'The URL contains a NUL character (%00)';
  if (req.path.startsWith('/api/')) {
    res.status(400).json({ error: { code: 'invalid_request', message, details: null } });
  } else {
    res.status(400).type('text/plain').send(message);
  }
};

/**
 * A JSON.parse reviver for request bodies: a key or string with a NUL character makes the body
 * unreadable (the parser answers 400), so it never reaches the database.
 */
export function refuseNulCharacters(key: string, value: unknown): unknown {
  if (key.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000'))) {
    throw new SyntaxError('NUL characters are not allowed in JSON bodies');
  }
  return value;
}

const guarded = new WeakSet<Sequelize>();

/**
 * The last line for writes that bypass the JSON API (the admin's forms): a record whose text holds
 * a NUL character fails validation (the admin shows the error) instead of being stored changed.
 */
export function refuseNulInRecords(sequelize: Sequelize): void {
  if (guarded.has(sequelize)) return;
  guarded.add(sequelize);
  sequelize.addHook('beforeValidate', 'refuseNulCharacters', (instance: Model) => {
    const items = Object.entries(instance.get({ plain: true }) as Record<string, unknown>)
      .filter(([, value]) => typeof value === 'string' && value.includes('\u0000'))
      .map(([key]) => new ValidationErrorItem(`${key} must not contain NUL characters`, 'validation error', key, '', instance, 'noNul', 'refuseNulCharacters', []));
    if (items.length) throw new ValidationError('Text must not contain NUL characters', items);
  });
}
