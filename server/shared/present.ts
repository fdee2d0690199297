import type { Model } from 'sequelize';
import {
  labelOf,
  labelOfReference,
  visibleData,
  type Action,
  type ActionGroup,
  type NotificationGroup,
  type NotificationItem,
  type Viewer,
} from 'actstream';
import type { ActionGroupJsonType, ActionJsonType, NotificationGroupJsonType, NotificationJsonType, ObjectRefType } from './schemas.js';
import { paths } from './urls.js';

type Role = 'actor' | 'target' | 'actionObject';

/** A reference as the API shows it: never the object's own fields (no emails, no hashes), only its label. */
export function refOf(base: string, type: string, id: string, object: Model | null | undefined): ObjectRefType {
  const ref: ObjectRefType = {
    type,
    id,
    label: object ? labelOf(object) : labelOfReference(type, id),
    url: base + paths.objectPage(type, id),
  };
  if (!object) ref.deleted = true;
  return ref;
}

export function refOfInstance(base: string, object: Model): ObjectRefType {
  const model = object.constructor as typeof Model;
  return refOf(base, model.name, String(object.get(model.primaryKeyAttribute)), object);
}

/** The action's reference in `role`, or null when the action has none there. */
export function roleRef(base: string, action: Action, role: Role): ObjectRefType | null {
  const type = action[`${role}Type`];
  const id = action[`${role}Id`];
  if (type === null || id === null) return null;
  return refOf(base, type, id, action[role]);
}

/** "<actor> <verb> [<object>] [on <target>]": the sentence without its time, for titles. */
export function headline(action: ActionJsonType): string {
  const words = [action.actor.label, action.verb];
  if (action.actionObject) words.push(action.actionObject.label);
  if (action.target) words.push(action.actionObject ? `on ${action.target.label}` : action.target.label);
  return words.join(' ');
}

/**
 * An action as `viewer` may see it (its data through visibleData). Every view of an action outside
 * the admin (JSON, Activity Streams, Atom/RSS, pages) is built from this, never from the Action
 * itself, so none can show more than the viewer may see. Public views pass `null` even when someone
 * is logged in; only a user's own views (their feed, an action by id) pass the user.
 */
export function actionJson(base: string, action: Action, viewer: Viewer, now = new Date()): ActionJsonType {
  return {
    id: action.id,
    verb: action.verb,
    timestamp: action.timestamp.toISOString(),
    description: action.description,
    data: visibleData(action, viewer),
    public: action.public,
    sentence: action.toString(now),
    actor: roleRef(base, action, 'actor')!,
    actionObject: roleRef(base, action, 'actionObject'),
    target: roleRef(base, action, 'target'),
    url: base + paths.actionPage(action.id),
  };
}

/**
 * A group of actions: its sentence, counts, up to 3 actors and its newest and oldest members. It
 * shows no action's data or description, so it is the same for every viewer.
 */
export function groupJson(base: string, group: ActionGroup, now = new Date()): ActionGroupJsonType {
  const point = (member: Action) => ({ id: member.id, timestamp: member.timestamp.toISOString(), url: base + paths.actionPage(member.id) });
  return {
    verb: group.verb,
    headline: group.headline,
    sentence: group.toString(now),
    count: group.count,
    actorCount: group.actorCount,
    actors: group.sampleActions.map((member) => roleRef(base, member, 'actor')!),
    actionObject: roleRef(base, group.newest, 'actionObject'),
    target: roleRef(base, group.newest, 'target'),
    newest: point(group.newest),
    oldest: point(group.oldest),
  };
}

/** One of `user`'s notifications (their own view): its action presented as everywhere else, and whether it is read. */
export function notificationJson(base: string, item: NotificationItem, user: Model, now = new Date()): NotificationJsonType {
  return { id: item.id, read: item.read, notifiedAt: item.notifiedAt.toISOString(), action: actionJson(base, item.action, user, now) };
}

export function notificationGroupJson(base: string, entry: NotificationGroup, now = new Date()): NotificationGroupJsonType {
  return {
    ids: entry.items.map((item) => item.id),
    read: entry.read,
    unread: entry.items.filter((item) => !item.read).length,
    group: groupJson(base, entry.group, now),
  };
}
