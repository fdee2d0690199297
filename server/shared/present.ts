import type { Model } from 'sequelize';
import { labelOf, labelOfReference, type Action, type ActionGroup, type NotificationGroup, type NotificationItem } from '../../actstream/index.js';
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
export function headline(action: Action): string {
  const words = [action.actorLabel, action.verb];
  const actionObject = action.actionObjectLabel;
  const target = action.targetLabel;
  if (actionObject !== null) words.push(actionObject);
  if (target !== null) words.push(actionObject !== null ? `on ${target}` : target);
  return words.join(' ');
}

export function actionJson(base: string, action: Action, now = new Date()): ActionJsonType {
  return {
    id: action.id,
    verb: action.verb,
    timestamp: action.timestamp.toISOString(),
    description: action.description,
    data: action.data,
    public: action.public,
    sentence: action.toString(now),
    actor: roleRef(base, action, 'actor')!,
    actionObject: roleRef(base, action, 'actionObject'),
    target: roleRef(base, action, 'target'),
    url: base + paths.actionPage(action.id),
  };
}

/** A group of actions: its sentence, counts, up to 3 actors and its newest and oldest members. */
export function groupJson(base: string, group: ActionGroup, now = new Date()): ActionGroupJsonType {
  const point = (member: Action) => ({ id: member.id, timestamp: member.timestamp.toISOString(), url: base + paths.actionPage(member.id) });
  return {
    verb: group.verb,
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

/** One notification: its action presented as everywhere else, and whether it is read. */
export function notificationJson(base: string, item: NotificationItem, now = new Date()): NotificationJsonType {
  return { id: item.id, read: item.read, notifiedAt: item.notifiedAt.toISOString(), action: actionJson(base, item.action, now) };
}

export function notificationGroupJson(base: string, entry: NotificationGroup, now = new Date()): NotificationGroupJsonType {
  return {
    ids: entry.items.map((item) => item.id),
    read: entry.read,
    unread: entry.items.filter((item) => !item.read).length,
    group: groupJson(base, entry.group, now),
  };
}
