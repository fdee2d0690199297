import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { csrfTokenMatches, newCsrfToken } from '../auth/csrf.js';
import { handler } from '../api/handler.js';
import { loginLimit } from '../login-limit.js';
import { authenticateUser } from '../users.js';
import { render } from './render.js';

const LoginForm = z.object({ email: z.string().max(255).default(''), password: z.string().max(1000).default(''), _csrf: z.string().max(200).default('') });

// After logging in or out the browser always goes to the stream index: never to a URL from the request.
const AFTER = '/streams';

function sessionCall(req: Request, method: 'regenerate' | 'destroy'): Promise<void> {
  return new Promise((resolve, reject) => req.session[method]((error: unknown) => (error ? reject(error) : resolve())));
}

/** A plain HTML login for the pages (followers/following need a user); same session as the API and admin. */
export function loginRoutes(): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb' });

  router.get('/login', (req, res) => {
    req.session.csrfToken ??= newCsrfToken();
    render(res, 200, 'login.njk', { title: 'Log in', csrfToken: req.session.csrfToken, email: '' });
  });

  router.post(
    '/login',
    loginLimit({ succeeded: (_req, res) => res.statusCode === 303 }),
    form,
    handler(async (req, res) => {
      const body = LoginForm.parse(req.body ?? {});
      if (!csrfTokenMatches(req, body._csrf)) {
        req.session.csrfToken = newCsrfToken();
        return render(res, 403, 'login.njk', { title: 'Log in', error: 'The form expired; please try again.', csrfToken: req.session.csrfToken, email: body.email });
      }
      const user = await authenticateUser(body.email, body.password);
      if (!user) {
        return render(res, 401, 'login.njk', { title: 'Log in', error: 'Wrong email or password.', csrfToken: req.session.csrfToken, email: body.email });
      }
      await sessionCall(req, 'regenerate');
      req.session.userId = user.id;
      req.session.csrfToken = newCsrfToken();
      res.redirect(303, AFTER);
    }),
  );

  router.post(
    '/logout',
    form,
    handler(async (req, res) => {
      const token = typeof req.body?._csrf === 'string' ? req.body._csrf : '';
      if (csrfTokenMatches(req, token)) await sessionCall(req, 'destroy');
      res.redirect(303, AFTER);
    }),
  );
  return router;
}
