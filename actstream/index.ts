// actstream: activity streams on Sequelize. Knows Sequelize only (no Express; AdminJS only in
// the separate entry point actstream/adminjs). The package's main entry point (`import … from 'actstream'`).
export { setup, type SetupOptions } from './setup.js';
export type { SqlMode } from './sql/index.js';
/** For SQLite: hand to Sequelize as `dialectModule` (better-sqlite3 behind node-sqlite3's API). */
export { sqliteDriver } from './sql/sqlite-driver.js';
export { registry, type AnyModel, type Reference } from './registry.js';
export { NotRegisteredError, InvalidCursorError, ActstreamArgumentError, NotSetUpError } from './errors.js';
export { Action, Follow, type ActionData } from './models.js';
export { action, type SendOptions, type SendManyItem } from './actions.js';
export {
  follow,
  unfollow,
  isFollowing,
  followers,
  followerCount,
  following,
  DEFAULT_FOLLOW_LIMIT,
  MAX_FOLLOW_LIMIT,
  type FollowOptions,
  type UnfollowOptions,
  type FlagOption,
  type FollowListOptions,
  type FollowingOptions,
  type FollowersPage,
  type FollowingPage,
} from './follows.js';
export {
  actorStream,
  targetStream,
  actionObjectStream,
  anyStream,
  modelStream,
  userStream,
  DEFAULT_LIMIT,
  MAX_LIMIT,
  type StreamOptions,
  type UserStreamOptions,
  type StreamPage,
  type StreamSubject,
} from './streams.js';
export { loadReferences, loadObjects, referencesOf, referenceKey } from './references.js';
export { objectVersions, versionOf } from './versions.js';
export { labelOf, labelOfReference } from './labels.js';
export { timesince } from './timesince.js';
export { withActor, currentActor, withoutTracking, whenTrackingFails, type TrackingFailureHandler } from './context.js';
export { atomically, TransactionNamespace } from './transactions.js';
export {
  trackModel,
  changesOf,
  updateRecord,
  type TrackOptions,
  type FieldChange,
  type UpdateRecord,
  type RecordedAction,
} from './tracking.js';
export {
  visibleData,
  canSee,
  seesPrivate,
  isAbout,
  publicData,
  privateData,
  PRIVATE_KEY,
  type Viewer,
  type VisibilityFacts,
} from './visibility.js';
export { trimFeeds, rebuildFeed } from './feed.js';
export type { FeedMode } from './settings.js';
export { pruneActions, type PruneOptions, type PruneResult } from './retention.js';
export {
  partitionActionsTable,
  ensureActionPartitions,
  isActionsTablePartitioned,
  monthPartitions,
  type ActionPartition,
  type PartitionOptions,
} from './sql/partitions.js';
export { notify, type Recipients, type FollowersOf, type NotifyOptions } from './notify.js';
export {
  notifications,
  unreadCount,
  markRead,
  markItemRead,
  type NotificationOptions,
  type NotificationItem,
  type NotificationGroup,
  type NotificationPage,
  type UnreadCount,
} from './notifications.js';
export { ActionNotification, NotificationMarker, NotificationOverride } from './notification-models.js';
export {
  ActionGroup,
  groupActions,
  groupedStream,
  DEFAULT_GROUP_WINDOW_MS,
  MAX_GROUPED_SCAN,
  type GroupingOptions,
  type GroupActor,
  type GroupedPage,
} from './grouping.js';
// Live streams: the actions log read in id order, positions with gaps, and the wake-up signal.
export { ActionLogTail, LogTail, actionsLog, readSince, DEFAULT_SETTLE_MS, type LogSource } from './live-tail.js';
export { notificationsLog, changeLog, type ChangeLogRow, type DeletedActionFacts, type NotificationLogRow } from './live-logs.js';
export { encodeCursor, decodeCursor, type LiveCursor, type LiveCursorFrom } from './live-cursor.js';
export { pruneChangeLog, recordDeletions } from './change-log.js';
export { advance, isUnseen, encodePosition, decodePosition, MAX_CURSOR_GAPS, type LogPosition, type LogRead } from './live-position.js';
export { feedFollows, inStream, isUser, FeedFollows, type LiveStream, type LiveRole, type MatchFacts } from './live-match.js';
export { watchChanges, type ChangeWatcher, type ChangeWatchOptions } from './sql/changes/index.js';
export { actstreamMigrations, migrationsPath, MIGRATION_FILES, type ActstreamMigration } from './migration-list.js';
