import type { Model } from 'sequelize';
import {
  actionObjectStream,
  actorStream,
  anyStream,
  groupedStream,
  modelStream,
  targetStream,
  userStream,
  type AnyModel,
  type GroupedPage,
  type StreamOptions,
  type StreamPage,
  type UserStreamOptions,
} from '../../actstream/index.js';
import { findObject, modelOf } from './objects.js';

export type ObjectStreamKind = 'actor' | 'target' | 'action-object' | 'any';

const byKind: Record<ObjectStreamKind, (obj: Model, options: StreamOptions) => Promise<StreamPage>> = {
  actor: actorStream,
  target: targetStream,
  'action-object': actionObjectStream,
  any: anyStream,
};

// Streams shared by the JSON API, the feeds and the pages: all public-only, except a user's own feed.

/** The public stream of one object in one role; 404 for an unknown type or a missing object. */
export async function objectStreamPage(
  kind: ObjectStreamKind,
  type: string,
  id: string,
  options: StreamOptions,
): Promise<{ object: Model; page: StreamPage }> {
  const object = await findObject(type, id);
  return { object, page: await byKind[kind](object, options) };
}

/** The public stream of every object of a model. */
export function modelStreamPage(type: string, options: StreamOptions): Promise<StreamPage> {
  return modelStream(modelOf(type), options);
}

/** A user's own feed: with their own activity, their private actions are theirs to see. */
export function ownFeedPage(user: Model, options: UserStreamOptions): Promise<StreamPage> {
  return userStream(user, { ...options, includeOwnPrivate: options.withUserActivity === true });
}

// The same streams read grouped ("Ann, Bob and 3 others joined Climbers").

export async function objectStreamGroups(
  kind: ObjectStreamKind,
  type: string,
  id: string,
  options: StreamOptions,
): Promise<{ object: Model; page: GroupedPage }> {
  const object = await findObject(type, id);
  return { object, page: await groupedStream(byKind[kind], object, options) };
}

export function modelStreamGroups(type: string, options: StreamOptions): Promise<GroupedPage> {
  return groupedStream(modelStream, modelOf(type) as AnyModel | Model, options);
}

export function ownFeedGroups(user: Model, options: UserStreamOptions): Promise<GroupedPage> {
  return groupedStream<Model, UserStreamOptions>(userStream, user, { ...options, includeOwnPrivate: options.withUserActivity === true });
}
