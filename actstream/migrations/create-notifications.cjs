// actstream's notification tables (added after create-actions-and-follows.cjs), as a sequelize-cli /
// umzug migration. A library user requires this file from a migration of their own (see
// migrations/20261130000012-actstream-notifications.cjs).
'use strict';

const ID = 100; // a user's id as actstream stores references: a string

module.exports = {
  async up(queryInterface, Sequelize) {
    // One row per (action, user) it was addressed to. `timestamp` is when the user was notified;
    // pages run newest first by id (the order notifications arrived in).
    await queryInterface.createTable('actstream_notifications', {
      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      userId: { type: Sequelize.STRING(ID), allowNull: false },
      actionId: { type: Sequelize.INTEGER, allowNull: false },
      timestamp: { type: Sequelize.DATE(3), allowNull: false },
    });
    // A user's page and unread count: one short range of this index.
    await queryInterface.addIndex('actstream_notifications', ['userId', 'id'], { name: 'actstream_notifications_user' });
    // A user hears of an action once; deleting an action finds its notifications here.
    await queryInterface.addIndex('actstream_notifications', ['actionId', 'userId'], {
      name: 'actstream_notifications_action',
      unique: true,
    });

    // Read state: everything up to `readUpTo` (a notification id) is read ...
    await queryInterface.createTable('actstream_notification_markers', {
      userId: { type: Sequelize.STRING(ID), primaryKey: true, allowNull: false },
      readUpTo: { type: Sequelize.INTEGER, allowNull: false },
    });
    // ... except where one notification was marked otherwise: read above the marker, unread below it.
    await queryInterface.createTable('actstream_notification_overrides', {
      userId: { type: Sequelize.STRING(ID), primaryKey: true, allowNull: false },
      notificationId: { type: Sequelize.INTEGER, primaryKey: true, allowNull: false },
      isRead: { type: Sequelize.BOOLEAN, allowNull: false },
    });
    await queryInterface.addIndex('actstream_notification_overrides', ['notificationId'], {
      name: 'actstream_notification_overrides_notification',
    });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('actstream_notification_overrides');
    await queryInterface.dropTable('actstream_notification_markers');
    await queryInterface.dropTable('actstream_notifications');
  },
};
