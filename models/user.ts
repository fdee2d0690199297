import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { hashPassword, verifyPassword } from './password.js';

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare name: string;
  declare passwordHash: CreationOptional<string | null>;
  declare isStaff: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  async setPassword(password: string): Promise<void> {
    this.passwordHash = await hashPassword(password);
  }

  checkPassword(password: string): Promise<boolean> {
    return verifyPassword(password, this.passwordHash);
  }

  override toString(): string {
    return this.name;
  }

  static initModel(sequelize: Sequelize): void {
    User.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        email: {
          type: DataTypes.STRING(255),
          allowNull: false,
          unique: true,
          validate: { isEmail: true },
          // One spelling per address, so logins and uniqueness agree.
          set(this: User, value: unknown) {
            this.setDataValue('email', typeof value === 'string' ? value.trim().toLowerCase() : (value as string));
          },
        },
        name: { type: DataTypes.STRING(255), allowNull: false, validate: { notEmpty: true } },
        passwordHash: { type: DataTypes.STRING(255), allowNull: true },
        isStaff: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'users', defaultScope: {} },
    );
  }
}
