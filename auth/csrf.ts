import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

export const CSRF_HEADER = 'x-csrf-token';

export function newCsrfToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Whether the request carries the session's CSRF token in the X-CSRF-Token header. */
export function hasValidCsrfToken(req: Request): boolean {
  return csrfTokenMatches(req, req.get(CSRF_HEADER));
}

/** Whether `given` (a header, or a form field where headers cannot be set) is the session's CSRF token. */
export function csrfTokenMatches(req: Request, given: string | undefined): boolean {
  const expected = req.session?.csrfToken;
  if (!expected || !given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/**
 * A token for a form shown before there is a session (the login form): a random nonce and its HMAC
 * under the app's secret. It goes both in a cookie and in the form, and a post must carry the same
 * valid token twice, so nothing needs storing until the login succeeds.
 */
export function signedFormToken(secret: string): string {
  const nonce = randomBytes(18).toString('base64url');
  return `${nonce}.${createHmac('sha256', secret).update(nonce).digest('base64url')}`;
}

/** Whether the cookie's and the form's token are the same and signed with `secret`. */
export function signedFormTokensMatch(secret: string, fromCookie: string | undefined, fromForm: string | undefined): boolean {
  if (!fromCookie || !fromForm || fromCookie.length !== fromForm.length || fromCookie.length > 200) return false;
  if (!timingSafeEqual(Buffer.from(fromCookie), Buffer.from(fromForm))) return false;
  const [nonce, mac] = fromCookie.split('.');
  if (!nonce || !mac) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(nonce).digest('base64url'));
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
