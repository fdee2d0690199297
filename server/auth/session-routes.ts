import { Router, type Request } from 'express';
import { handler } from '../api/handler.js';
import { HttpError } from '../api/errors.js';
import { refOfInstance } from '../api/present.js';
import { LoginBody } from '../api/schemas.js';
import { baseUrl } from '../api/urls.js';
import { loginLimit } from '../login-limit.js';
import { authenticateUser } from '../users.js';
import { newCsrfToken } from './csrf.js';
import { authMethod, optionalUser, requireUser } from './current-user.js';

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((error: unknown) => (error ? reject(error) : resolve())));
}

function destroy(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((error: unknown) => (error ? reject(error) : resolve())));
}

/** POST /session logs in (any user), GET /session says who is logged in, DELETE /session logs out. */
export function sessionRoutes(): Router {
  const router = Router();
  const limit = loginLimit({ succeeded: (_req, res) => res.statusCode < 400 });

  router.post(
    '/session',
    limit,
    handler(async (req, res) => {
      const { email, password } = LoginBody.parse(req.body);
      const user = await authenticateUser(email, password);
      if (!user) throw new HttpError(401, 'invalid_credentials', 'Wrong email or password');
      // A new session id at login, so a planted cookie gains nothing.
      await regenerate(req);
      req.session.userId = user.id;
      req.session.csrfToken = newCsrfToken();
      res.json({ user: refOfInstance(baseUrl(req), user), csrfToken: req.session.csrfToken });
    }),
  );

  router.get(
    '/session',
    handler(async (req, res) => {
      const user = optionalUser(req);
      if (!user || authMethod(req) !== 'session') {
        throw new HttpError(401, 'unauthorized', 'No session: log in with POST /api/session');
      }
      req.session.csrfToken ??= newCsrfToken();
      res.json({ user: refOfInstance(baseUrl(req), user), csrfToken: req.session.csrfToken });
    }),
  );

  router.delete(
    '/session',
    handler(async (req, res) => {
      requireUser(req);
      if (authMethod(req) === 'session') await destroy(req);
      res.status(204).end();
    }),
  );
  return router;
}
