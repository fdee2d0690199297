import type { Express } from 'express';
import type { Sequelize } from 'sequelize';
import request from 'supertest';
import { action, follow } from 'actstream';
import { Band, Comment, Concert, Group, Location, User } from '../../models/index.js';
import { createToken } from '../../auth/tokens.js';
import { createApp } from '../../server/app.js';
import { GENEROUS_WRITE_LIMIT, database, resetDatabase } from '../helpers/database.js';

export const PASSWORD = 'correct horse battery staple';

/** The real app on the test database. */
export async function testApp(): Promise<{ app: Express; sequelize: Sequelize }> {
  const sequelize = await database();
  const app = await createApp({ sequelize, config: { sessionSecret: 'test-secret-for-http-tests', production: false, writeLimit: GENEROUS_WRITE_LIMIT } });
  return { app, sequelize };
}

export async function userWithPassword(email: string, name: string): Promise<User> {
  const user = User.build({ email, name });
  await user.setPassword(PASSWORD);
  return user.save();
}

/**
 * A small world: Ann (who also has private actions), Bob, a group, a band, a location, a concert and
 * a comment, with actions in every combination of action object and target.
 */
export async function seedWorld() {
  await resetDatabase();
  const ann = await userWithPassword('ann@example.com', 'Ann');
  const bob = await userWithPassword('bob@example.com', 'Bob <b>&amp;');
  const climbers = await Group.create({ name: 'Climbers' });
  const band = await Band.create({ name: 'The Seeds' });
  const hall = await Location.create({ name: 'Town Hall', city: 'Ghent' });
  const concert = await Concert.create({ title: 'Spring opener', date: new Date('2026-12-01T20:00:00Z'), bandId: band.id, locationId: hall.id });
  const comment = await Comment.create({ text: 'Saturday?', authorId: ann.id, groupId: climbers.id });

  const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 12, minute));
  const sent = {
    reached: await action.send(ann, { verb: 'reached level 10', timestamp: at(1) }),
    joined: await action.send(ann, { verb: 'joined', target: climbers, timestamp: at(2) }),
    commented: await action.send(ann, { verb: 'posted', actionObject: comment, target: climbers, timestamp: at(3), data: { words: 1 } }),
    booked: await action.send(band, { verb: 'booked', actionObject: concert, target: hall, timestamp: at(4), description: 'Tickets soon' }),
    liked: await action.send(bob, { verb: 'liked', actionObject: concert, timestamp: at(5) }),
    secret: await action.send(ann, { verb: 'secretly joined', target: climbers, public: false, timestamp: at(6), description: 'PRIVATE-MARKER' }),
    bobSecret: await action.send(bob, { verb: 'privately liked', actionObject: band, public: false, timestamp: at(7), description: 'PRIVATE-MARKER' }),
  };
  await follow(bob, ann, { sendAction: false });
  await follow(bob, climbers, { actorOnly: false, sendAction: false });
  return { ann, bob, climbers, band, hall, concert, comment, sent };
}

export type World = Awaited<ReturnType<typeof seedWorld>>;

/** A supertest agent logged in as `email` through POST /api/session, with its CSRF token. */
export async function loggedIn(app: Express, email: string) {
  const agent = request.agent(app);
  const res = await agent.post('/api/session').send({ email, password: PASSWORD }).expect(200);
  return { agent, csrf: res.body.csrfToken as string };
}

export async function bearerFor(user: User): Promise<string> {
  return `Bearer ${(await createToken(user, 'test', 'api')).token}`;
}
