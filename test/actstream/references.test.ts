import { expect } from 'chai';
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import { action, actorStream, loadObjects, registry } from 'actstream';
import { database, resetDatabase } from '../helpers/database.js';
import { at } from './fixtures.js';

// Streams read referenced objects with their own statement by primary key; the instances must be
// the ones findAll gives: typed dates and JSON, column names mapped, virtual and scoped attributes kept.

class Gadget extends Model<InferAttributes<Gadget>, InferCreationAttributes<Gadget>> {
  declare id: CreationOptional<number>;
  declare label: string;
  declare releasedOn: Date;
  declare day: string | null;
  declare specs: Record<string, unknown> | null;
  declare active: boolean;
  declare shout: CreationOptional<string>;
}

class Archived extends Model<InferAttributes<Archived>, InferCreationAttributes<Archived>> {
  declare id: CreationOptional<number>;
  declare name: string;
}

const TABLES = ['references_test_gadgets', 'references_test_archived'];

describe('loading referenced objects', () => {
  let gadgets: Gadget[];

  before(async () => {
    const sequelize = await database();
    Gadget.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        label: { type: DataTypes.STRING, allowNull: false, field: 'gadget_label' },
        releasedOn: { type: DataTypes.DATE(3), allowNull: false, field: 'released_on' },
        day: { type: DataTypes.DATEONLY, allowNull: true },
        specs: { type: DataTypes.JSON, allowNull: true },
        active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        shout: {
          type: DataTypes.VIRTUAL,
          get(this: Gadget) {
            return `${this.label.toUpperCase()}!`;
          },
        },
      },
      { sequelize, tableName: TABLES[0], timestamps: false },
    );
    Archived.init(
      { id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true }, name: { type: DataTypes.STRING, allowNull: false } },
      { sequelize, tableName: TABLES[1], paranoid: true, timestamps: true },
    );
    await Gadget.sync({ force: true });
    await Archived.sync({ force: true });
    registry.register(Gadget, Archived);
  });
  after(async () => {
    registry.unregister(Gadget, Archived);
    await Gadget.drop();
    await Archived.drop();
  });
  beforeEach(async () => {
    await resetDatabase(TABLES);
    gadgets = [
      await Gadget.create({ label: 'lamp', releasedOn: at(5), day: '2026-03-04', specs: { watts: 40, tags: ['a', 'b'] }, active: true }),
      await Gadget.create({ label: 'fan', releasedOn: at(7), day: null, specs: null, active: false }),
    ];
  });

  it('gives the same attribute values as findAll, dates and JSON typed, mapped columns and getters working', async () => {
    const loaded = await loadObjects(gadgets.map((g) => ({ type: 'Gadget', id: String(g.id) })));
    const expected = await Gadget.findAll({ order: [['id', 'ASC']] });
    for (const want of expected) {
      const got = loaded.get(`Gadget\0${want.id}`) as Gadget;
      expect(got).to.be.instanceOf(Gadget);
      expect(got.isNewRecord).to.equal(false);
      expect(got.releasedOn).to.be.instanceOf(Date);
      expect(got.releasedOn.getTime()).to.equal(want.releasedOn.getTime());
      expect(got.label).to.equal(want.label);
      expect(got.day).to.equal(want.day);
      expect(got.specs).to.deep.equal(want.specs);
      expect(Boolean(got.active)).to.equal(Boolean(want.active));
      expect(got.shout).to.equal(want.shout);
    }
    expect((loaded.get(`Gadget\0${gadgets[0].id}`) as Gadget).specs).to.deep.equal({ watts: 40, tags: ['a', 'b'] });
  });

  it('loads the objects of a stream page, and a loaded object saves like any other', async () => {
    await action.send(gadgets[0], { verb: 'was switched on', target: gadgets[1], timestamp: at(9) });
    const [sent] = (await actorStream(gadgets[0])).actions;
    const target = sent.target as Gadget;
    expect(target.label).to.equal('fan');
    target.label = 'big fan';
    await target.save();
    expect((await Gadget.findByPk(gadgets[1].id))!.label).to.equal('big fan');
  });

  it('leaves soft-deleted objects of a paranoid model unresolved, as findAll would', async () => {
    const kept = await Archived.create({ name: 'kept' });
    const gone = await Archived.create({ name: 'gone' });
    await gone.destroy();
    const loaded = await loadObjects([kept, gone].map((a) => ({ type: 'Archived', id: String(a.id) })));
    expect([...loaded.keys()]).to.deep.equal([`Archived\0${kept.id}`]);
  });
});
