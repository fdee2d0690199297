import type { RequestHandler } from 'express';

// PostgreSQL refuses NUL in text and JSONB (an error), its escaping turns it into "\0" (a changed
// value), and SQLite cuts an inlined literal at it (a syntax error): NUL is refused at the edge.
// Writes that come another way are refused by the app's models (models/storable.ts) and by
// actstream's send.

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
