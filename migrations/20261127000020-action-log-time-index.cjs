'use strict';
// The admin's Action log and dashboard list every action newest first; actstream's own indexes all
// start with a type or `public`, so without this one each page sorts the whole table (bench/admin.ts).
module.exports = {
  async up(queryInterface) {
    await queryInterface.addIndex('actstream_actions', ['timestamp', 'id'], { name: 'actstream_actions_timestamp' });
  },
  async down(queryInterface) {
    await queryInterface.removeIndex('actstream_actions', 'actstream_actions_timestamp');
  },
};
