import { expect } from 'chai';
import supertest from 'supertest';
import type { Express } from 'express';
import { action, Action, withActor } from 'actstream';
import { createToken } from '../../auth/tokens.js';
import { Band, Comment, Concert, Group, Location, User } from '../../models/index.js';
import { resetDatabase } from '../helpers/database.js';
import { ALL_FORMATS, Markers } from './markers.js';

// A world with a marker in every field of every app model and in every action, written through the
// paths the app really has: admin edits by staff (AdminJS's API), POST /api/actions, app code sending
// actions, tracked saves in app code, and follows over the API. Tracking must be on (trackAppModels).

const PASSWORD = 'correct horse battery staple';
const ALL = ALL_FORMATS;

export const refOf = (user: User) => `User ${user.id}`;

async function userWithPassword(email: string, name: string, isStaff: boolean): Promise<User> {
  const user = User.build({ email, name, isStaff });
  await user.setPassword(PASSWORD);
  return user.save();
}

type Agent = ReturnType<typeof supertest.agent>;

/** An AdminJS API write as staff; fails the test unless AdminJS reports success. Returns the record's id. */
async function adminWrite(agent: Agent, path: string, body: Record<string, string>): Promise<number> {
  const res = await agent.post(`/admin/api/resources/${path}`).type('form').send(body);
  expect(res.status, path).to.equal(200);
  expect(res.body.notice?.type, `${path}: ${JSON.stringify(res.body.notice)}`).to.equal('success');
  return Number(res.body.record?.params?.id);
}

/** POST /api/actions as the token's owner; returns the new action's id. */
async function apiSend(app: Express, bearer: string, body: Record<string, unknown>): Promise<number> {
  const res = await supertest(app).post('/api/actions').set('Authorization', bearer).send(body);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body.id as number;
}

