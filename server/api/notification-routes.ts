import { Router } from 'express';
import { markItemRead, markRead, notifications, unreadCount } from 'actstream';
import { requireUser } from '../middleware/caller.js';
import { AS2_TYPE, as2Activity, as2Collection, as2Group } from './activity-streams.js';
import { notFound } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { notificationGroupJson, notificationJson } from '../shared/present.js';
import { MarkReadBody, NotificationIdParams, NotificationQuery } from '../shared/schemas.js';
import { pageUrls, wantsAs2 } from './stream-routes.js';
import { baseUrl, paths } from '../shared/urls.js';

/** The logged-in user's notifications and their read state; never cached anywhere but by them. */
export function notificationRoutes(): Router {
  const router = Router();
  router.use('/notifications', (_req, res, next) => {
    res.set('Cache-Control', 'private, no-store');
    next();
  });

  router.get(
    '/notifications',
    handler(async (req, res) => {
      const user = await requireUser(req);
      const { limit, before, unread, grouped } = NotificationQuery.parse(req.query);
      const options = { limit, before, unreadOnly: unread === true };
      const base = baseUrl(req);
      res.vary('Accept');
      if (grouped) {
        const page = await notifications(user, { ...options, grouped: true });
        const items = page.items.map((entry) => notificationGroupJson(base, entry));
        if (wantsAs2(req)) res.type(AS2_TYPE).send(JSON.stringify(as2Collection(pageUrls(req, page.next), items.map((entry) => as2Group(entry.group)))));
        else res.json({ items, next: page.next });
        return;
      }
      // The user's own view: what their notifications' actions say about them shows in full.
      const page = await notifications(user, options);
      const items = page.items.map((item) => notificationJson(base, item, user));
      if (wantsAs2(req)) {
        const activities = items.map((item) => as2Activity(item.action, base + paths.actionApi(item.action.id)));
        res.type(AS2_TYPE).send(JSON.stringify(as2Collection(pageUrls(req, page.next), activities)));
      } else {
        res.json({ items, next: page.next });
      }
    }),
  );

  router.get(
    '/notifications/unread-count',
    handler(async (req, res) => {
      const user = await requireUser(req);
      res.json(await unreadCount(user));
    }),
  );

  router.post(
    '/notifications/read',
    handler(async (req, res) => {
      const user = await requireUser(req);
      const { upTo } = MarkReadBody.parse(req.body ?? {});
      res.json(await markRead(user, { upTo }));
    }),
  );

  for (const [method, read] of [['post', true], ['delete', false]] as const) {
    router[method](
      '/notifications/:id/read',
      handler(async (req, res) => {
        const user = await requireUser(req);
        const id = Number(NotificationIdParams.parse(req.params).id);
        if (!(await markItemRead(user, id, read))) throw notFound(`Notification ${id}`);
        res.json({ id, read });
      }),
    );
  }
  return router;
}
