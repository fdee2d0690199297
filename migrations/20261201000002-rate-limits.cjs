'use strict';
// Rate limit counters shared by every process that serves the app (auth/rate-limit-store.ts).
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('rate_limits', {
      key: { type: Sequelize.STRING(255), primaryKey: true, allowNull: false },
      hits: { type: Sequelize.INTEGER, allowNull: false },
      resetAt: { type: Sequelize.DATE(3), allowNull: false },
    });
  },
  async down(queryInterface) {
    await queryInterface.dropTable('rate_limits');
  },
};
