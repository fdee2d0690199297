// actstream/adminjs: the AdminJS side of actstream (a separate entry point, so that the main one
// needs no AdminJS). A resource over a tracked model adds one line:
//   features: [actstreamFeature({ componentLoader })]
export { actstreamFeature, type ActstreamFeature, type ActstreamFeatureOptions, type RecordingOptions } from './feature.js';
export { recordedAsStaff, normalizeWrite, isSuccessfulWrite, NOT_SAVED_MESSAGE, type AlsoRecord, type Recording } from './hooks.js';
export { activityAction, ACTIVITY_PAGE_SIZE, DEFAULT_ACTION_LOG_ID, type ActivityActionOptions } from './activity-action.js';
export { recordActivity, type ActivityPage } from './activity-query.js';
export { actionView, groupView, type ActionView, type GroupView, type ReferenceView } from './action-view.js';
export { ACTIVITY_COMPONENT, registerComponents } from './component-files.js';
export { diffRows, type DiffRow } from './diff.js';
export { createLinks, type Links } from './links.js';
export { linksOf } from './admin-links.js';
export { mergeByTime, comesBefore, type TimedRow } from './merge-by-time.js';
export { coerceNumbers, permittedPayload } from './payload.js';
export { sequelizeModelOf, sequelizeModelOrNull } from './sequelize-model.js';
