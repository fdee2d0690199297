import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import type { User } from './user.js';

/** What a token opens: the JSON API, or only the owner's Atom/RSS feed. */
export type TokenScope = 'api' | 'feed';

/** A user's bearer (or feed) token; only its SHA-256 hash is stored. Not an actstream model. */
export class ApiToken extends Model<InferAttributes<ApiToken>, InferCreationAttributes<ApiToken>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare name: string;
  declare scope: TokenScope;
  declare tokenHash: string;
  declare lastUsedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** The user, when read with `include: ['owner']`. */
  declare owner?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    ApiToken.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        name: { type: DataTypes.STRING(100), allowNull: false, validate: { notEmpty: true } },
        scope: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'api', validate: { isIn: [['api', 'feed']] } },
        tokenHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        lastUsedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'api_tokens' },
    );
  }
}
