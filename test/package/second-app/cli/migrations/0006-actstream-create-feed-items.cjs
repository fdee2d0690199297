'use strict';
// One of actstream's shipped migrations, in the order the package lists (MIGRATION_FILES).
module.exports = require('actstream/migrations/create-feed-items.cjs');
