import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { StreamPage, Viewer } from 'actstream';
import { userForToken } from '../../auth/tokens.js';
import { asText, errorHandler, HttpError } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { actionJson } from '../shared/present.js';
import { labelOf } from 'actstream';
import { ObjectParams, StreamKind, StreamQuery, TypeParams, UserStreamQuery } from '../shared/schemas.js';
import { markPrivate } from '../shared/freshness.js';
import { cachedModelStreamPage, cachedObjectStreamPage, ownFeedPage } from '../shared/stream-source.js';
import { baseUrl, paths } from '../shared/urls.js';
import { FEED_TYPES, renderFeed, type FeedFormat, type FeedInfo } from './build.js';

const Format = z.enum(['atom', 'rss']);

const KIND_TITLES: Record<z.infer<typeof StreamKind>, string> = {
  actor: 'Actions by',
  target: 'Actions on',
  'action-object': 'Actions with',
  any: 'Activity of',
};

function format(req: Request): FeedFormat {
  const parsed = Format.safeParse(req.params.format);
  if (!parsed.success) throw new HttpError(404, 'not_found', 'Feeds end in .atom or .rss');
  return parsed.data;
}

function send(req: Request, res: Response, info: FeedInfo, page: StreamPage, viewer: Viewer, feedFormat: FeedFormat): void {
  const base = baseUrl(req);
  const actions = page.actions.map((action) => actionJson(base, action, viewer));
  res.type(FEED_TYPES[feedFormat]).send(renderFeed(info, actions, feedFormat));
}

/** Atom and RSS 2.0 feeds of the public streams, and of a user's own feed by feed token. */
export function feedsRouter(): Router {
  const router = Router();

  router.get(
    '/user/:token.:format',
    handler(async (req, res) => {
      const feedFormat = format(req);
      const user = await userForToken(String(req.params.token), 'feed');
      if (!user) throw new HttpError(404, 'not_found', 'No such feed (the token is unknown or revoked)');
      const page = await ownFeedPage(user, UserStreamQuery.parse(req.query));
      const base = baseUrl(req);
      markPrivate(res);
      send(req, res, { title: `Feed of ${labelOf(user)}`, selfBase: `${base}/feeds/user/${req.params.token}`, pageUrl: base + paths.objectPage('User', String(user.id)) }, page, user, feedFormat);
    }),
  );

  router.get(
    '/model/:type.:format',
    handler(async (req, res) => {
      const feedFormat = format(req);
      const { type } = TypeParams.parse(req.params);
      // Feeds give times as dates, never "3 hours ago".
      const page = await cachedModelStreamPage(req, res, { format: feedFormat, saysAgo: false }, new Date(), type, StreamQuery.parse(req.query));
      if (!page) return;
      const base = baseUrl(req);
      const selfBase = base + paths.modelFeed(type, 'atom').replace(/\.atom$/, '');
      send(req, res, { title: `Activity on ${type}`, selfBase, pageUrl: base + paths.modelPage(type) }, page, null, feedFormat);
    }),
  );

  router.get(
    '/:kind/:type/:id.:format',
    handler(async (req, res) => {
      const feedFormat = format(req);
      const kind = StreamKind.safeParse(req.params.kind);
      if (!kind.success) throw new HttpError(404, 'not_found', `No stream kind "${req.params.kind}"`);
      const { type, id } = ObjectParams.parse(req.params);
      const found = await cachedObjectStreamPage(req, res, { format: feedFormat, saysAgo: false }, new Date(), kind.data, type, id, StreamQuery.parse(req.query));
      if (!found) return;
      const { object, page } = found;
      const base = baseUrl(req);
      const selfBase = base + paths.objectFeed(kind.data, type, id, 'atom').replace(/\.atom$/, '');
      const title = `${KIND_TITLES[kind.data]} ${labelOf(object)}`;
      send(req, res, { title, selfBase, pageUrl: base + paths.objectPage(type, id) }, page, null, feedFormat);
    }),
  );

  router.use((_req, _res, next) => next(new HttpError(404, 'not_found', 'No such feed')));
  // Feed readers show plain text best.
  router.use(errorHandler(asText));
  return router;
}
