import type { Action, ActionGroup, StreamPage } from '../../actstream/index.js';
import { headline, roleRef } from '../shared/present.js';
import type { ObjectRefType } from '../shared/schemas.js';

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

/** One action as a W3C Activity Streams 2.0 Activity. */
export function as2Activity(base: string, action: Action, actionUrl: string): As2Object {
  const activity: As2Object = {
    type: 'Activity',
    id: actionUrl,
    name: action.verb,
    summary: headline(action),
    actor: as2Object(roleRef(base, action, 'actor')),
    published: action.timestamp.toISOString(),
  };
  const object = as2Object(roleRef(base, action, 'actionObject'));
  const target = as2Object(roleRef(base, action, 'target'));
  if (object) activity.object = object;
  if (target) activity.target = target;
  if (action.description) activity.content = action.description;
  return activity;
}

export function as2Document(activity: As2Object): As2Object {
  return { '@context': CONTEXT, ...activity };
}

/**
 * A group of actions as one Activity (see README, "Activity Streams"): `actor` is the array of its
 * (up to 3) sample actors, `summary` the sentence with the counts, `startTime` / `endTime` the
 * oldest and newest member's time, `published` the newest's; `totalItems` is not an Activity's,
 * so the counts travel in `summary` only. It has no `id`: a group is a view, not a resource.
 */
export function as2Group(base: string, group: ActionGroup): As2Object {
  const activity: As2Object = {
    type: 'Activity',
    name: group.verb,
    summary: group.headline,
    actor: group.sampleActions.map((member) => as2Object(roleRef(base, member, 'actor'))),
    published: group.newest.timestamp.toISOString(),
    startTime: group.oldest.timestamp.toISOString(),
    endTime: group.newest.timestamp.toISOString(),
  };
  const object = as2Object(roleRef(base, group.newest, 'actionObject'));
  const target = as2Object(roleRef(base, group.newest, 'target'));
  if (object) activity.object = object;
  if (target) activity.target = target;
  return activity;
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

/** A stream page as an OrderedCollectionPage of its actions. */
export function as2Page(base: string, page: StreamPage, urls: PageUrls & { actionUrl: (id: number) => string }): As2Object {
  return as2Collection(
    urls,
    page.actions.map((action) => as2Activity(base, action, urls.actionUrl(action.id))),
  );
}
