'use strict';
// API bearer tokens and feed tokens: only a SHA-256 hash of each token is kept, never the token.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('api_tokens', {
      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      userId: {
        type: Sequelize.INTEGER,
        allowNull: false,
        references: { model: 'users', key: 'id' },
        onDelete: 'CASCADE',
        onUpdate: 'CASCADE',
      },
      name: { type: Sequelize.STRING(100), allowNull: false },
      scope: { type: Sequelize.STRING(10), allowNull: false, defaultValue: 'api' },
      tokenHash: { type: Sequelize.STRING(64), allowNull: false, unique: true },
      lastUsedAt: { type: Sequelize.DATE, allowNull: true },
      createdAt: { type: Sequelize.DATE, allowNull: false },
      updatedAt: { type: Sequelize.DATE, allowNull: false },
    });
    await queryInterface.addIndex('api_tokens', ['userId']);
  },
  async down(queryInterface) {
    await queryInterface.dropTable('api_tokens');
  },
};
