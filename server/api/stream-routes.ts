import { Router, type Request, type Response } from 'express';
import type { StreamPage, Viewer } from '../../actstream/index.js';
import { requireUser } from '../middleware/caller.js';
import { AS2_TYPE, as2Page } from './activity-streams.js';
import { HttpError } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { actionJson } from '../shared/present.js';
import { ObjectParams, StreamKind, StreamQuery, TypeParams, UserStreamQuery } from '../shared/schemas.js';
import { modelStreamPage, objectStreamPage, ownFeedPage } from '../shared/stream-source.js';
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

/** Answers a stream page, as `viewer` may see it, as our JSON or, by Accept, as an AS2 OrderedCollectionPage. */
export function sendPage(req: Request, res: Response, page: StreamPage, viewer: Viewer): void {
  const base = baseUrl(req);
  const actions = page.actions.map((action) => actionJson(base, action, viewer));
  res.vary('Accept');
  if (!wantsAs2(req)) {
    res.json({ actions, next: page.next });
    return;
  }
  const path = base + req.baseUrl + req.path;
  const query = stringQuery(req);
  res.type(AS2_TYPE).send(
    JSON.stringify(
      as2Page(actions, {
        self: withQuery(path, query),
        partOf: withQuery(path, { ...query, before: undefined }),
        next: page.next ? withQuery(path, { ...query, before: page.next }) : null,
        actionUrl: (id) => base + paths.actionApi(id),
      }),
    ),
  );
}

/** GET /streams/...: an object's, a model's and the logged-in user's streams. */
export function streamRoutes(): Router {
  const router = Router();

  router.get(
    '/streams/user',
    handler(async (req, res) => {
      const user = await requireUser(req);
      const options = UserStreamQuery.parse(req.query);
      // The caller's own feed: actions about them show their private details.
      sendPage(req, res, await ownFeedPage(user, options), user);
    }),
  );

  router.get(
    '/streams/model/:type',
    handler(async (req, res) => {
      const { type } = TypeParams.parse(req.params);
      sendPage(req, res, await modelStreamPage(type, StreamQuery.parse(req.query)), null);
    }),
  );

  router.get(
    '/streams/:kind/:type/:id',
    handler(async (req, res) => {
      const parsedKind = StreamKind.safeParse(req.params.kind);
      if (!parsedKind.success) throw new HttpError(404, 'not_found', `No stream kind "${req.params.kind}"`, { kinds: StreamKind.options });
      const kind = parsedKind.data;
      const { type, id } = ObjectParams.parse(req.params);
      const options = StreamQuery.parse(req.query);
      const { page } = await objectStreamPage(kind, type, id, options);
      sendPage(req, res, page, null);
    }),
  );
  return router;
}
