'use strict';
// actstream ships its own migration; the app runs it like any other.
module.exports = require('actstream/migrations/create-actions-and-follows.cjs');
