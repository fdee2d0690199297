'use strict';
// actstream's indexes for paged follower and following lists.
module.exports = require('actstream/migrations/add-follow-list-indexes.cjs');
