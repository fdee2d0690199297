import { Router, type Request, type Response } from 'express';
import type { GroupedPage, StreamPage, Viewer } from 'actstream';
import { requireUser } from '../middleware/caller.js';
import { AS2_TYPE, as2Collection, as2Group, as2Page, type PageUrls } from './activity-streams.js';
import { HttpError } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { actionJson, groupJson } from '../shared/present.js';
import { ApiStreamQuery, ApiUserStreamQuery, ObjectParams, StreamKind, TypeParams } from '../shared/schemas.js';
import { bodyTag, markPrivate, markPublic, answeredNotModified, type Representation } from '../shared/freshness.js';
import {
  cachedModelStreamPage,
  cachedObjectStreamPage,
  modelStreamGroups,
  objectStreamGroups,
  ownFeedGroups,
  ownFeedPage,
} from '../shared/stream-source.js';
import { baseUrl, paths, withQuery } from '../shared/urls.js';

/** Whether the client asked for Activity Streams 2.0 rather than our JSON. */
export function wantsAs2(req: Request): boolean {
  return req.accepts(['application/json', AS2_TYPE, 'application/ld+json']) !== 'application/json';
}

function stringQuery(req: Request): Record<string, string | undefined> {
  const query: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string') query[key] = value;
  return query;
}

/** This page's, the first page's and the next page's URLs, for AS2. */
export function pageUrls(req: Request, next: string | null): PageUrls {
  const path = baseUrl(req) + req.baseUrl + req.path;
  const query = stringQuery(req);
  return {
    self: withQuery(path, query),
    partOf: withQuery(path, { ...query, before: undefined }),
    next: next ? withQuery(path, { ...query, before: next }) : null,
  };
}

/** Which of the two bodies a stream answers with (the ETag tells them apart; both word times as "3 hours ago"). */
function representation(req: Request): Representation {
  return { format: wantsAs2(req) ? 'as2' : 'json', saysAgo: true };
}

/** Answers a stream page, as `viewer` may see it, as our JSON or, by Accept, as an AS2 OrderedCollectionPage. */
export function sendPage(req: Request, res: Response, page: StreamPage, viewer: Viewer, now = new Date()): void {
  const base = baseUrl(req);
  const actions = page.actions.map((action) => actionJson(base, action, viewer, now));
  res.vary('Accept');
  if (!wantsAs2(req)) {
    res.json({ actions, next: page.next });
    return;
  }
  res.type(AS2_TYPE).send(JSON.stringify(as2Page(actions, { ...pageUrls(req, page.next), actionUrl: (id) => base + paths.actionApi(id) })));
}

/**
 * A grouped stream page: `{ groups, next }`, or an OrderedCollectionPage of group activities. A
 * public one is cacheable, its ETag the body's hash (a grouped page reads several pages: no cheap probe).
 */
export function sendGroups(req: Request, res: Response, page: GroupedPage, { cacheable }: { cacheable: boolean }): void {
  const base = baseUrl(req);
  const groups = page.groups.map((group) => groupJson(base, group));
  res.vary('Accept');
  const as2 = wantsAs2(req);
  const body = as2 ? JSON.stringify(as2Collection(pageUrls(req, page.next), groups.map(as2Group))) : JSON.stringify({ groups, next: page.next });
  res.type(as2 ? AS2_TYPE : 'json');
  if (cacheable) {
    markPublic(res);
    if (answeredNotModified(req, res, bodyTag(body))) return;
  }
  res.send(body);
}

/** GET /streams/...: an object's, a model's and the logged-in user's streams. */
export function streamRoutes(): Router {
  const router = Router();

  router.get(
    '/streams/user',
    handler(async (req, res) => {
      const user = await requireUser(req);
      const { grouped, ...options } = ApiUserStreamQuery.parse(req.query);
      markPrivate(res);
      // The caller's own feed: actions about them show their private details (groups show no data).
      if (grouped) sendGroups(req, res, await ownFeedGroups(user, options), { cacheable: false });
      else sendPage(req, res, await ownFeedPage(user, options), user);
    }),
  );

  router.get(
    '/streams/model/:type',
    handler(async (req, res) => {
      const { type } = TypeParams.parse(req.params);
      const { grouped, ...options } = ApiStreamQuery.parse(req.query);
      if (grouped) return sendGroups(req, res, await modelStreamGroups(type, options), { cacheable: true });
      const now = new Date();
      res.vary('Accept');
      const page = await cachedModelStreamPage(req, res, representation(req), now, type, options);
      if (page) sendPage(req, res, page, null, now);
    }),
  );

  router.get(
    '/streams/:kind/:type/:id',
    handler(async (req, res) => {
      const parsedKind = StreamKind.safeParse(req.params.kind);
      if (!parsedKind.success) throw new HttpError(404, 'not_found', `No stream kind "${req.params.kind}"`, { kinds: StreamKind.options });
      const kind = parsedKind.data;
      const { type, id } = ObjectParams.parse(req.params);
      const { grouped, ...options } = ApiStreamQuery.parse(req.query);
      if (grouped) return sendGroups(req, res, (await objectStreamGroups(kind, type, id, options)).page, { cacheable: true });
      const now = new Date();
      res.vary('Accept');
      const found = await cachedObjectStreamPage(req, res, representation(req), now, kind, type, id, options);
      if (found) sendPage(req, res, found.page, null, now);
    }),
  );
  return router;
}
