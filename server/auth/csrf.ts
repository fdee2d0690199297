import { randomBytes, timingSafeEqual } from 'node:crypto';
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
