import type { Sequelize } from 'sequelize';
import type { Action } from '../../actstream/index.js';
import { Band, Comment, Concert, Group, Location, User } from '../../models/index.js';

// Small factories and probes shared by the actstream tests.

let serial = 0;

export function makeUser(name: string): Promise<User> {
  serial += 1;
  return User.create({ name, email: `user${serial}-${Date.now()}@example.test` });
}

export function makeGroup(name: string): Promise<Group> {
  return Group.create({ name });
}

export function makeComment(text: string, group?: Group, author?: User): Promise<Comment> {
  return Comment.create({ text, groupId: group?.id ?? null, authorId: author?.id ?? null });
}

export async function makeConcert(bandName: string, locationName: string): Promise<Concert> {
  const band = await Band.create({ name: bandName });
  const location = await Location.create({ name: locationName, city: 'Lyon' });
  return Concert.create({ title: `${bandName} live`, date: new Date('2027-03-01T20:00:00Z'), bandId: band.id, locationId: location.id });
}

/** Runs `fn` and returns its result with every SQL statement it sent (sequelize reads `logging` per query). */
export async function recordQueries<T>(sequelize: Sequelize, fn: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  const queries: string[] = [];
  // `options` is real but missing from Sequelize's typings.
  const { options } = sequelize as unknown as { options: { logging?: unknown } };
  const previous = options.logging;
  options.logging = (sql: string) => {
    queries.push(sql);
  };
  try {
    const result = await fn();
    return { result, queries };
  } finally {
    options.logging = previous;
  }
}

/** Statements that read or write data (not BEGIN/COMMIT/SAVEPOINT bookkeeping). */
export function dataStatements(queries: string[]): string[] {
  return queries.filter((sql) => /\b(SELECT|INSERT|UPDATE|DELETE)\b/i.test(sql));
}

/** A compact view of a page for assertions: "<verb>#<id>". */
export function verbs(actions: Action[]): string[] {
  return actions.map((a) => a.verb);
}

export function ids(actions: Action[]): number[] {
  return actions.map((a) => a.id);
}

/** Seconds after a fixed instant, so timestamps in tests are exact and repeatable. */
export function at(seconds: number): Date {
  return new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + seconds * 1000);
}
