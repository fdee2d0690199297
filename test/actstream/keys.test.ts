import { expect } from 'chai';
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import {
  Action,
  Follow,
  action,
  actionObjectStream,
  actorStream,
  anyStream,
  follow,
  followers,
  following,
  isFollowing,
  labelOf,
  modelStream,
  registry,
  targetStream,
  unfollow,
  userStream,
} from 'actstream';
import type { User } from '../../models/index.js';
import { database, resetDatabase } from '../helpers/database.js';
import { at, makeUser, verbs } from './fixtures.js';

// Referenced models with non-integer primary keys: generic ids must carry them unchanged.

class Document extends Model<InferAttributes<Document>, InferCreationAttributes<Document>> {
  declare uuid: CreationOptional<string>;
  declare title: string;
}

class Country extends Model<InferAttributes<Country>, InferCreationAttributes<Country>> {
  declare code: string;
  declare name: string;

  override toString(): string {
    return this.name;
  }
}

const TABLES = ['keys_test_documents', 'keys_test_countries'];

describe('models with UUID and string primary keys', () => {
  let ann: User;
  let doc: Document;
  let other: Document;
  let france: Country;

  before(async () => {
    const sequelize = await database();
    Document.init(
      { uuid: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true }, title: { type: DataTypes.STRING, allowNull: false } },
      { sequelize, tableName: TABLES[0], timestamps: false },
    );
    Country.init(
      { code: { type: DataTypes.STRING(2), primaryKey: true }, name: { type: DataTypes.STRING, allowNull: false } },
      { sequelize, tableName: TABLES[1], timestamps: false },
    );
    await Document.sync({ force: true });
    await Country.sync({ force: true });
    registry.register(Document, Country);
  });
  after(async () => {
    registry.unregister(Document, Country);
    await Document.drop();
    await Country.drop();
  });
  beforeEach(async () => {
    await resetDatabase(TABLES);
    ann = await makeUser('Ann');
    doc = await Document.create({ title: 'Plan' });
    other = await Document.create({ title: 'Other' });
    france = await Country.create({ code: 'FR', name: 'France' });
  });

  it('stores the UUID and the string key as given', async () => {
    expect(doc.uuid).to.match(/^[0-9a-f-]{36}$/);
    const sent = await action.send(doc, { verb: 'was published', target: france, actionObject: other });
    const saved = (await Action.findByPk(sent.id))!;
    expect(saved.actorType).to.equal('Document');
    expect(saved.actorId).to.equal(doc.uuid);
    expect(saved.targetType).to.equal('Country');
    expect(saved.targetId).to.equal('FR');
    expect(saved.actionObjectId).to.equal(other.uuid);
  });

  it('streams them with the objects loaded', async () => {
    await action.send(doc, { verb: 'was published', target: france, timestamp: at(1) });
    await action.send(ann, { verb: 'edited', actionObject: doc, target: france, timestamp: at(2) });
    await action.send(ann, { verb: 'read', actionObject: other, timestamp: at(3) });

    const byDoc = await actorStream(doc);
    expect(verbs(byDoc.actions)).to.deep.equal(['was published']);
    expect((byDoc.actions[0].actor as Document).title).to.equal('Plan');
    expect(byDoc.actions[0].target).to.be.instanceOf(Country);

    expect(verbs((await targetStream(france)).actions)).to.deep.equal(['edited', 'was published']);
    const onDoc = await actionObjectStream(doc);
    expect(verbs(onDoc.actions)).to.deep.equal(['edited']);
    expect((onDoc.actions[0].actionObject as Document).uuid).to.equal(doc.uuid);
    expect(verbs((await anyStream(doc)).actions)).to.deep.equal(['edited', 'was published']);
    expect(verbs((await modelStream(Document)).actions)).to.deep.equal(['read', 'edited', 'was published']);
    expect(verbs((await modelStream(Country)).actions)).to.deep.equal(['edited', 'was published']);
  });

  it('labels them by their own toString or "<Model> <key>"', async () => {
    expect(labelOf(doc)).to.equal(`Document ${doc.uuid}`);
    expect(labelOf(france)).to.equal('France');
    const sent = await action.send(ann, { verb: 'moved', actionObject: doc, target: france, timestamp: at(0) });
    expect(sent.toString(at(0))).to.equal(`Ann moved Document ${doc.uuid} on France 0 minutes ago`);
  });

  it('can be followed, and feeds show them', async () => {
    await follow(ann, doc, { actorOnly: false, sendAction: false });
    await follow(ann, france, { flag: 'watching', sendAction: false });
    expect(await isFollowing(ann, doc)).to.equal(true);
    expect(await isFollowing(ann, other)).to.equal(false);
    expect((await followers(doc)).followers.map((u) => String(u))).to.deep.equal(['Ann']);
    const followed = (await following(ann)).following;
    expect(followed.map((o) => (o instanceof Document ? o.uuid : (o as Country).code))).to.deep.equal([doc.uuid, 'FR']);
    expect((await following(ann, { models: [Country] })).following.map(String)).to.deep.equal(['France']);

    await action.send(doc, { verb: 'was published', timestamp: at(5) });
    await action.send(france, { verb: 'voted', timestamp: at(6) });
    const bob = await makeUser('Bob');
    await action.send(bob, { verb: 'commented on', target: doc, timestamp: at(7) });
    await action.send(bob, { verb: 'read', actionObject: other, timestamp: at(8) });
    expect(verbs((await userStream(ann)).actions)).to.deep.equal(['commented on', 'voted', 'was published']);

    await unfollow(ann, doc);
    expect(await isFollowing(ann, doc)).to.equal(false);
  });

  it('removes follows of a destroyed UUID or string-keyed object, keeping its actions', async () => {
    await follow(ann, doc);
    await follow(ann, other);
    await follow(ann, france);
    await action.send(ann, { verb: 'edited', actionObject: doc, target: france, timestamp: at(1) });
    const uuid = doc.uuid;
    await doc.destroy();
    await Country.destroy({ where: { code: 'FR' } });
    expect(await Follow.count({ where: { contentType: 'Document' } })).to.equal(1);
    expect(await Follow.count({ where: { contentType: 'Country' } })).to.equal(0);
    const { actions } = await actorStream(ann, { verb: 'edited' });
    expect(actions).to.have.length(1);
    expect(actions[0].actionObject).to.equal(null);
    expect(actions[0].target).to.equal(null);
    expect(actions[0].toString(at(1))).to.equal(`Ann edited Document ${uuid} on Country FR 0 minutes ago`);
  });
});
