import type { Express } from 'express';
import supertest from 'supertest';
import { Action, withoutTracking } from 'actstream';
import { Band, Location, User } from '../../models/index.js';
import { createApp } from '../../server/app.js';
import { GENEROUS_WRITE_LIMIT, database } from '../helpers/database.js';

export const STAFF_PASSWORD = 'correct horse battery staple';

/** The real app on the test database, with a fixed session secret. */
export async function adminApp(): Promise<Express> {
  const sequelize = await database();
  return createApp({ sequelize, config: { sessionSecret: 'test-secret-for-admin-tests', production: false, writeLimit: GENEROUS_WRITE_LIMIT } });
}

/** A user with a password, created without recording an action (fixtures are not what tests count). */
export async function makeUser(email: string, isStaff: boolean, name = 'Staff Sam'): Promise<User> {
  const user = User.build({ email, name, isStaff });
  await user.setPassword(STAFF_PASSWORD);
  return withoutTracking(() => user.save());
}

/** An agent (keeps the session cookie) logged in as `email`. */
export async function loggedIn(app: Express, email: string, password = STAFF_PASSWORD): Promise<ReturnType<typeof supertest.agent>> {
  const agent = supertest.agent(app);
  const res = await agent.post('/admin/login').type('form').send({ email, password });
  if (res.status !== 302) throw new Error(`login as ${email} failed: ${res.status}`);
  return agent;
}

export async function bandAndLocation(): Promise<{ band: Band; location: Location }> {
  return withoutTracking(async () => ({
    band: await Band.create({ name: 'The Seeds' }),
    location: await Location.create({ name: 'Town Hall', city: 'Ghent' }),
  }));
}

/** Every action as a comparable plain row, oldest first. */
export async function allActions(): Promise<Record<string, unknown>[]> {
  const actions = await Action.findAll({ order: [['id', 'ASC']] });
  return actions.map((a) => ({
    actor: `${a.actorType} ${a.actorId}`,
    verb: a.verb,
    actionObject: a.actionObjectType ? `${a.actionObjectType} ${a.actionObjectId}` : null,
    target: a.targetType ? `${a.targetType} ${a.targetId}` : null,
    data: a.data,
  }));
}
