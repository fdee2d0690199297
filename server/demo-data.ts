import { action, follow, withoutTracking } from 'actstream';
import { Band, Comment, Concert, followedNotice, Group, Location, User } from '../models/index.js';

/** Fills an empty database with a small world, so a newcomer sees streams at once. Returns false if it had data. */
export async function seedDemoData(): Promise<boolean> {
  if ((await User.count()) > 0) return false;
  // The story is told by the explicit sends below, not by "created" actions for every fixture.
  await withoutTracking(seedWorld);
  return true;
}

async function seedWorld(): Promise<void> {

  const [ann, bob, cleo] = await Promise.all(
    [
      { email: 'ann@example.com', name: 'Ann' },
      { email: 'bob@example.com', name: 'Bob' },
      { email: 'cleo@example.com', name: 'Cleo' },
    ].map((user) => User.create(user)),
  );
  const climbers = await Group.create({ name: 'Climbers' });
  const readers = await Group.create({ name: 'Readers' });
  const band = await Band.create({ name: 'The Seeds' });
  const hall = await Location.create({ name: 'Town Hall', city: 'Ghent' });

  await action.send(ann, { verb: 'reached level 10' });
  await action.send(ann, { verb: 'joined', target: climbers });
  const comment = await Comment.create({ text: 'Who is in for Saturday?', authorId: ann.id, groupId: climbers.id });
  await action.send(ann, { verb: 'created comment', actionObject: comment, target: climbers });
  await action.send(bob, { verb: 'joined', target: readers });
  const concert = await Concert.create({
    title: 'Spring tour opener',
    date: new Date(Date.now() + 14 * 86400_000),
    bandId: band.id,
    locationId: hall.id,
  });
  await action.send(band, { verb: 'booked a concert', actionObject: concert, target: hall });
  await follow(cleo, ann, { notify: followedNotice(ann, cleo) });
  await follow(cleo, climbers, { actorOnly: false });
  await follow(bob, band, { flag: 'liking' });
}
