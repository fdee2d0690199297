import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import type { Band } from './band.js';
import type { Location } from './location.js';

export class Concert extends Model<InferAttributes<Concert>, InferCreationAttributes<Concert>> {
  declare id: CreationOptional<number>;
  declare title: CreationOptional<string | null>;
  declare date: Date;
  declare bandId: ForeignKey<Band['id']>;
  declare locationId: ForeignKey<Location['id']>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare band?: NonAttribute<Band>;
  declare location?: NonAttribute<Location>;

  override toString(): string {
    return this.title || `Concert ${this.id}`;
  }

  static initModel(sequelize: Sequelize): void {
    Concert.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        title: { type: DataTypes.STRING(255), allowNull: true },
        date: { type: DataTypes.DATE, allowNull: false, validate: { isDate: true } },
        bandId: { type: DataTypes.INTEGER, allowNull: false },
        locationId: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'concerts' },
    );
  }
}
