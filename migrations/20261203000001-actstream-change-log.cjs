'use strict';
// actstream's change log (deleted actions and notifications, read-state changes) for live streams.
module.exports = require('actstream/migrations/create-change-log.cjs');
