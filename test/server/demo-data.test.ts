import { expect } from 'chai';
import { Action, Follow } from 'actstream';
import { trackAppModels } from '../../models/index.js';
import { seedDemoData } from '../../server/demo-data.js';
import { database, resetDatabase } from '../helpers/database.js';

describe('demo data (npm start on an empty database)', () => {
  let untrack: () => void;

  before(database);
  beforeEach(async () => {
    await resetDatabase();
    untrack = trackAppModels(); // as at start: tracking is on while seeding
  });
  afterEach(() => untrack());

  it('seeds once, telling its story with the seed examples only', async () => {
    expect(await seedDemoData()).to.equal(true);
    const actions = await Action.findAll({ order: [['id', 'ASC']] });
    expect(actions.map((a) => a.verb)).to.deep.equal([
      'reached level 10',
      'joined',
      'created comment',
      'joined',
      'booked a concert',
      'started following',
      'started following',
      'started liking',
    ]);
    expect(await Follow.count()).to.equal(3);

    expect(await seedDemoData()).to.equal(false);
    expect(await Action.count()).to.equal(actions.length);
  });
});
