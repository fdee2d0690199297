import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

// The notification tables (actstream/migrations/create-notifications.cjs) as Sequelize models, for
// the portable statements (read state, clean-up) and for `sequelize.sync()` in a prototype. The
// hot reads and the fan-out are hand-written (notification-queries.ts).

/** An action addressed to a user. */
export class ActionNotification extends Model<InferAttributes<ActionNotification>, InferCreationAttributes<ActionNotification>> {
  declare id: CreationOptional<number>;
  declare userId: string;
  declare actionId: number;
  /** When the user was notified. */
  declare timestamp: CreationOptional<Date>;
}

/** Per user: every notification with an id up to `readUpTo` is read (unless overridden). */
export class NotificationMarker extends Model<InferAttributes<NotificationMarker>, InferCreationAttributes<NotificationMarker>> {
  declare userId: string;
  declare readUpTo: number;
}

/** One notification marked read above the marker, or unread below it. */
export class NotificationOverride extends Model<InferAttributes<NotificationOverride>, InferCreationAttributes<NotificationOverride>> {
  declare userId: string;
  declare notificationId: number;
  declare isRead: boolean;
}

export function defineNotificationModels(sequelize: Sequelize): void {
  ActionNotification.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      userId: { type: DataTypes.STRING(100), allowNull: false },
      actionId: { type: DataTypes.INTEGER, allowNull: false },
      timestamp: { type: DataTypes.DATE(3), allowNull: false, defaultValue: DataTypes.NOW },
    },
    {
      sequelize,
      modelName: 'ActionNotification',
      tableName: 'actstream_notifications',
      timestamps: false,
      indexes: [
        { name: 'actstream_notifications_user', fields: ['userId', 'id'] },
        { name: 'actstream_notifications_action', fields: ['actionId', 'userId'], unique: true },
      ],
    },
  );
  NotificationMarker.init(
    {
      userId: { type: DataTypes.STRING(100), primaryKey: true },
      readUpTo: { type: DataTypes.INTEGER, allowNull: false },
    },
    { sequelize, modelName: 'NotificationMarker', tableName: 'actstream_notification_markers', timestamps: false },
  );
  NotificationOverride.init(
    {
      userId: { type: DataTypes.STRING(100), primaryKey: true },
      notificationId: { type: DataTypes.INTEGER, primaryKey: true },
      isRead: { type: DataTypes.BOOLEAN, allowNull: false },
    },
    {
      sequelize,
      modelName: 'NotificationOverride',
      tableName: 'actstream_notification_overrides',
      timestamps: false,
      indexes: [{ name: 'actstream_notification_overrides_notification', fields: ['notificationId'] }],
    },
  );
}
