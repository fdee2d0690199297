import { Router, type RequestHandler } from 'express';
import { follow, followers, following, isFollowing, unfollow } from 'actstream';
import { followedNotice, User } from '../../models/index.js';
import { requireUser } from '../middleware/caller.js';
import { forbidden } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { findObject } from '../shared/objects.js';
import { refOfInstance } from '../shared/present.js';
import { FollowBody, FollowListQuery, ObjectParams, UnfollowBody, UserIdParams } from '../shared/schemas.js';
import { baseUrl } from '../shared/urls.js';

function checkSelf(me: User, user: { type: string; id: string } | undefined): void {
  if (user && !(user.type === 'User' && user.id === String(me.id))) throw forbidden('You can only follow as yourself');
}

/** POST/DELETE /follows as yourself; GET /followers/:type/:id and /following/:userId for anyone (follows are public). */
export function followRoutes(writesLimited: RequestHandler): Router {
  const router = Router();

  router.post(
    '/follows',
    writesLimited,
    handler(async (req, res) => {
      const me = await requireUser(req);
      const body = FollowBody.parse(req.body);
      checkSelf(me, body.user);
      const object = await findObject(body.type, body.id);
      const created = !(await isFollowing(me, object, { flag: body.flag ?? '' }));
      const saved = await follow(me, object, { flag: body.flag, actorOnly: body.actorOnly, notify: followedNotice(object, me) });
      res.status(created ? 201 : 200).json({
        object: refOfInstance(baseUrl(req), object),
        flag: saved.flag,
        actorOnly: saved.actorOnly,
        started: saved.started.toISOString(),
        created,
      });
    }),
  );

  router.delete(
    '/follows',
    writesLimited,
    handler(async (req, res) => {
      const me = await requireUser(req);
      const body = UnfollowBody.parse(req.body);
      checkSelf(me, body.user);
      const object = await findObject(body.type, body.id);
      res.json({ removed: await unfollow(me, object, { flag: body.flag }) });
    }),
  );

  router.get(
    '/followers/:type/:id',
    handler(async (req, res) => {
      // Follows are public, as the "started following" actions in the streams already say (README).
      const { type, id } = ObjectParams.parse(req.params);
      const query = FollowListQuery.parse(req.query);
      const object = await findObject(type, id);
      const base = baseUrl(req);
      const page = await followers(object, query);
      res.json({ followers: page.followers.map((user) => refOfInstance(base, user)), next: page.next });
    }),
  );

  router.get(
    '/following/:userId',
    handler(async (req, res) => {
      const { userId } = UserIdParams.parse(req.params);
      const query = FollowListQuery.parse(req.query);
      const user = await findObject(User.name, userId);
      const base = baseUrl(req);
      const page = await following(user, query);
      res.json({ following: page.following.map((object) => refOfInstance(base, object)), next: page.next });
    }),
  );
  return router;
}
