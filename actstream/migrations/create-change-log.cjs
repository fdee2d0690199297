// actstream's change log: what live streams (server/events) cannot read from the actions and
// notifications tables because the rows are gone or were only updated. One row per deleted action
// ('action.deleted', with the references live streams match on), per deleted notification
// ('notification.deleted', for its user) and per change of a user's read state ('notifications.read'),
// each written in the transaction of the change. Live streams read it as a log by `id`; rows older
// than a retention window are pruned (pruneChangeLog). A library user requires this file from a
// migration of their own.
'use strict';

const TABLE = 'actstream_change_log';

module.exports = {
  async up(queryInterface, Sequelize) {
    const ref = () => ({ type: Sequelize.STRING(100), allowNull: true });
    await queryInterface.createTable(TABLE, {
      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      kind: { type: Sequelize.STRING(30), allowNull: false },
      actionId: { type: Sequelize.INTEGER, allowNull: true },
      notificationId: { type: Sequelize.INTEGER, allowNull: true },
      userId: { type: Sequelize.STRING(100), allowNull: true },
      public: { type: Sequelize.BOOLEAN, allowNull: true },
      actorType: ref(),
      actorId: ref(),
      targetType: ref(),
      targetId: ref(),
      actionObjectType: ref(),
      actionObjectId: ref(),
      at: { type: Sequelize.DATE(3), allowNull: false },
    });
    // Pruning walks the oldest rows.
    await queryInterface.addIndex(TABLE, ['at'], { name: 'actstream_change_log_at' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable(TABLE);
  },
};
