// actstream's second migration: the index that walks all actions newest first is (timestamp, id).
// It replaces actstream_actions_public (public, timestamp, id) from the first migration, which
// only the user feed's walk used: that walk reads public actions newest first, and on (timestamp,
// id) it does the same in the same index entries (nearly every action is public). One index
// fewer per row; and apps listing every action newest first (an admin log) need (timestamp, id)
// anyway. A library user requires this file from a migration of their own, after the first one.
'use strict';

const TABLE = 'actstream_actions';
const TIMESTAMP_INDEX = 'actstream_actions_timestamp';
const PUBLIC_INDEX = 'actstream_actions_public';

async function indexNames(queryInterface) {
  const indexes = await queryInterface.showIndex(TABLE);
  return new Set(indexes.map((index) => index.name));
}

module.exports = {
  async up(queryInterface) {
    const names = await indexNames(queryInterface);
    // An app may have made it already (this app's migrations/20261127000020-action-log-time-index.cjs).
    if (!names.has(TIMESTAMP_INDEX)) await queryInterface.addIndex(TABLE, ['timestamp', 'id'], { name: TIMESTAMP_INDEX });
    if (names.has(PUBLIC_INDEX)) await queryInterface.removeIndex(TABLE, PUBLIC_INDEX);
  },

  async down(queryInterface) {
    // The (timestamp, id) index stays: it may predate this migration.
    const names = await indexNames(queryInterface);
    if (!names.has(PUBLIC_INDEX)) await queryInterface.addIndex(TABLE, ['public', 'timestamp', 'id'], { name: PUBLIC_INDEX });
  },
};
