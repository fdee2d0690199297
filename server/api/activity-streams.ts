import { headline } from '../shared/present.js';
import type { ActionGroupJsonType, ActionJsonType, ObjectRefType } from '../shared/schemas.js';

export const AS2_TYPE = 'application/activity+json';
const CONTEXT = 'https://www.w3.org/ns/activitystreams';

type As2Object = Record<string, unknown>;

function as2Object(ref: ObjectRefType | null): As2Object | undefined {
  if (!ref) return undefined;
  const type = ref.type === 'User' ? 'Person' : 'Object';
  // A deleted object stays a reference, as a Tombstone of what it was.
  if (ref.deleted) return { type: 'Tombstone', formerType: type, id: ref.url, name: ref.label };
  return { type, id: ref.url, name: ref.label };
}

/** One action, as its viewer may see it (actionJson), as a W3C Activity Streams 2.0 Activity. */
export function as2Activity(action: ActionJsonType, actionUrl: string): As2Object {
  const activity: As2Object = {
    type: 'Activity',
    id: actionUrl,
    name: action.verb,
    summary: headline(action),
    actor: as2Object(action.actor),
    published: action.timestamp,
  };
  const object = as2Object(action.actionObject);
  const target = as2Object(action.target);
  if (object) activity.object = object;
  if (target) activity.target = target;
  if (action.description) activity.content = action.description;
  return activity;
}

/**
 * A group of actions (groupJson) as one Activity (see README, "Activity Streams"): `actor` is the
 * array of its (up to 3) sample actors, `summary` the sentence with the counts, `startTime` /
 * `endTime` the oldest and newest member's time, `published` the newest's. AS2 has no member count
 * for an Activity, so the counts travel in `summary` only. It has no `id`: a group is a view of
 * several actions, not a resource.
 */
export function as2Group(group: ActionGroupJsonType): As2Object {
  const activity: As2Object = {
    type: 'Activity',
    name: group.verb,
    summary: group.headline,
    actor: group.actors.map(as2Object),
    published: group.newest.timestamp,
    startTime: group.oldest.timestamp,
    endTime: group.newest.timestamp,
  };
  const object = as2Object(group.actionObject);
  const target = as2Object(group.target);
  if (object) activity.object = object;
  if (target) activity.target = target;
  return activity;
}

export function as2Document(activity: As2Object): As2Object {
  return { '@context': CONTEXT, ...activity };
}

export interface PageUrls {
  self: string;
  partOf: string;
  next: string | null;
}

/**
 * A page as an OrderedCollectionPage: `id` is this page, `partOf` the collection's first page,
 * `next` the next page's URL (absent on the last page).
 */
export function as2Collection(urls: PageUrls, orderedItems: As2Object[]): As2Object {
  return {
    '@context': CONTEXT,
    type: 'OrderedCollectionPage',
    id: urls.self,
    partOf: urls.partOf,
    ...(urls.next ? { next: urls.next } : {}),
    orderedItems,
  };
}

/** A stream page (its actions as their viewer may see them, from actionJson) as an OrderedCollectionPage. */
export function as2Page(actions: ActionJsonType[], urls: PageUrls & { actionUrl: (id: number) => string }): As2Object {
  return as2Collection(
    urls,
    actions.map((action) => as2Activity(action, urls.actionUrl(action.id))),
  );
}
