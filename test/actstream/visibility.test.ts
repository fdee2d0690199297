import { expect } from 'chai';
import { action, ActstreamArgumentError, canSee, publicData, privateData, seesPrivate, visibleData, type Action } from 'actstream';
import type { User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { makeGroup, makeUser } from './fixtures.js';

describe('visibility: what a viewer sees of an action', () => {
  let ann: User;
  let bob: User;
  let carol: User;
  let aboutBob: Action;
  let privateAboutBob: Action;

  before(async () => {
    await database();
    await resetDatabase();
    ann = await makeUser('Ann');
    bob = await makeUser('Bob');
    carol = await makeUser('Carol');
    const data = { changes: { name: { old: 'B', new: 'Bob' } }, private: { changes: { email: { old: 'b@x.test', new: 'bob@x.test' } } } };
    aboutBob = await action.send(ann, { verb: 'updated', actionObject: bob, data });
    privateAboutBob = await action.send(ann, { verb: 'updated', actionObject: bob, public: false, data: { changes: {}, private: { changes: { isStaff: { old: false, new: true } } } } });
  });

  it('the public and bystanders get the data without its private part', () => {
    for (const viewer of [null, carol]) {
      expect(visibleData(aboutBob, viewer), String(viewer)).to.deep.equal({ changes: { name: { old: 'B', new: 'Bob' } } });
      expect(seesPrivate(aboutBob, viewer)).to.equal(false);
    }
  });

  it('the actor, the action object and staff get everything', () => {
    for (const viewer of [ann, bob, 'staff' as const]) {
      expect(visibleData(aboutBob, viewer)).to.deep.equal(aboutBob.data);
      expect(visibleData(aboutBob, viewer)).to.have.nested.property('private.changes.email.new', 'bob@x.test');
    }
  });

  it('a private action is seen only by those it is about, and by staff', () => {
    expect([null, carol, ann, bob, 'staff' as const].map((viewer) => canSee(privateAboutBob, viewer))).to.deep.equal([false, false, true, true, true]);
    expect(canSee(aboutBob, null)).to.equal(true);
  });

  it('a target is not "about": being where something happened shows no private details', async () => {
    const group = await makeGroup('Climbers');
    const joined = await action.send(ann, { verb: 'joined', target: group, data: { private: { note: 'x' } } });
    expect(seesPrivate(joined, carol)).to.equal(false);
    expect(visibleData(joined, null)).to.deep.equal({});
  });

  it('publicData and privateData split data; data without a private part is returned as is', () => {
    const data = { a: 1, private: { b: 2 } };
    expect(publicData(data)).to.deep.equal({ a: 1 });
    expect(privateData(data)).to.deep.equal({ b: 2 });
    const open = { a: 1 };
    expect(publicData(open)).to.equal(open);
    expect(privateData(open)).to.equal(null);
    expect(publicData(null)).to.equal(null);
  });

  it('send refuses a data.private that is not an object (views and the admin read it as one)', async () => {
    for (const bad of ['secret', ['x'], null, 3]) {
      await action.send(ann, { verb: 'noted', data: { private: bad } }).then(
        () => expect.fail(`accepted private: ${JSON.stringify(bad)}`),
        (error: unknown) => expect(error).to.be.instanceOf(ActstreamArgumentError).with.property('message').that.matches(/data\.private/),
      );
    }
  });
});
