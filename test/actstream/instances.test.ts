import { expect } from 'chai';
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic } from 'sequelize';
import { Action } from 'actstream';
import { savedInstances } from '../../actstream/instances.js';
import { actionFromRow, savedAction } from '../../actstream/rows.js';
import { Band, Comment, Concert, Group, Location, User } from '../../models/index.js';
import { database } from '../helpers/database.js';

// Streams build instances from rows without Model#set per attribute (actstream/instances.ts).
// They must be exactly what `bulkBuild(rows, { raw: true, isNewRecord: false })` makes.

class WithField extends Model<InferAttributes<WithField, { omit: "cache" }>, InferCreationAttributes<WithField, { omit: "cache" }>> {
  declare id: CreationOptional<number>;
  declare name: string;
  // A class field: instances hold more than Sequelize's constructor puts there.
  cache = new Map<string, string>();
}

class Flags extends Model<InferAttributes<Flags>, InferCreationAttributes<Flags>> {
  declare id: CreationOptional<number>;
  declare on: boolean;
  declare at: Date | null;
  declare day: string | null;
}

/** An instance's whole own state, Sets and Dates spelled out, so that deep equality sees everything. */
function state(instance: Model): unknown {
  const own = Object.fromEntries(Object.entries(instance));
  return JSON.parse(
    JSON.stringify(own, (_key, value: unknown) => (value instanceof Set ? { set: [...value] } : value instanceof Map ? { map: [...value] } : value)),
  ) as unknown;
}

describe('instances built from rows', () => {
  before(async () => {
    const sequelize = await database();
    WithField.init({ id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true }, name: DataTypes.STRING }, { sequelize, tableName: 'instances_test_fields', timestamps: false });
    Flags.init(
      { id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true }, on: DataTypes.BOOLEAN, at: DataTypes.DATE(3), day: DataTypes.DATEONLY },
      { sequelize, tableName: 'instances_test_flags', timestamps: false },
    );
  });

  const rows: [ModelStatic<Model>, Record<string, unknown>][] = [
    [User, { id: 3, email: 'a@example.test', name: 'Ann', passwordHash: null, isStaff: 1, createdAt: new Date(1), updatedAt: new Date(2) }],
    [Group, { id: 4, name: 'G', createdAt: new Date(3), updatedAt: new Date(4) }],
    [Comment, { id: 5, text: 'hi', authorId: 3, groupId: null, createdAt: new Date(5), updatedAt: new Date(6) }],
    [Band, { id: 6, name: 'B', createdAt: new Date(7), updatedAt: new Date(8) }],
    [Location, { id: 7, name: 'L', city: 'Lyon', createdAt: new Date(9), updatedAt: new Date(10) }],
    [Concert, { id: 8, title: 'T', date: new Date(11), bandId: 6, locationId: 7, createdAt: new Date(12), updatedAt: new Date(13) }],
    [Flags, { id: 9, on: 0, at: null, day: '2026-01-02' }],
    [Flags, { id: 10, on: 'true', at: new Date(14), day: null }],
    [WithField, { id: 11, name: 'w' }],
  ];

  for (const [model, row] of rows) {
    it(`${model.name} ${row.id}: the same instance as bulkBuild makes`, () => {
      const [expected] = model.bulkBuild([{ ...row }], { raw: true, isNewRecord: false });
      const [got] = savedInstances(model, [{ ...row }]);
      expect(Object.getPrototypeOf(got)).to.equal(model.prototype);
      expect(state(got)).to.deep.equal(state(expected));
      expect(got.get({ plain: true })).to.deep.equal(expected.get({ plain: true }));
      expect(got.changed()).to.equal(false);
      expect(got.isNewRecord).to.equal(false);
    });
  }

  it('keeps class fields, by building such models with bulkBuild', () => {
    const [got] = savedInstances(WithField, [{ id: 1, name: 'x' }]);
    expect(got.cache).to.be.instanceOf(Map);
  });

  it('builds an Action from a row that reads, changes and saves like any other', async () => {
    const values = {
      id: 12,
      actorType: 'User',
      actorId: '3',
      verb: 'joined',
      description: null,
      targetType: 'Group',
      targetId: '4',
      actionObjectType: null,
      actionObjectId: null,
      timestamp: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
      public: true,
      data: { n: 1 },
    };
    const expected = Action.build({ ...values }, { raw: true, isNewRecord: false });
    const got = savedAction({ ...values });
    expect(state(got)).to.deep.equal(state(expected));
    expect(got.toString(values.timestamp)).to.equal(expected.toString(values.timestamp));
    got.verb = 'left';
    expect(got.changed()).to.deep.equal(['verb']);
    expect(got.previous('verb')).to.equal('joined');
  });

  it('reads an action row as every driver returns it', () => {
    const sqlite = actionFromRow([1, 'User', '3', 'v', null, null, null, null, null, '2026-01-02 03:04:05.006 +00:00', 1, '{"a":[1]}']);
    const postgres = actionFromRow([1, 'User', '3', 'v', null, null, null, null, null, new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), true, { a: [1] }]);
    expect(state(sqlite)).to.deep.equal(state(postgres));
    expect(sqlite.timestamp.toISOString()).to.equal('2026-01-02T03:04:05.006Z');
    expect(actionFromRow([2, 'User', '3', 'v', null, null, null, null, null, '2026-01-02 03:04:05', 0, null]).timestamp.toISOString()).to.equal('2026-01-02T03:04:05.000Z');
  });
});
