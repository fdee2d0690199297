import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { Group } from './group.js';
import type { User } from './user.js';

// No toString of its own: a comment reads as "Comment <id>".
export class Comment extends Model<InferAttributes<Comment>, InferCreationAttributes<Comment>> {
  declare id: CreationOptional<number>;
  declare text: string;
  declare authorId: ForeignKey<User['id']> | null;
  declare groupId: ForeignKey<Group['id']> | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Comment.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        text: { type: DataTypes.TEXT, allowNull: false, validate: { notEmpty: true } },
        authorId: { type: DataTypes.INTEGER, allowNull: true },
        groupId: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'comments' },
    );
  }
}
