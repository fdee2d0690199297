import type { Store } from 'express-rate-limit';
import { z } from 'zod';
import type { Model } from 'sequelize';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import {
  Action,
  canSee,
  seesPrivate,
  followers,
  followerCount,
  following,
  isFollowing,
  labelOf,
  loadReferences,
  markRead,
  notifications,
  registry,
  unreadCount,
  type GroupedPage,
  type StreamPage,
  type Viewer,
} from 'actstream';
import { csrfTokenMatches } from '../../auth/csrf.js';
import { User } from '../../models/index.js';
import { callers, optionalUser } from '../middleware/caller.js';
import { errorHandler, HttpError, notFound, type ErrorFormat } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { findObject } from '../shared/objects.js';
import { refOfInstance } from '../shared/present.js';
import { ActionIdParams, ApiStreamQuery, FollowListQuery, NotificationQuery, ObjectParams, TypeParams, UserIdParams } from '../shared/schemas.js';
import { answeredNotModified, bodyTag, hasCredentials, markPrivate, markPublic, type Representation } from '../shared/freshness.js';
import {
  cachedModelStreamPage,
  cachedObjectStreamPage,
  modelStreamGroups,
  modelStreamPage,
  objectStreamGroups,
  objectStreamPage,
  ownFeedGroups,
  ownFeedPage,
} from '../shared/stream-source.js';
import { paths, withQuery } from '../shared/urls.js';
import { assetRoutes } from './assets.js';
import { followFormRoutes, formExpired } from './follow-routes.js';
import { loginRoutes } from './login-routes.js';
import { LIVE_SCRIPT } from './live-script.js';
import { render, renderHtml } from './render.js';
import {
  actionView,
  alternates,
  groupView,
  modelFeedBase,
  notificationGroupView,
  notificationView,
  objectFeedBase,
  objectHeadView,
} from './view-models.js';

/** Only the page size, cursor and grouping come from the query on pages; the rest would make odd links. */
const PageQuery = z.object(ApiStreamQuery.pick({ limit: true, before: true, grouped: true }).shape);
const MarkAllForm = z.object({ _csrf: z.string().max(200).default(''), upTo: z.string().regex(/^\d{1,15}$/), grouped: z.string().max(10).optional() });
// The header shows up to this many unread notifications, then "99+": a bounded count on every page.
const HEADER_CAP = 99;

/** What every page's layout needs: who is logged in, their unread count, and the token its forms post. */
async function layout(req: Request) {
  const user = await optionalUser(req);
  if (!user) return { user: null, csrfToken: undefined, unread: null };
  return { user: refOfInstance('', user), csrfToken: req.session?.csrfToken, unread: await unreadCount(user, { cap: HEADER_CAP }) };
}

/** This page's path with some of its query changed (links keep the page size and grouping). */
function pagePath(req: Request, changes: Record<string, string | undefined>): string {
  const keep: Record<string, string | undefined> = {};
  for (const key of ['limit', 'grouped', 'unread']) if (typeof req.query[key] === 'string') keep[key] = req.query[key] as string;
  return withQuery(req.baseUrl + req.path, { ...keep, ...changes });
}

function nextPath(req: Request, next: string | null): string | null {
  return next ? pagePath(req, { before: next }) : null;
}

async function requirePageUser(req: Request, message: string) {
  const user = await optionalUser(req);
  if (!user) throw new HttpError(401, 'unauthorized', message);
  return user;
}

/** A page of the user's notifications (or groups of them) for notifications.njk, and the newest one's id. */
async function notificationsView(user: User, options: { limit?: number; before?: string; unreadOnly: boolean; grouped: boolean }) {
  if (options.grouped) {
    const page = await notifications(user, { ...options, grouped: true });
    return { items: page.items.map((entry) => notificationGroupView(entry)), next: page.next, newestId: page.items[0]?.items[0].id ?? null };
  }
  const page = await notifications(user, { ...options, grouped: false });
  return { items: page.items.map((item) => notificationView(item, user)), next: page.next, newestId: page.items[0]?.id ?? null };
}

/** A stream page's entries for stream.njk, as `viewer` may see them (null on public pages): actions, or groups of them. */
function streamItems(page: StreamPage | GroupedPage, viewer: Viewer, now: Date) {
  return 'groups' in page ? { groups: page.groups.map((g) => groupView(g, now)) } : { actions: page.actions.map((a) => actionView(a, viewer, now)) };
}

