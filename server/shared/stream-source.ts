import type { Request, Response } from 'express';
import type { Model } from 'sequelize';
import {
  actionObjectStream,
  actorStream,
  anyStream,
  groupedStream,
  modelStream,
  objectVersions,
  referenceKey,
  referencesOf,
  targetStream,
  userStream,
  type AnyModel,
  type GroupedPage,
  type Reference,
  type StreamOptions,
  type StreamPage,
  type StreamSubject,
  type UserStreamOptions,
} from 'actstream';
import { notFound } from './errors.js';
import { answeredNotModified, loadedVersions, markPublic, pageTag, type Representation } from './freshness.js';
import { findObject, isValidId, modelOf } from './objects.js';

export type ObjectStreamKind = 'actor' | 'target' | 'action-object' | 'any';

const byKind: Record<ObjectStreamKind, (obj: StreamSubject, options: StreamOptions) => Promise<StreamPage>> = {
  actor: actorStream,
  target: targetStream,
  'action-object': actionObjectStream,
  any: anyStream,
};

// Streams shared by the JSON API, the feeds and the pages: all public-only, except a user's own feed.

/**
 * The public stream of one object in one role; 404 for an unknown type or a missing object. The
 * object is read once (what its label needs) and handed to the stream, which does not read it again.
 */
export async function objectStreamPage(
  kind: ObjectStreamKind,
  type: string,
  id: string,
  options: StreamOptions,
): Promise<{ object: Model; page: StreamPage }> {
  const object = await findObject(type, id);
  return { object, page: await byKind[kind](object, { ...options, loaded: [object] }) };
}

/** The public stream of every object of a model. */
export function modelStreamPage(type: string, options: StreamOptions): Promise<StreamPage> {
  return modelStream(modelOf(type), options);
}

/** A user's own feed: with their own activity, their private actions are theirs to see. */
export function ownFeedPage(user: Model, options: UserStreamOptions): Promise<StreamPage> {
  return userStream(user, { ...options, includeOwnPrivate: options.withUserActivity === true, loaded: [user] });
}

// The same public pages with HTTP caching: Cache-Control public, a strong ETag, and 304 when the
// client's If-None-Match still holds, told from the page's rows and its objects' versions alone.

/** Whether the client may hold the page: only then is the probe worth a statement. */
const asksConditionally = (req: Request) => req.get('if-none-match') !== undefined;

/** The subject's and the page's objects' versions, read without loading the objects (the probe). */
async function probe(subject: Reference | null, page: StreamPage): Promise<Map<string, string | null>> {
  return objectVersions(subject ? [subject, ...referencesOf(page.actions)] : referencesOf(page.actions));
}

/**
 * An object's public stream page, cacheable: null when answered 304 (nothing loaded beyond the
 * page's rows and its objects' versions). Else the loaded page, with the ETag and Cache-Control
 * set for the body the caller then sends (made with the same `now`).
 */
export async function cachedObjectStreamPage(
  req: Request,
  res: Response,
  representation: Representation,
  now: Date,
  kind: ObjectStreamKind,
  type: string,
  id: string,
  options: StreamOptions,
  extra?: (subject: Reference) => Promise<string>,
): Promise<{ object: Model; page: StreamPage } | null> {
  const subject = { type, id };
  const also = extra ? await extra(subject) : undefined;
  if (asksConditionally(req)) {
    if (!isValidId(modelOf(type), id)) throw notFound(`${type} ${id}`, { type, id });
    const rows = await byKind[kind](subject, { ...options, references: false });
    const versions = await probe(subject, rows);
    if (versions.get(referenceKey(type, id)) === null) throw notFound(`${type} ${id}`, { type, id });
    markPublic(res);
    if (answeredNotModified(req, res, pageTag(req, representation, { actions: rows.actions, versions, subject, now, extra: also }))) return null;
  }
  const { object, page } = await objectStreamPage(kind, type, id, options);
  markPublic(res);
  res.set('ETag', pageTag(req, representation, { actions: page.actions, versions: loadedVersions(page.actions, { ref: subject, object }), subject, now, extra: also }));
  return { object, page };
}

/** A model's public stream page, cacheable as cachedObjectStreamPage. */
export async function cachedModelStreamPage(req: Request, res: Response, representation: Representation, now: Date, type: string, options: StreamOptions): Promise<StreamPage | null> {
  const model = modelOf(type);
  if (asksConditionally(req)) {
    const rows = await modelStream(model, { ...options, references: false });
    const versions = await probe(null, rows);
    markPublic(res);
    if (answeredNotModified(req, res, pageTag(req, representation, { actions: rows.actions, versions, subject: null, now }))) return null;
  }
  const page = await modelStream(model, options);
  markPublic(res);
  res.set('ETag', pageTag(req, representation, { actions: page.actions, versions: loadedVersions(page.actions, null), subject: null, now }));
  return page;
}

// The same streams read grouped ("Ann, Bob and 3 others joined Climbers").

export async function objectStreamGroups(
  kind: ObjectStreamKind,
  type: string,
  id: string,
  options: StreamOptions,
): Promise<{ object: Model; page: GroupedPage }> {
  const object = await findObject(type, id);
  return { object, page: await groupedStream(byKind[kind], object, { ...options, loaded: [object] }) };
}

export function modelStreamGroups(type: string, options: StreamOptions): Promise<GroupedPage> {
  return groupedStream(modelStream, modelOf(type) as AnyModel | Model, options);
}

export function ownFeedGroups(user: Model, options: UserStreamOptions): Promise<GroupedPage> {
  return groupedStream<Model, UserStreamOptions>(userStream, user, { ...options, includeOwnPrivate: options.withUserActivity === true, loaded: [user] });
}
