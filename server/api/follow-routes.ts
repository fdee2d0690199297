import { Router } from 'express';
import { follow, followers, following, isFollowing, unfollow } from '../../actstream/index.js';
import { followedNotice, User } from '../../models/index.js';
import { requireUser } from '../middleware/caller.js';
import { forbidden } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { findObject } from '../shared/objects.js';
import { refOfInstance } from '../shared/present.js';
import { FlagQuery, FollowBody, ObjectParams, UnfollowBody, UserIdParams } from '../shared/schemas.js';
import { baseUrl } from '../shared/urls.js';

function checkSelf(me: User, user: { type: string; id: string } | undefined): void {
  if (user && !(user.type === 'User' && user.id === String(me.id))) throw forbidden('You can only follow as yourself');
}

/** POST/DELETE /follows as yourself; GET /followers/:type/:id and /following/:userId for anyone (follows are public). */
export function followRoutes(): Router {
  const router = Router();

  router.post(
    '/follows',
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
      const { flag } = FlagQuery.parse(req.query);
      const object = await findObject(type, id);
      const base = baseUrl(req);
      res.json({ followers: (await followers(object, { flag })).map((user) => refOfInstance(base, user)) });
    }),
  );

  router.get(
    '/following/:userId',
    handler(async (req, res) => {
      const { userId } = UserIdParams.parse(req.params);
      const { flag } = FlagQuery.parse(req.query);
      const user = await findObject(User.name, userId);
      const base = baseUrl(req);
      res.json({ following: (await following(user, { flag })).map((object) => refOfInstance(base, object)) });
    }),
  );
  return router;
}