export async function buildWorld(app: Express, m: Markers) {
  await resetDatabase();
  const email = (label: string) => `${m.secret(label)}@example.com`;
  const own = (address: string, ...users: User[]) => m.grant(address.split('@')[0], ...users.map(refOf));

  // App code: tracked saves (each user "created", acting alone).
  const staffEmail = email('staff email');
  const staff = await userWithPassword(staffEmail, m.public('staff name', ALL), true);
  own(staffEmail, staff);
  const annEmail = email('ann email, first');
  const ann = await userWithPassword(annEmail, m.public('ann name, first'), false);
  own(annEmail, ann, staff);

  // Admin writes as staff, through AdminJS's API.
  const admin = supertest.agent(app);
  const login = await admin.post('/admin/login').type('form').send({ email: staffEmail, password: PASSWORD });
  expect(login.status, 'staff login').to.equal(302);

  const newUser = async (label: string) => {
    const address = email(`${label} email`);
    const id = await adminWrite(admin, 'users/actions/new', { name: m.public(`${label} name`, ALL), email: address, isStaff: 'false' });
    const user = (await User.findByPk(id))!;
    own(address, user, staff);
    return user;
  };
  const bob = await newUser('bob');
  const carol = await newUser('carol');
  const dave = await newUser('dave');

  const groupName = m.public('group name, first');
  const groupId = await adminWrite(admin, 'groups/actions/new', { name: groupName });
  await adminWrite(admin, `groups/records/${groupId}/edit`, { name: m.public('group name, second') });
  const bandId = await adminWrite(admin, 'bands/actions/new', { name: m.public('band name', ALL) });
  const goneBandId = await adminWrite(admin, 'bands/actions/new', { name: m.public('deleted band name', []) });
  await adminWrite(admin, `bands/records/${goneBandId}/delete`, {});
  const locationId = await adminWrite(admin, 'locations/actions/new', { name: m.public('location name', ALL), city: m.public('location city', ALL) });
  const concertId = await adminWrite(admin, 'concerts/actions/new', {
    title: m.public('concert title, first'),
    date: '2026-12-01T20:00:00.000Z',
    bandId: String(bandId),
    locationId: String(locationId),
  });
  await adminWrite(admin, `concerts/records/${concertId}/edit`, {
    title: m.public('concert title, second', ALL),
    date: '2026-12-02T20:00:00.000Z',
    bandId: String(bandId),
    locationId: String(locationId),
  });
  const commentId = await adminWrite(admin, 'comments/actions/new', { text: m.public('comment text, first'), authorId: String(ann.id), groupId: String(groupId) });
  await adminWrite(admin, `comments/records/${commentId}/edit`, { text: m.public('comment text, second'), authorId: String(ann.id), groupId: String(groupId) });

  // Staff edits of people: a public field with a private one (public action, private part), and
  // private fields alone (private actions): email changes and isStaff flips.
  const annEmail2 = email('ann email, second');
  own(annEmail2, ann, staff);
  await adminWrite(admin, `users/records/${ann.id}/edit`, { name: m.public('ann name, second'), email: annEmail2, isStaff: 'false' });
  const bobEmail2 = email('bob email, second');
  own(bobEmail2, bob, staff);
  await adminWrite(admin, `users/records/${bob.id}/edit`, { name: bob.name, email: bobEmail2, isStaff: 'false' });
  const staffEditOfBob = (await Action.findOne({ where: { verb: 'updated', actionObjectType: 'User', actionObjectId: String(bob.id) }, order: [['id', 'DESC']] }))!;
  await adminWrite(admin, `users/records/${carol.id}/edit`, { name: carol.name, email: (await carol.reload()).email, isStaff: 'true' });
  await adminWrite(admin, `users/records/${carol.id}/edit`, { name: carol.name, email: carol.email, isStaff: 'false' });
  const daveEmail2 = email('dave email, second');
  own(daveEmail2, dave, staff);
  await adminWrite(admin, `users/records/${dave.id}/edit`, { name: dave.name, email: daveEmail2, isStaff: 'false' });

  // POST /api/actions: public actions with public and private data, and private actions.
  const annBearer = `Bearer ${(await createToken(ann, 'privacy', 'api')).token}`;
  const bobBearer = `Bearer ${(await createToken(bob, 'privacy', 'api')).token}`;
  const carolBearer = `Bearer ${(await createToken(carol, 'privacy', 'api')).token}`;
  const annPublic = await apiSend(app, annBearer, {
    verb: m.public('ann api verb', ALL),
    description: m.public('ann api description', ALL),
    target: { type: 'Group', id: groupId },
    data: { note: m.public('ann api data'), private: { note: m.secret('ann api private data', [refOf(ann)]) } },
  });
  const annPrivate = await apiSend(app, annBearer, {
    verb: m.secret('ann private api verb', [refOf(ann)]),
    description: m.secret('ann private api description', [refOf(ann)]),
    public: false,
    data: { note: m.secret('ann private api data', [refOf(ann)]), private: { note: m.secret('ann private api private data', [refOf(ann)]) } },
  });
  await apiSend(app, carolBearer, {
    verb: m.public('carol api verb', ALL),
    actionObject: { type: 'User', id: bob.id },
    data: { private: { note: m.secret('carol to bob private data', [refOf(carol), refOf(bob)]) } },
  });
  await apiSend(app, carolBearer, { verb: m.secret('carol private api verb', [refOf(carol)]), public: false, description: m.secret('carol private description', [refOf(carol)]) });
  await apiSend(app, bobBearer, {
    verb: m.public('bob api verb', ALL),
    actionObject: { type: 'User', id: carol.id },
    description: m.public('bob api description', ALL),
    data: { stars: m.public('bob api data'), private: { note: m.secret('bob to carol private data', [refOf(bob), refOf(carol)]) } },
  });

  // App code sending actions (the seed's third example), public and private.
  const band = (await Band.findByPk(bandId))!;
  const concert = (await Concert.findByPk(concertId))!;
  const location = (await Location.findByPk(locationId))!;
  await action.send(band, {
    verb: m.public('band app verb', ALL),
    actionObject: concert,
    target: location,
    description: m.public('band app description', ALL),
    data: { pub: m.public('band app data'), private: { secret: m.secret('band app private data') } },
  });
  await action.send(ann, { verb: m.secret('ann private app verb', [refOf(ann)]), public: false, description: m.secret('ann private app description', [refOf(ann)]) });
  await action.sendMany([
    { actor: dave, verb: m.public('dave app verb', ALL), target: (await Group.findByPk(groupId))!, data: { private: { n: m.secret('dave app private data', [refOf(dave)]) } } },
    { actor: dave, verb: m.secret('dave private app verb', [refOf(dave)]), public: false },
  ]);

  // Tracked saves from app code: with an actor, and acting alone.
  const annEmail3 = email('ann email, third');
  own(annEmail3, ann);
  await withActor(ann, () => ann.reload().then((me) => me.update({ name: m.public('ann name, third', ALL), email: annEmail3 })));
  const comment = (await Comment.findByPk(commentId))!;
  await withActor(bob, () => comment.update({ text: m.public('comment text, third') }));
  const group = (await Group.findByPk(groupId))!;
  await group.update({ name: m.public('group name, third', ALL) });
  const carolEmail2 = email('carol email, second');
  own(carolEmail2, carol);
  await (await carol.reload()).update({ email: carolEmail2 });
  await ann.reload();
  await ann.setPassword('another long password');
  await ann.save();

  // Follows over the API ("started following" actions).
  await supertest(app).post('/api/follows').set('Authorization', carolBearer).send({ type: 'User', id: ann.id, actorOnly: false }).expect(201);
  await supertest(app).post('/api/follows').set('Authorization', bobBearer).send({ type: 'Group', id: groupId }).expect(201);

  return {
    users: { staff, ann, bob, carol, dave },
    bearers: { ann: annBearer, bob: bobBearer, carol: carolBearer },
    carolFeedToken: (await createToken(carol, 'privacy feed', 'feed')).token,
    ids: { annPublic, annPrivate, staffEditOfBob: staffEditOfBob.id, goneBand: goneBandId },
  };
}

export type PrivacyWorld = Awaited<ReturnType<typeof buildWorld>>;