/** The object's head on its page: its followers count and, for a logged-in viewer, whether they follow it. */
async function objectHead(object: Model, viewer: User | undefined) {
  const ref = refOfInstance('', object);
  const [count, youFollow] = await Promise.all([followerCount(object), viewer ? isFollowing(viewer, object, { flag: '' }) : false]);
  return objectHeadView(ref, { followerCount: count, isUser: object instanceof User, viewerId: viewer ? String(viewer.id) : null, youFollow });
}

const HTML: Representation = { format: 'html', saysAgo: true };

/**
 * Sends a stream page. Anonymous ones are public (a CDN may keep them; Vary: Cookie, since a
 * logged-in reader's header differs); grouped ones get their body's hash as ETag. With a session
 * cookie or credentials the page is personal: private, no-store.
 */
function sendStreamPage(req: Request, res: Response, html: string, { personal, grouped }: { personal: boolean; grouped: boolean }): void {
  if (personal) markPrivate(res);
  else if (grouped) {
    markPublic(res);
    if (answeredNotModified(req, res, bodyTag(html))) return;
  }
  res.status(200).type('html').send(html);
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
    .then((context) => render(res, error.status, 'error.njk', { title: `Error ${error.status}`, heading: `Error ${error.status}`, status: error.status, message: error.message, ...context }));
};

/** Server-rendered public pages: streams of objects and models, action details, followers and following. */
export interface PagesRouterOptions {
  /** The per-user write limit (follows and unfollows count as writes, as on the API). */
  writesLimited: RequestHandler;
  /** The session middleware shared with the API and the admin. */
  sessions: RequestHandler;
  /** Signs the login form's token. */
  secret: string;
  /** Where failed logins are counted. */
  loginStore: Store;
  /** The live streams' position now (the event id a page's script resumes from). */
  liveCursor: () => Promise<string>;
}

const PAGE_PATHS = ['/streams', '/actions', '/followers', '/following', '/feed', '/notifications'];

