import { expect } from 'chai';
import { currentActor, withActor, withoutTracking } from 'actstream';
import type { User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { makeUser } from './fixtures.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('ambient actor', () => {
  let ann: User;
  let bob: User;

  before(() => database());
  beforeEach(async () => {
    await resetDatabase();
    ann = await makeUser('Ann');
    bob = await makeUser('Bob');
  });

  it('is undefined outside withActor', () => {
    expect(currentActor()).to.equal(undefined);
  });

  it('is the actor inside withActor, across awaits, and returns what fn returns', async () => {
    const result = await withActor(ann, async () => {
      expect(currentActor()).to.equal(ann);
      await tick();
      expect(currentActor()).to.equal(ann);
      await Promise.resolve();
      return 'done';
    });
    expect(result).to.equal('done');
    expect(currentActor()).to.equal(undefined);
    expect(withActor(ann, () => 42)).to.equal(42);
  });

  it('nests: the innermost actor wins, the outer one comes back after', async () => {
    await withActor(ann, async () => {
      await withActor(bob, async () => {
        await tick();
        expect(currentActor()).to.equal(bob);
      });
      expect(currentActor()).to.equal(ann);
    });
  });

  it('keeps concurrent calls apart', async () => {
    const seen: string[] = [];
    await Promise.all([
      withActor(ann, async () => {
        await tick();
        seen.push(`ann:${String(currentActor())}`);
        await tick();
        seen.push(`ann:${String(currentActor())}`);
      }),
      withActor(bob, async () => {
        seen.push(`bob:${String(currentActor())}`);
        await tick();
        seen.push(`bob:${String(currentActor())}`);
      }),
    ]);
    expect(seen.sort()).to.deep.equal(['ann:Ann', 'ann:Ann', 'bob:Bob', 'bob:Bob']);
  });

  it('withoutTracking keeps the ambient actor and returns what fn returns', async () => {
    const result = await withActor(ann, () =>
      withoutTracking(async () => {
        await tick();
        return currentActor();
      }),
    );
    expect(result).to.equal(ann);
  });
});
