'use strict';
// Login sessions (admin and API share them), kept in the database so a restart logs no one out.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('sessions', {
      sid: { type: Sequelize.STRING(36), primaryKey: true, allowNull: false },
      expires: { type: Sequelize.DATE, allowNull: true },
      data: { type: Sequelize.TEXT, allowNull: true },
      createdAt: { type: Sequelize.DATE, allowNull: false },
      updatedAt: { type: Sequelize.DATE, allowNull: false },
    });
    await queryInterface.addIndex('sessions', ['expires']);
  },
  async down(queryInterface) {
    await queryInterface.dropTable('sessions');
  },
};
