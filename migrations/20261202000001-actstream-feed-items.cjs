'use strict';
// actstream's fan-out-on-write feed tables, from the library's own migration.
module.exports = require('actstream/migrations/create-feed-items.cjs');
