import { z } from 'zod';
import { Router, type Request, type RequestHandler } from 'express';
import { Action, canSee, seesPrivate, followers, following, labelOf, loadReferences, registry } from '../../actstream/index.js';
import { User } from '../../models/index.js';
import { callers, optionalUser } from '../middleware/caller.js';
import { errorHandler, notFound, type ErrorFormat } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { findObject } from '../shared/objects.js';
import { refOfInstance } from '../shared/present.js';
import { ActionIdParams, FollowListQuery, ObjectParams, StreamQuery, TypeParams, UserIdParams } from '../shared/schemas.js';
import { modelStreamPage, objectStreamPage } from '../shared/stream-source.js';
import { paths, withQuery } from '../shared/urls.js';
import { loginRoutes } from './login-routes.js';
import { render } from './render.js';
import { actionView, alternates, modelFeedBase, objectFeedBase } from './view-models.js';

/** Only the page size and cursor come from the query on pages; the rest would make odd links. */
const PageQuery = z.object(StreamQuery.pick({ limit: true, before: true }).shape);

/** What every page's layout needs: who is logged in, and the token its logout form posts. */
async function layout(req: Request) {
  const user = await optionalUser(req);
  return { user: user ? refOfInstance('', user) : null, csrfToken: user ? req.session?.csrfToken : undefined };
}

function nextPath(req: Request, next: string | null): string | null {
  if (!next) return null;
  return withQuery(req.baseUrl + req.path, { limit: typeof req.query.limit === 'string' ? req.query.limit : undefined, before: next });
}

/** The link to a follower / following list's next page, keeping the flag and page size asked for. */
function listNextPath(req: Request, next: string | null): string | null {
  if (!next) return null;
  const kept = (name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);
  return withQuery(req.baseUrl + req.path, { flag: kept('flag'), limit: kept('limit'), after: next });
}

/** Errors as a page in the site's layout. */
const asPage: ErrorFormat = (req, res, error) => {
  void layout(req)
    .catch(() => ({ user: null, csrfToken: undefined }))
    .then((context) => render(res, error.status, 'error.njk', { title: `Error ${error.status}`, heading: `Error ${error.status}`, message: error.message, ...context }));
};

/** Server-rendered public pages: streams of objects and models, action details, followers and following. */
export function pagesRouter(sessions: RequestHandler, secret: string): Router {
  const router = Router();
  router.use(['/streams', '/actions', '/followers', '/following', '/login', '/logout'], callers(sessions));
  router.use(loginRoutes(secret));

  // The site's front page is the list of streams (a fixed path, never one from the request).
  router.get('/', (_req, res) => res.redirect(302, '/streams'));

  router.get(
    '/streams',
    handler(async (req, res) => {
      const models = [...registry.models().keys()].map((name) => ({ name, path: paths.modelPage(name) }));
      render(res, 200, 'models.njk', { title: 'Streams', models, ...(await layout(req)) });
    }),
  );

  router.get(
    '/streams/:type',
    handler(async (req, res) => {
      const { type } = TypeParams.parse(req.params);
      const page = await modelStreamPage(type, PageQuery.parse(req.query));
      render(res, 200, 'stream.njk', {
        title: `Activity on ${type}`,
        heading: `Activity on ${type}`,
        actions: page.actions.map((a) => actionView(a, null)),
        nextPath: nextPath(req, page.next),
        alternates: alternates(modelFeedBase(type), paths.modelApi(type), `Activity on ${type}`),
        feeds: [
          { title: 'Atom', href: `${modelFeedBase(type)}.atom` },
          { title: 'RSS', href: `${modelFeedBase(type)}.rss` },
        ],
        ...(await layout(req)),
      });
    }),
  );

  router.get(
    '/streams/:type/:id',
    handler(async (req, res) => {
      const { type, id } = ObjectParams.parse(req.params);
      const { object, page } = await objectStreamPage('any', type, id, PageQuery.parse(req.query));
      const label = labelOf(object);
      const links = [
        { title: `All ${type} activity`, href: paths.modelPage(type) },
        { title: 'Followers', href: `/followers/${encodeURIComponent(type)}/${encodeURIComponent(id)}` },
      ];
      if (object instanceof User) links.push({ title: 'Following', href: `/following/${encodeURIComponent(id)}` });
      render(res, 200, 'stream.njk', {
        title: label,
        heading: label,
        subheading: type,
        links,
        actions: page.actions.map((a) => actionView(a, null)),
        nextPath: nextPath(req, page.next),
        alternates: alternates(objectFeedBase(type, id), paths.objectApi('any', type, id), `Activity of ${label}`),
        feeds: [
          { title: 'Atom', href: `${objectFeedBase(type, id)}.atom` },
          { title: 'RSS', href: `${objectFeedBase(type, id)}.rss` },
        ],
        ...(await layout(req)),
      });
    }),
  );

  router.get(
    '/actions/:id',
    handler(async (req, res) => {
      const parsed = ActionIdParams.safeParse(req.params);
      const found = parsed.success ? await Action.findByPk(Number(parsed.data.id)) : null;
      // As on the API: the page of an action about the logged-in user is theirs, private details included.
      const viewer = (await optionalUser(req)) ?? null;
      if (!found || !canSee(found, viewer)) throw notFound('This action');
      await loadReferences([found]);
      const view = actionView(found, viewer);
      if (!found.public || seesPrivate(found, viewer)) res.set('Cache-Control', 'private, no-store');
      render(res, 200, 'action.njk', { title: found.verb, heading: `${view.actor.label} ${found.verb}`, action: view, ...(await layout(req)) });
    }),
  );

  router.get(
    '/followers/:type/:id',
    handler(async (req, res) => {
      // Follows are public, as the "started following" actions in the streams already say (README).
      const { type, id } = ObjectParams.parse(req.params);
      const query = FollowListQuery.parse(req.query);
      const object = await findObject(type, id);
      const page = await followers(object, query);
      const people = page.followers.map((u) => refOfInstance('', u));
      const heading = `Followers of ${labelOf(object)}`;
      render(res, 200, 'people.njk', { title: heading, heading, people, nextPath: listNextPath(req, page.next), ...(await layout(req)) });
    }),
  );

  router.get(
    '/following/:userId',
    handler(async (req, res) => {
      const { userId } = UserIdParams.parse(req.params);
      const query = FollowListQuery.parse(req.query);
      const user = await findObject(User.name, userId);
      const page = await following(user, query);
      const people = page.following.map((o) => refOfInstance('', o));
      const heading = `${labelOf(user)} follows`;
      render(res, 200, 'people.njk', { title: heading, heading, people, nextPath: listNextPath(req, page.next), ...(await layout(req)) });
    }),
  );

  router.use(['/streams', '/actions', '/followers', '/following'], (_req, _res, next) => next(notFound('This page')));
  router.use(['/streams', '/actions', '/followers', '/following', '/login', '/logout'], errorHandler(asPage));
  return router;
}
