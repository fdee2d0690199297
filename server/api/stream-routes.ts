import { Router, type Request, type Response } from 'express';
import type { GroupedPage, StreamPage, Viewer } from '../../actstream/index.js';
import { requireUser } from '../middleware/caller.js';
import { AS2_TYPE, as2Collection, as2Group, as2Page, type PageUrls } from './activity-streams.js';
import { HttpError } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { actionJson, groupJson } from '../shared/present.js';
import { ApiStreamQuery, ApiUserStreamQuery, ObjectParams, StreamKind, TypeParams } from '../shared/schemas.js';
import {
  modelStreamGroups,
  modelStreamPage,
  objectStreamGroups,
  objectStreamPage,
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

/** Answers a stream page, as `viewer` may see it, as our JSON or, by Accept, as an AS2 OrderedCollectionPage. */
export function sendPage(req: Request, res: Response, page: StreamPage, viewer: Viewer): void {
  const base = baseUrl(req);
  const actions = page.actions.map((action) => actionJson(base, action, viewer));
  res.vary('Accept');
  if (!wantsAs2(req)) {
    res.json({ actions, next: page.next });
    return;
  }
  res.type(AS2_TYPE).send(JSON.stringify(as2Page(actions, { ...pageUrls(req, page.next), actionUrl: (id) => base + paths.actionApi(id) })));
}

/** A grouped stream page: `{ groups, next }`, or an OrderedCollectionPage of group activities. */
export function sendGroups(req: Request, res: Response, page: GroupedPage): void {
  const base = baseUrl(req);
  const groups = page.groups.map((group) => groupJson(base, group));
  res.vary('Accept');
  if (!wantsAs2(req)) {
    res.json({ groups, next: page.next });
    return;
  }
  res.type(AS2_TYPE).send(JSON.stringify(as2Collection(pageUrls(req, page.next), groups.map(as2Group))));
}

/** GET /streams/...: an object's, a model's and the logged-in user's streams. */
export function streamRoutes(): Router {
  const router = Router();

  router.get(
    '/streams/user',
    handler(async (req, res) => {
      const user = await requireUser(req);
      const { grouped, ...options } = ApiUserStreamQuery.parse(req.query);
      // The caller's own feed: actions about them show their private details (groups show no data).
      if (grouped) sendGroups(req, res, await ownFeedGroups(user, options));
      else sendPage(req, res, await ownFeedPage(user, options), user);
    }),
  );

  router.get(
    '/streams/model/:type',
    handler(async (req, res) => {
      const { type } = TypeParams.parse(req.params);
      const { grouped, ...options } = ApiStreamQuery.parse(req.query);
      if (grouped) sendGroups(req, res, await modelStreamGroups(type, options));
      else sendPage(req, res, await modelStreamPage(type, options), null);
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
      if (grouped) sendGroups(req, res, (await objectStreamGroups(kind, type, id, options)).page);
      else sendPage(req, res, (await objectStreamPage(kind, type, id, options)).page, null);
    }),
  );
  return router;
}
