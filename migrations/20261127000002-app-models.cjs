'use strict';
// The app's own models: the seed's world of users, groups, comments, bands, locations and concerts.

function timestamps(Sequelize) {
  return {
    createdAt: { type: Sequelize.DATE, allowNull: false },
    updatedAt: { type: Sequelize.DATE, allowNull: false },
  };
}

function id(Sequelize) {
  return { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false };
}

function reference(Sequelize, table, allowNull, onDelete) {
  return { type: Sequelize.INTEGER, allowNull, references: { model: table, key: 'id' }, onDelete, onUpdate: 'CASCADE' };
}

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('users', {
      id: id(Sequelize),
      email: { type: Sequelize.STRING(255), allowNull: false, unique: true },
      name: { type: Sequelize.STRING(255), allowNull: false },
      passwordHash: { type: Sequelize.STRING(255), allowNull: true },
      isStaff: { type: Sequelize.BOOLEAN, allowNull: false, defaultValue: false },
      ...timestamps(Sequelize),
    });
    await queryInterface.createTable('groups', {
      id: id(Sequelize),
      name: { type: Sequelize.STRING(255), allowNull: false, unique: true },
      ...timestamps(Sequelize),
    });
    await queryInterface.createTable('comments', {
      id: id(Sequelize),
      text: { type: Sequelize.TEXT, allowNull: false },
      authorId: reference(Sequelize, 'users', true, 'SET NULL'),
      groupId: reference(Sequelize, 'groups', true, 'SET NULL'),
      ...timestamps(Sequelize),
    });
    await queryInterface.createTable('bands', {
      id: id(Sequelize),
      name: { type: Sequelize.STRING(255), allowNull: false },
      ...timestamps(Sequelize),
    });
    await queryInterface.createTable('locations', {
      id: id(Sequelize),
      name: { type: Sequelize.STRING(255), allowNull: false },
      city: { type: Sequelize.STRING(255), allowNull: true },
      ...timestamps(Sequelize),
    });
    await queryInterface.createTable('concerts', {
      id: id(Sequelize),
      title: { type: Sequelize.STRING(255), allowNull: true },
      date: { type: Sequelize.DATE, allowNull: false },
      bandId: reference(Sequelize, 'bands', false, 'CASCADE'),
      locationId: reference(Sequelize, 'locations', false, 'CASCADE'),
      ...timestamps(Sequelize),
    });
    await queryInterface.addIndex('comments', ['groupId']);
    await queryInterface.addIndex('concerts', ['bandId']);
    await queryInterface.addIndex('concerts', ['locationId']);
  },

  async down(queryInterface) {
    for (const table of ['concerts', 'locations', 'bands', 'comments', 'groups', 'users']) {
      await queryInterface.dropTable(table);
    }
  },
};
