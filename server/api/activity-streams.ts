import { headline } from '../shared/present.js';
import type { ActionJsonType, ObjectRefType } from '../shared/schemas.js';

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

export function as2Document(activity: As2Object): As2Object {
  return { '@context': CONTEXT, ...activity };
}

/**
 * A stream page (its actions as their viewer may see them, from actionJson) as an
 * OrderedCollectionPage: `id` is this page, `partOf` the stream's first page, `next` the next
 * page's URL (absent on the last page).
 */
export function as2Page(
  actions: ActionJsonType[],
  urls: { self: string; partOf: string; next: string | null; actionUrl: (id: number) => string },
): As2Object {
  return {
    '@context': CONTEXT,
    type: 'OrderedCollectionPage',
    id: urls.self,
    partOf: urls.partOf,
    ...(urls.next ? { next: urls.next } : {}),
    orderedItems: actions.map((action) => as2Activity(action, urls.actionUrl(action.id))),
  };
}
