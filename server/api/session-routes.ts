import { Router } from 'express';
import type { Store } from 'express-rate-limit';
import { newCsrfToken } from '../../auth/csrf.js';
import { loginLimit } from '../../auth/login-limit.js';
import { destroySession, regenerateSession } from '../../auth/sessions.js';
import { authenticateUser } from '../../auth/users.js';
import { caller, ensureSession, requireUser } from '../middleware/caller.js';
import { HttpError } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { refOfInstance } from '../shared/present.js';
import { LoginBody } from '../shared/schemas.js';
import { baseUrl } from '../shared/urls.js';

/** POST /session logs in (any user), GET /session says who is logged in, DELETE /session logs out. */
export function sessionRoutes(loginStore: Store): Router {
  const router = Router();
  const limit = loginLimit({ store: loginStore, succeeded: (_req, res) => res.statusCode < 400 });

  router.post(
    '/session',
    limit,
    handler(async (req, res) => {
      const { email, password } = LoginBody.parse(req.body);
      const user = await authenticateUser(email, password);
      if (!user) throw new HttpError(401, 'invalid_credentials', 'Wrong email or password');
      // A new session id at login, so a planted cookie gains nothing.
      await ensureSession(req);
      await regenerateSession(req);
      req.session.userId = user.id;
      req.session.csrfToken = newCsrfToken();
      res.json({ user: refOfInstance(baseUrl(req), user), csrfToken: req.session.csrfToken });
    }),
  );

  router.get(
    '/session',
    handler(async (req, res) => {
      const found = await caller(req);
      if (!found || found.method !== 'session') {
        throw new HttpError(401, 'unauthorized', 'No session: log in with POST /api/session');
      }
      req.session.csrfToken ??= newCsrfToken();
      res.json({ user: refOfInstance(baseUrl(req), found.user), csrfToken: req.session.csrfToken });
    }),
  );

  router.delete(
    '/session',
    handler(async (req, res) => {
      await requireUser(req);
      if ((await caller(req))?.method === 'session') await destroySession(req);
      res.status(204).end();
    }),
  );
  return router;
}
