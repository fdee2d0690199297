import type { Sequelize } from 'sequelize';
import type { Action } from 'actstream';
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

/**
 * Makes the database refuse (with an error) every action inserted with this verb, as a failing
 * write would; returns what lifts the refusal. A trigger, so it acts on every write path alike.
 */
export async function refuseVerb(sequelize: Sequelize, verb: string): Promise<() => Promise<void>> {
  const quoted = sequelize.escape(verb);
  const dialect = sequelize.getDialect();
  if (dialect === 'sqlite') {
    await sequelize.query(
      `CREATE TRIGGER test_refuse_verb BEFORE INSERT ON actstream_actions WHEN NEW.verb = ${quoted} BEGIN SELECT RAISE(ABORT, 'refused by test'); END`,
    );
    return async () => void (await sequelize.query('DROP TRIGGER test_refuse_verb'));
  }
  if (dialect === 'postgres') {
    await sequelize.query(
      `CREATE OR REPLACE FUNCTION test_refuse_verb() RETURNS trigger AS $$ BEGIN IF NEW.verb = ${quoted} THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
    );
    await sequelize.query('CREATE TRIGGER test_refuse_verb BEFORE INSERT ON actstream_actions FOR EACH ROW EXECUTE FUNCTION test_refuse_verb()');
    return async () => {
      await sequelize.query('DROP TRIGGER test_refuse_verb ON actstream_actions');
      await sequelize.query('DROP FUNCTION test_refuse_verb()');
    };
  }
  await sequelize.query(
    `CREATE TRIGGER test_refuse_verb BEFORE INSERT ON actstream_actions FOR EACH ROW BEGIN IF NEW.verb = ${quoted} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by test'; END IF; END`,
  );
  return async () => void (await sequelize.query('DROP TRIGGER test_refuse_verb'));
}
