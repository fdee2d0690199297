import type { Model } from 'sequelize';
import type { Action } from './models.js';
import { referenceOf } from './registry.js';
import { currentBackend, currentSettings } from './settings.js';
import { followsOf } from './sql/statements.js';
import { isAbout } from './visibility.js';

// Which live streams an action belongs to: the same rules as the stream pages (streams.ts), applied
// to each new action as it is read from the log instead of to a page read from an index.

export type LiveRole = 'actor' | 'target' | 'actionObject' | 'any';

/**
 * A stream a live client listens to:
 * - `feed`: the user's feed with their own activity (userStream with withUserActivity and
 *   includeOwnPrivate): public actions by what they follow (on it too, for follows with actorOnly
 *   false), and all actions about them (by them, or done to them), private ones included;
 * - `object`: an object's public stream in one role or any;
 * - `model`: a model's public stream;
 * - `notifications`: the user's notifications (their own log, not matched here).
 */
export type LiveStream =
  | { kind: 'feed'; user: Model }
  | { kind: 'object'; type: string; id: string; role: LiveRole }
  | { kind: 'model'; type: string }
  /** The user's notifications (live-logs.ts): no action belongs to it as such. */
  | { kind: 'notifications'; user: Model };

/** What matching an action against a stream looks at: a live action, or a deleted one's references. */
export type MatchFacts = Pick<Action, 'public' | 'actorType' | 'actorId' | 'targetType' | 'targetId' | 'actionObjectType' | 'actionObjectId' | 'data'>;

const ROLES = ['actor', 'target', 'actionObject'] as const;

/** Follows of the listening users that matter for a batch of actions: "<userId>\0<type>\0<id>" → actorOnly. */
export class FeedFollows {
  constructor(private readonly follows: ReadonlyMap<string, boolean>) {}

  /** Whether `userId` follows the object in `role` so that the action is in their feed. */
  brings(userId: string, type: string | null, id: string | null, role: (typeof ROLES)[number]): boolean {
    if (type === null || id === null) return false;
    const actorOnly = this.follows.get(`${userId}\u0000${type}\u0000${id}`);
    return actorOnly !== undefined && (role === 'actor' || !actorOnly);
  }

  static readonly none = new FeedFollows(new Map());
}

const FOLLOWS_CHUNK = 500;

/**
 * The follows by `userIds` of the objects `actions` reference: one statement per 500 users
 * (each a probe of the follows' user index), only when someone listens to their feed.
 */
export async function feedFollows(userIds: readonly string[], actions: readonly MatchFacts[]): Promise<FeedFollows> {
  const wanted = actions.filter((action) => action.public);
  if (userIds.length === 0 || wanted.length === 0) return FeedFollows.none;
  const objects = new Map<string, Set<string>>();
  for (const action of wanted) {
    for (const role of ROLES) {
      const type = action[`${role}Type`];
      const id = action[`${role}Id`];
      if (type === null || id === null) continue;
      let ids = objects.get(type);
      if (!ids) objects.set(type, (ids = new Set()));
      ids.add(id);
    }
  }
  const byType = new Map([...objects].map(([type, ids]) => [type, [...ids]] as [string, string[]]));
  const follows = new Map<string, boolean>();
  const backend = currentBackend();
  for (let i = 0; i < userIds.length; i += FOLLOWS_CHUNK) {
    const chunk = userIds.slice(i, i + FOLLOWS_CHUNK);
    const rows = await backend.session(undefined, 'read', (session) => session.select(followsOf(backend.sql, chunk, byType)));
    for (const row of rows) {
      const key = `${String(row.userId)}\u0000${String(row.contentType)}\u0000${String(row.objectId)}`;
      const actorOnly = row.actorOnly === true || row.actorOnly === 1 || row.actorOnly === '1';
      // Any follow without actorOnly brings the object's other roles in.
      follows.set(key, (follows.get(key) ?? true) && actorOnly);
    }
  }
  return new FeedFollows(follows);
}

// A feed's user's reference, worked out once per user rather than once per action.
const references = new WeakMap<Model, { type: string; id: string }>();
function me(user: Model): { type: string; id: string } {
  let found = references.get(user);
  if (!found) references.set(user, (found = referenceOf(user)));
  return found;
}

/** Whether `action` belongs to `stream` (follows: those of the feed's user, from feedFollows). */
export function inStream(stream: LiveStream, action: MatchFacts, follows: FeedFollows): boolean {
  switch (stream.kind) {
    case 'feed': {
      // The user's own actions (by them, or done to them), private ones included, as their feed page shows.
      if (isAbout(action, stream.user)) return true;
      const user = me(stream.user);
      if (!action.public) return false;
      return ROLES.some((role) => follows.brings(user.id, action[`${role}Type`], action[`${role}Id`], role));
    }
    case 'object': {
      if (!action.public) return false;
      const roles = stream.role === 'any' ? ROLES : [stream.role];
      return roles.some((role) => action[`${role}Type`] === stream.type && action[`${role}Id`] === stream.id);
    }
    case 'model':
      return action.public && ROLES.some((role) => action[`${role}Type`] === stream.type);
    case 'notifications':
      return false;
  }
}

/** The user model's instances are the only ones with a feed (follows are keyed by user id). */
export function isUser(object: Model): boolean {
  return object instanceof currentSettings().userModel;
}