export function pagesRouter({ sessions, secret, loginStore, writesLimited, liveCursor }: PagesRouterOptions): Router {
  const router = Router();
  router.use(assetRoutes());
  router.get('/live.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=300').send(LIVE_SCRIPT);
  });

  /** What a first, ungrouped page's list needs to go live (later pages and groups stay snapshots). */
  const live = async (req: Request, streams: string, grouped: boolean | undefined) => {
    if (grouped || typeof req.query.before === 'string') return undefined;
    // A page never fails for want of live updates: without a cursor it is the snapshot it always was.
    const cursor = await liveCursor().catch(() => null);
    return cursor === null ? undefined : { streams, cursor };
  };

  router.use([...PAGE_PATHS, '/login', '/logout'], callers(sessions));
  router.use(loginRoutes(secret, loginStore));
  router.use(followFormRoutes(writesLimited));

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
      const { grouped, ...options } = PageQuery.parse(req.query);
      const personal = hasCredentials(req);
      const now = new Date();
      if (!personal) res.vary('Cookie');
      // The position before the page is read: the script may then get an action the page shows (it skips those).
      const liveList = await live(req, `model:${type}`, grouped);
      let page: StreamPage | GroupedPage | null;
      if (grouped) page = await modelStreamGroups(type, options);
      else if (personal) page = await modelStreamPage(type, options);
      else page = await cachedModelStreamPage(req, res, HTML, now, type, options);
      if (!page) return;
      const html = renderHtml('stream.njk', {
        title: `Activity on ${type}`,
        heading: `Activity on ${type}`,
        ...streamItems(page, null, now),
        togglePath: pagePath(req, { grouped: grouped ? undefined : 'true' }),
        live: liveList,
        nextPath: nextPath(req, page.next),
        alternates: alternates(modelFeedBase(type), paths.modelApi(type), `Activity on ${type}`),
        feeds: [
          { title: 'Atom', href: `${modelFeedBase(type)}.atom` },
          { title: 'RSS', href: `${modelFeedBase(type)}.rss` },
        ],
        ...(await layout(req)),
      });
      sendStreamPage(req, res, html, { personal, grouped: Boolean(grouped) });
    }),
  );

  router.get(
    '/streams/:type/:id',
    handler(async (req, res) => {
      const { type, id } = ObjectParams.parse(req.params);
      const { grouped, ...options } = PageQuery.parse(req.query);
      const personal = hasCredentials(req);
      const now = new Date();
      if (!personal) res.vary('Cookie');
      const liveList = await live(req, `object:${type}:${id}`, grouped);
      let found: { object: Model; page: StreamPage | GroupedPage } | null;
      if (grouped) found = await objectStreamGroups('any', type, id, options);
      else if (personal) found = await objectStreamPage('any', type, id, options);
      // The page shows its followers count, which an unfollow changes without any action: part of the tag.
      else found = await cachedObjectStreamPage(req, res, HTML, now, 'any', type, id, options, async (subject) => String(await followerCount(subject)));
      if (!found) return;
      const { object, page } = found;
      const label = labelOf(object);
      const viewer = await optionalUser(req);
      const html = renderHtml('stream.njk', {
        title: label,
        heading: label,
        object: await objectHead(object, viewer),
        ...streamItems(page, null, now),
        togglePath: pagePath(req, { grouped: grouped ? undefined : 'true' }),
        live: liveList,
        nextPath: nextPath(req, page.next),
        alternates: alternates(objectFeedBase(type, id), paths.objectApi('any', type, id), `Activity of ${label}`),
        feeds: [
          { title: 'Atom', href: `${objectFeedBase(type, id)}.atom` },
          { title: 'RSS', href: `${objectFeedBase(type, id)}.rss` },
        ],
        ...(await layout(req)),
      });
      sendStreamPage(req, res, html, { personal, grouped: Boolean(grouped) });
    }),
  );

  router.get(
    '/feed',
    handler(async (req, res) => {
      res.set('Cache-Control', 'private, no-store');
      const user = await requirePageUser(req, 'Log in to see your feed.');
      const { grouped, ...options } = PageQuery.parse(req.query);
      // The user's own feed with their own activity (as its live updates have it): actions about them
      // show their private details, as on the API.
      const liveList = await live(req, 'user', grouped);
      const feedOptions = { ...options, withUserActivity: true };
      const page = grouped ? await ownFeedGroups(user, feedOptions) : await ownFeedPage(user, feedOptions);
      render(res, 200, 'stream.njk', {
        title: 'Your feed',
        heading: 'Your feed',
        subheading: 'What the people and things you follow are doing, and what you did.',
        links: [{ title: 'Whom you follow', href: `/following/${encodeURIComponent(String(user.id))}` }],
        empty: 'Nothing here yet. Follow people and groups on their pages, and what they do shows up here.',
        ...streamItems(page, user, new Date()),
        togglePath: pagePath(req, { grouped: grouped ? undefined : 'true' }),
        live: liveList,
        nextPath: nextPath(req, page.next),
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
      const context = await layout(req);
      const yours = object instanceof User && context.user?.id === String(object.id);
      const heading = yours ? 'Your followers' : `Followers of ${labelOf(object)}`;
      const subheading = `${await followerCount(object)} in all`;
      render(res, 200, 'people.njk', { title: heading, heading, subheading, people, nextPath: listNextPath(req, page.next), ...context });
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
      const context = await layout(req);
      const yours = context.user?.id === String(userId);
      const heading = yours ? 'You follow' : `${labelOf(user)} follows`;
      const empty = yours ? 'Nobody and nothing yet: follow people and groups on their pages.' : undefined;
      render(res, 200, 'people.njk', { title: heading, heading, empty, people, nextPath: listNextPath(req, page.next), ...context });
    }),
  );

  router.get(
    '/notifications',
    handler(async (req, res) => {
      res.set('Cache-Control', 'private, no-store');
      const user = await requirePageUser(req, 'Log in to see your notifications.');
      const { limit, before, unread, grouped } = NotificationQuery.parse(req.query);
      const { items, next, newestId } = await notificationsView(user, { limit, before, unreadOnly: unread === true, grouped: grouped === true });
      render(res, 200, 'notifications.njk', {
        title: 'Notifications',
        heading: 'Notifications',
        items,
        grouped: grouped === true,
        unreadOnly: unread === true,
        markAllUpTo: before === undefined && items.some((item) => !item.read) ? newestId : null,
        nextPath: nextPath(req, next),
        paths: {
          all: pagePath(req, { unread: undefined }),
          unread: pagePath(req, { unread: 'true' }),
          grouped: pagePath(req, { grouped: 'true' }),
          ungrouped: pagePath(req, { grouped: undefined }),
        },
        ...(await layout(req)),
      });
    }),
  );

  router.post(
    '/notifications/read',
    express.urlencoded({ extended: false, limit: '8kb' }),
    handler(async (req, res) => {
      const user = await requirePageUser(req, 'Log in to see your notifications.');
      const form = MarkAllForm.parse(req.body ?? {});
      if (!csrfTokenMatches(req, form._csrf)) throw formExpired();
      await markRead(user, { upTo: Number(form.upTo) });
      // A fixed path back, never one from the request.
      res.redirect(303, form.grouped === 'true' ? '/notifications?grouped=true' : '/notifications');
    }),
  );

  router.use(PAGE_PATHS, (_req, _res, next) => next(notFound('This page')));
  router.use([...PAGE_PATHS, '/login', '/logout'], errorHandler(asPage));
  return router;
}
