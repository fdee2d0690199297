// actstream's fan-out-on-write feed (setup({ feed: 'write' }), see actstream/feed.ts): each user's
// feed as rows written when an action is sent, read as one index range. Require it from a
// migration of your own after create-actions-and-follows.cjs (see
// migrations/20261202000001-actstream-feed-items.cjs). Harmless in the default read mode: empty.
'use strict';

const ID = 100; // ids as actstream stores references: strings

module.exports = {
  async up(queryInterface, Sequelize) {
    // One row per (user, action in their feed). The primary key is the page's order: a feed page
    // is one range of it, newest first; it also makes an action land in a feed once.
    await queryInterface.createTable('actstream_feed_items', {
      userId: { type: Sequelize.STRING(ID), primaryKey: true, allowNull: false },
      timestamp: { type: Sequelize.DATE(3), primaryKey: true, allowNull: false },
      actionId: { type: Sequelize.INTEGER, primaryKey: true, allowNull: false },
    });
    // Deleting actions (pruneActions, a destroy) finds their feed rows here.
    await queryInterface.addIndex('actstream_feed_items', ['actionId'], { name: 'actstream_feed_items_action' });

    // Where a user's items stop being complete (trimmed to the newest N, or a follow whose object
    // had more than N actions): older pages are read from the follows. No row: complete.
    await queryInterface.createTable('actstream_feed_horizons', {
      userId: { type: Sequelize.STRING(ID), primaryKey: true, allowNull: false },
      timestamp: { type: Sequelize.DATE(3), allowNull: false },
    });

    // Objects with very many followers: never copied into feeds, read at read time instead.
    await queryInterface.createTable('actstream_feed_hot_objects', {
      contentType: { type: Sequelize.STRING(ID), primaryKey: true, allowNull: false },
      objectId: { type: Sequelize.STRING(ID), primaryKey: true, allowNull: false },
    });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('actstream_feed_hot_objects');
    await queryInterface.dropTable('actstream_feed_horizons');
    await queryInterface.dropTable('actstream_feed_items');
  },
};
