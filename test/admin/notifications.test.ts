import { expect } from 'chai';
import type { Express } from 'express';
import { follow, notifications, withoutTracking } from 'actstream';
import { Group, User, trackAppModels } from '../../models/index.js';
import { resetDatabase } from '../helpers/database.js';
import { adminApp, bandAndLocation, loggedIn, makeUser } from './helpers.js';

// What admin saves notify: the band's followers of "booked a concert" (the ConcertAdmin case), a
// group's followers of a comment written in it (not its author, not the staff user who wrote it in).
describe('admin writes notify', () => {
  let app: Express;
  let untrack: () => void;
  let staff: User;
  let fan: User;
  let author: User;
  let agent: Awaited<ReturnType<typeof loggedIn>>;

  before(async () => {
    app = await adminApp();
    untrack = trackAppModels();
  });
  after(() => untrack());

  beforeEach(async () => {
    await resetDatabase();
    staff = await makeUser('staff@example.com', true);
    fan = await makeUser('fan@example.com', false, 'Fan');
    author = await makeUser('author@example.com', false, 'Author');
    agent = await loggedIn(app, 'staff@example.com');
  });

  it("a concert booked in the admin notifies the band's followers", async () => {
    const { band, location } = await bandAndLocation();
    await follow(fan, band, { sendAction: false });
    const res = await agent
      .post('/admin/api/resources/concerts/actions/new')
      .type('form')
      .send({ title: 'Opener', date: '2026-12-01T20:00:00.000Z', bandId: String(band.id), locationId: String(location.id) });
    expect(res.body.notice.type).to.equal('success');
    const page = await notifications(fan);
    expect(page.items.map((item) => item.action.toString().replace(/ \d+ minutes ago$/, ''))).to.deep.equal(['The Seeds booked a concert Opener on Town Hall, Ghent']);
    expect((await notifications(staff)).items).to.deep.equal([]);
  });

  it("a comment written in a group notifies the group's followers, not its author or the staff user", async () => {
    const climbers = await withoutTracking(() => Group.create({ name: 'Climbers' }));
    for (const user of [fan, author, staff]) await follow(user, climbers, { sendAction: false });
    const res = await agent
      .post('/admin/api/resources/comments/actions/new')
      .type('form')
      .send({ text: 'Ropes are in', authorId: String(author.id), groupId: String(climbers.id) });
    expect(res.body.notice.type).to.equal('success');
    const [item] = (await notifications(fan)).items;
    expect(item.action.verb).to.equal('created');
    expect(item.action.actorId).to.equal(String(staff.id));
    expect(item.action.actionObjectId).to.equal(String(res.body.record.params.id));
    expect((await notifications(author)).items).to.deep.equal([]);
    expect((await notifications(staff)).items).to.deep.equal([]);
  });
});
