// followers() and following() read one page at a time, oldest follow first: keyset ranges on
// (object, started, id) and (user, started, id). Require it from a migration of your own after
// create-actions-and-follows.cjs (see migrations/20261201000001-actstream-follow-lists.cjs).
'use strict';

module.exports = {
  async up(queryInterface) {
    await queryInterface.addIndex('actstream_follows', ['contentType', 'objectId', 'started', 'id'], {
      name: 'actstream_follows_object_started',
    });
    await queryInterface.addIndex('actstream_follows', ['userId', 'started', 'id'], {
      name: 'actstream_follows_user_started',
    });
  },

  async down(queryInterface) {
    await queryInterface.removeIndex('actstream_follows', 'actstream_follows_user_started');
    await queryInterface.removeIndex('actstream_follows', 'actstream_follows_object_started');
  },
};
