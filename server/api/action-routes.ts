import { Router, type RequestHandler } from 'express';
import { Action, action as actions, canSee, loadReferences } from 'actstream';
import { requireUser, optionalUser } from '../middleware/caller.js';
import { AS2_TYPE, as2Activity, as2Document } from './activity-streams.js';
import { forbidden, notFound } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { findObject } from '../shared/objects.js';
import { actionJson } from '../shared/present.js';
import { ActionIdParams, SendActionBody } from '../shared/schemas.js';
import { wantsAs2 } from './stream-routes.js';
import { baseUrl, paths } from '../shared/urls.js';

/** GET /actions/:id (public, or your own) and POST /actions (you as the actor, nobody else). */
export function actionRoutes(writesLimited: RequestHandler): Router {
  const router = Router();

  router.get(
    '/actions/:id',
    handler(async (req, res) => {
      const { id } = ActionIdParams.parse(req.params);
      const found = await Action.findByPk(Number(id));
      // By id is the caller's own view: an action about them (as actor or action object) shows its private details.
      const viewer = (await optionalUser(req)) ?? null;
      // A private action is missing to everyone it is not about: a 403 would say it exists.
      if (!found || !canSee(found, viewer)) throw notFound(`Action ${id}`);
      await loadReferences([found]);
      const base = baseUrl(req);
      const json = actionJson(base, found, viewer);
      res.vary('Accept');
      if (wantsAs2(req)) {
        res.type(AS2_TYPE).send(JSON.stringify(as2Document(as2Activity(json, base + paths.actionApi(found.id)))));
      } else {
        res.json(json);
      }
    }),
  );

  router.post(
    '/actions',
    writesLimited,
    handler(async (req, res) => {
      const me = await requireUser(req);
      const body = SendActionBody.parse(req.body);
      if (body.actor && !(body.actor.type === 'User' && body.actor.id === String(me.id))) {
        throw forbidden('You can only send actions as yourself');
      }
      const [actionObject, target] = await Promise.all([
        body.actionObject ? findObject(body.actionObject.type, body.actionObject.id) : null,
        body.target ? findObject(body.target.type, body.target.id) : null,
      ]);
      const sent = await actions.send(me, {
        verb: body.verb,
        actionObject,
        target,
        description: body.description ?? null,
        public: body.public ?? true,
        data: body.data ?? null,
      });
      const base = baseUrl(req);
      res.status(201).location(paths.actionApi(sent.id)).json(actionJson(base, sent, me));
    }),
  );
  return router;
}
