// actstream's tables, as a sequelize-cli / umzug migration. A library user requires this file
// from a migration of their own (see migrations/20261127000001-actstream.cjs).
'use strict';

const ID = 100; // generic ids are strings: integer, UUID and string keys all fit
const TYPE = 100;

/** JSONB on PostgreSQL (json has no equality there), JSON elsewhere. */
function jsonType(queryInterface, Sequelize) {
  return queryInterface.sequelize.getDialect() === 'postgres' ? Sequelize.JSONB : Sequelize.JSON;
}

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('actstream_actions', {
      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      actorType: { type: Sequelize.STRING(TYPE), allowNull: false },
      actorId: { type: Sequelize.STRING(ID), allowNull: false },
      verb: { type: Sequelize.STRING(255), allowNull: false },
      description: { type: Sequelize.TEXT, allowNull: true },
      targetType: { type: Sequelize.STRING(TYPE), allowNull: true },
      targetId: { type: Sequelize.STRING(ID), allowNull: true },
      actionObjectType: { type: Sequelize.STRING(TYPE), allowNull: true },
      actionObjectId: { type: Sequelize.STRING(ID), allowNull: true },
      timestamp: { type: Sequelize.DATE(3), allowNull: false },
      public: { type: Sequelize.BOOLEAN, allowNull: false, defaultValue: true },
      data: { type: jsonType(queryInterface, Sequelize), allowNull: true },
    });
    // One index per stream, each ending in (public, timestamp, id) so a page is a short index range.
    const streams = {
      actor: ['actorType', 'actorId'],
      target: ['targetType', 'targetId'],
      action_object: ['actionObjectType', 'actionObjectId'],
      actor_type: ['actorType'],
      target_type: ['targetType'],
      action_object_type: ['actionObjectType'],
      public: [],
    };
    for (const [name, prefix] of Object.entries(streams)) {
      await queryInterface.addIndex('actstream_actions', [...prefix, 'public', 'timestamp', 'id'], {
        name: `actstream_actions_${name}`,
      });
    }

    await queryInterface.createTable('actstream_follows', {
      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      userId: { type: Sequelize.STRING(ID), allowNull: false },
      contentType: { type: Sequelize.STRING(TYPE), allowNull: false },
      objectId: { type: Sequelize.STRING(ID), allowNull: false },
      actorOnly: { type: Sequelize.BOOLEAN, allowNull: false, defaultValue: true },
      flag: { type: Sequelize.STRING(100), allowNull: false, defaultValue: '' },
      started: { type: Sequelize.DATE(3), allowNull: false },
    });
    await queryInterface.addIndex('actstream_follows', ['userId', 'contentType', 'objectId', 'flag'], {
      name: 'actstream_follows_unique',
      unique: true,
    });
    await queryInterface.addIndex('actstream_follows', ['contentType', 'objectId', 'flag'], {
      name: 'actstream_follows_object',
    });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('actstream_follows');
    await queryInterface.dropTable('actstream_actions');
  },
};
