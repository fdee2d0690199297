import express, { Router, type Request, type Response } from 'express';
import type { Store } from 'express-rate-limit';
import { z } from 'zod';
import { csrfTokenMatches, newCsrfToken, signedFormToken, signedFormTokensMatch } from '../../auth/csrf.js';
import { loginLimit } from '../../auth/login-limit.js';
import { destroySession, regenerateSession } from '../../auth/sessions.js';
import { authenticateUser } from '../../auth/users.js';
import { ensureSession } from '../middleware/caller.js';
import { handler } from '../shared/handler.js';
import { render } from './render.js';

const LoginForm = z.object({ email: z.string().max(255).default(''), password: z.string().max(1000).default(''), _csrf: z.string().max(200).default('') });

// After logging in or out the browser always goes to the stream index: never to a URL from the request.
const AFTER = '/streams';
/** Holds the login form's token until the form is posted: no session exists before a login. */
const FORM_COOKIE = 'actstream.login';

function formCookie(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === FORM_COOKIE) return value.join('=');
  }
  return undefined;
}

function showForm(res: Response, secret: string, status: number, extra: { error?: string; email?: string } = {}): void {
  const token = signedFormToken(secret);
  res.cookie(FORM_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/login', maxAge: 60 * 60 * 1000, secure: res.req.secure });
  render(res, status, 'login.njk', { title: 'Log in', csrfToken: token, email: '', ...extra });
}

/** A plain HTML login for the pages; same session as the API and the admin. */
export function loginRoutes(secret: string, loginStore: Store): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb' });

  router.get('/login', (_req, res) => showForm(res, secret, 200));

  router.post(
    '/login',
    loginLimit({ store: loginStore, succeeded: (_req, res) => res.statusCode === 303 }),
    form,
    handler(async (req, res) => {
      const body = LoginForm.parse(req.body ?? {});
      if (!signedFormTokensMatch(secret, formCookie(req), body._csrf)) {
        return showForm(res, secret, 403, { error: 'The form expired; please try again.', email: body.email });
      }
      const user = await authenticateUser(body.email, body.password);
      if (!user) return showForm(res, secret, 401, { error: 'Wrong email or password.', email: body.email });
      // A new session id at every login, so a planted cookie gains nothing.
      await ensureSession(req);
      await regenerateSession(req);
      req.session.userId = user.id;
      req.session.csrfToken = newCsrfToken();
      res.clearCookie(FORM_COOKIE, { path: '/login' });
      res.redirect(303, AFTER);
    }),
  );

  router.post(
    '/logout',
    form,
    handler(async (req, res) => {
      const token = typeof req.body?._csrf === 'string' ? req.body._csrf : '';
      await ensureSession(req);
      if (csrfTokenMatches(req, token)) await destroySession(req);
      res.redirect(303, AFTER);
    }),
  );
  return router;
}
