import express, { Router, type RequestHandler } from 'express';
import type { Store } from 'express-rate-limit';
import { callers } from '../middleware/caller.js';
import { sessionRoutes } from './session-routes.js';
import { tokenRoutes } from './token-routes.js';
import { actionRoutes } from './action-routes.js';
import { refuseNulCharacters } from '../middleware/nul-characters.js';
import { HttpError, jsonErrorHandler, jsonNotFound } from '../shared/errors.js';
import { followRoutes } from './follow-routes.js';
import { notificationRoutes } from './notification-routes.js';
import { openApiDocument } from './openapi.js';
import { streamRoutes } from './stream-routes.js';
import { eventRoutes } from './event-routes.js';
import type { LiveHub } from '../events/hub.js';

/** Bodies are small JSON documents; anything bigger is refused with a 413. */
export const BODY_LIMIT = '64kb';

/** Refuses bodies that are not JSON, so a cross-site HTML form can never post to the API. */
const jsonBodiesOnly: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is('application/json')) {
    return next(new HttpError(415, 'unsupported_media_type', 'Send the body as application/json'));
  }
  next();
};

/**
 * The JSON API, mounted at /api. `sessions` is the session middleware shared with the pages and the
 * admin; `writesLimited` the per-user write limit, put in front of every route that writes.
 */
export interface ApiRouterOptions {
  /** The session middleware shared with the pages and the admin. */
  sessions: RequestHandler;
  /** The per-user write limit, put before every route that writes. */
  writesLimited: RequestHandler;
  /** Where failed logins are counted. */
  loginStore: Store;
  /** The process's live streams (GET /api/events). */
  live: LiveHub;
}

export function apiRouter({ sessions, writesLimited, loginStore, live }: ApiRouterOptions): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  router.use(jsonBodiesOnly, express.json({ limit: BODY_LIMIT, strict: true, reviver: refuseNulCharacters }));
  router.use(callers(sessions));
  router.use(sessionRoutes(loginStore), tokenRoutes(writesLimited), streamRoutes(), eventRoutes(live), actionRoutes(writesLimited), followRoutes(writesLimited), notificationRoutes());
  router.use(jsonNotFound);
  router.use(jsonErrorHandler);
  return router;
}
