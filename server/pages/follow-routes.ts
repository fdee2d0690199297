import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { follow, unfollow } from 'actstream';
import { csrfTokenMatches } from '../../auth/csrf.js';
import { followedNotice, User } from '../../models/index.js';
import { optionalUser } from '../middleware/caller.js';
import { HttpError } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { findObject } from '../shared/objects.js';
import { ObjectParams } from '../shared/schemas.js';
import { objectPaths } from './view-models.js';

const FollowForm = z.object({ _csrf: z.string().max(200).default('') });

export const formExpired = () => new HttpError(403, 'csrf_failed', 'The form expired; reload the page and try again.');

/** The logged-in user posting a form with the session's CSRF token, and the object of the URL. */
async function formRequest(req: Request, what: string) {
  const me = await optionalUser(req);
  if (!me) throw new HttpError(401, 'unauthorized', `Log in to ${what}.`);
  const { _csrf } = FollowForm.parse(req.body ?? {});
  if (!csrfTokenMatches(req, _csrf)) throw formExpired();
  const { type, id } = ObjectParams.parse(req.params);
  const object = await findObject(type, id);
  if (object instanceof User && object.id === me.id) throw new HttpError(400, 'invalid_request', 'You cannot follow yourself.');
  return { me, object, back: objectPaths(type, id).page };
}

/**
 * POST /streams/:type/:id/follow and /unfollow: plain forms (with the session's CSRF token), so they
 * work without JavaScript; each answers 303 back to the object's page. They write as the API's
 * POST / DELETE /api/follows do: a follow and its "started following" (notifying a followed user)
 * commit together; an unfollow records nothing. A person is followed for what they do, anything
 * else for everything that happens to it too (a group's posts name the group as target).
 */
export function followFormRoutes(writesLimited: RequestHandler): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });

  router.post(
    '/streams/:type/:id/follow',
    form,
    writesLimited,
    handler(async (req, res) => {
      const { me, object, back } = await formRequest(req, 'follow');
      await follow(me, object, { flag: '', actorOnly: object instanceof User, notify: followedNotice(object, me) });
      res.redirect(303, back);
    }),
  );

  router.post(
    '/streams/:type/:id/unfollow',
    form,
    writesLimited,
    handler(async (req, res) => {
      const { me, object, back } = await formRequest(req, 'unfollow');
      await unfollow(me, object, { flag: '' });
      res.redirect(303, back);
    }),
  );
  return router;
}
