'use strict';
// actstream's notification tables, from the library's own migration.
module.exports = require('actstream/migrations/create-notifications.cjs');
