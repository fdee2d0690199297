'use strict';
// actstream's second migration, run like any other (see actstream/migrations/timestamp-index.cjs).
module.exports = require('actstream/migrations/timestamp-index.cjs');
