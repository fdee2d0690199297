import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import { labelOf, labelOfReference } from './labels.js';
import { actionDataType } from './sql/index.js';
import { timesince } from './timesince.js';

/** JSON data attached to an action. */
export type ActionData = Record<string, unknown>;

/** `<actor> <verb> [<action object>] [on <target>] <time>`, with generic references to registered models. */
export class Action extends Model<InferAttributes<Action>, InferCreationAttributes<Action>> {
  declare id: CreationOptional<number>;
  declare actorType: string;
  declare actorId: string;
  declare verb: string;
  declare description: CreationOptional<string | null>;
  declare targetType: CreationOptional<string | null>;
  declare targetId: CreationOptional<string | null>;
  declare actionObjectType: CreationOptional<string | null>;
  declare actionObjectId: CreationOptional<string | null>;
  declare timestamp: CreationOptional<Date>;
  declare public: CreationOptional<boolean>;
  declare data: CreationOptional<ActionData | null>;

  /** The referenced objects, once loaded (streams load them); null when the object was deleted. */
  declare actor?: NonAttribute<Model | null>;
  declare target?: NonAttribute<Model | null>;
  declare actionObject?: NonAttribute<Model | null>;

  /** Labels of the three references; a deleted or unloaded object reads as "<Model> <id>". */
  get actorLabel(): NonAttribute<string> {
    return this.actor ? labelOf(this.actor) : labelOfReference(this.actorType, this.actorId);
  }

  get targetLabel(): NonAttribute<string | null> {
    if (this.targetType === null || this.targetId === null) return null;
    return this.target ? labelOf(this.target) : labelOfReference(this.targetType, this.targetId);
  }

  get actionObjectLabel(): NonAttribute<string | null> {
    if (this.actionObjectType === null || this.actionObjectId === null) return null;
    return this.actionObject ? labelOf(this.actionObject) : labelOfReference(this.actionObjectType, this.actionObjectId);
  }

  /** The sentence, as django-activity-stream writes it: "<actor> <verb> <object> on <target> 3 hours ago". */
  override toString(now: Date = new Date()): string {
    const words = [this.actorLabel, this.verb];
    const actionObject = this.actionObjectLabel;
    const target = this.targetLabel;
    if (actionObject !== null) words.push(actionObject);
    if (target !== null) words.push(actionObject !== null ? `on ${target}` : target);
    words.push(`${timesince(this.timestamp, now)} ago`);
    return words.join(' ');
  }
}

/** A user following an object, optionally under a flag ("liking", "watching", …). */
export class Follow extends Model<InferAttributes<Follow>, InferCreationAttributes<Follow>> {
  declare id: CreationOptional<number>;
  declare userId: string;
  declare contentType: string;
  declare objectId: string;
  declare actorOnly: CreationOptional<boolean>;
  declare flag: CreationOptional<string>;
  declare started: CreationOptional<Date>;
}

/** Defines Action and Follow on `sequelize` (same tables as actstream/migrations). */
export function defineModels(sequelize: Sequelize): void {
  const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
  Action.init(
    {
      id,
      actorType: { type: DataTypes.STRING(100), allowNull: false },
      actorId: { type: DataTypes.STRING(100), allowNull: false },
      verb: { type: DataTypes.STRING(255), allowNull: false },
      description: { type: DataTypes.TEXT, allowNull: true, defaultValue: null },
      targetType: { type: DataTypes.STRING(100), allowNull: true, defaultValue: null },
      targetId: { type: DataTypes.STRING(100), allowNull: true, defaultValue: null },
      actionObjectType: { type: DataTypes.STRING(100), allowNull: true, defaultValue: null },
      actionObjectId: { type: DataTypes.STRING(100), allowNull: true, defaultValue: null },
      timestamp: { type: DataTypes.DATE(3), allowNull: false, defaultValue: DataTypes.NOW },
      public: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      data: {
        type: actionDataType(sequelize),
        allowNull: true,
        defaultValue: null,
        // MariaDB stores JSON as LONGTEXT and hands it back as a string.
        get(this: Action): ActionData | null {
          const raw: unknown = this.getDataValue('data');
          return typeof raw === 'string' ? (JSON.parse(raw) as ActionData) : (raw as ActionData | null);
        },
      },
    },
    { sequelize, modelName: 'Action', tableName: 'actstream_actions', timestamps: false },
  );

  Follow.init(
    {
      id,
      userId: { type: DataTypes.STRING(100), allowNull: false },
      contentType: { type: DataTypes.STRING(100), allowNull: false },
      objectId: { type: DataTypes.STRING(100), allowNull: false },
      actorOnly: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      flag: { type: DataTypes.STRING(100), allowNull: false, defaultValue: '' },
      started: { type: DataTypes.DATE(3), allowNull: false, defaultValue: DataTypes.NOW },
    },
    { sequelize, modelName: 'Follow', tableName: 'actstream_follows', timestamps: false },
  );
}
