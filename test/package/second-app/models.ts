import { DataTypes, Model, type Sequelize } from 'sequelize';

/** The host's users: they act, follow and log in to the admin (`isStaff`). */
export class Member extends Model {
  declare id: number;
  declare name: string;
  declare email: string;
  declare isStaff: boolean;
  override toString(): string {
    return this.name;
  }
}

/** The host's one content model: notes written by members. */
export class Note extends Model {
  declare id: number;
  declare text: string;
  declare authorId: number;
  override toString(): string {
    return `“${this.text}”`;
  }
}

export function initModels(sequelize: Sequelize): void {
  Member.init(
    { id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true }, name: DataTypes.STRING, email: DataTypes.STRING, isStaff: DataTypes.BOOLEAN },
    { sequelize, tableName: 'members' },
  );
  Note.init(
    { id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true }, text: DataTypes.STRING, authorId: DataTypes.INTEGER },
    { sequelize, tableName: 'notes' },
  );
}
