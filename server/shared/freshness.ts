import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Model } from 'sequelize';
import { referenceKey, timesince, versionOf, type Action, type Reference } from 'actstream';
import { hasSessionCookie } from '../../auth/sessions.js';
import { baseUrl } from './urls.js';

// HTTP caching of public streams. A page's ETag is a hash of what its body is made of: the
// representation (format, URL), its actions (ids and times; actions do not change once written),
// the version of every object it names and of the stream's own object (actstream's versionOf: its
// updatedAt), and, where the body says "3 hours ago", those words at the time of the answer. The
// same inputs come either from the loaded page or from a probe that reads only ids and versions
// (objectVersions), so a client's If-None-Match is answered 304 without loading the objects.

/** How long a browser or CDN may keep a public page without asking again. */
export const PUBLIC_MAX_AGE_SECONDS = 5;
export const PUBLIC_CACHE = `public, max-age=${PUBLIC_MAX_AGE_SECONDS}`;
export const PRIVATE_CACHE = 'private, no-store';

// Changes when what the server writes for the same data may change: a new release.
const RELEASE = process.env.npm_package_version ?? '0';

export function markPublic(res: Response): void {
  res.set('Cache-Control', PUBLIC_CACHE);
}

export function markPrivate(res: Response): void {
  res.set('Cache-Control', PRIVATE_CACHE);
  res.removeHeader('ETag');
}

/** Whether the request carries credentials (a session cookie or an Authorization header): then a page may be personal. */
export function hasCredentials(req: Request): boolean {
  return req.get('authorization') !== undefined || hasSessionCookie(req.headers.cookie);
}

/** What a body is besides its data: the format ("json", "as2", "html", "atom" …) and the absolute URL asked for. */
export interface Representation {
  format: string;
  /** Whether the body words times relative to now ("3 hours ago"). */
  saysAgo: boolean;
}

export interface TagInputs {
  actions: readonly Action[];
  /** Versions of the objects the actions name (and of the subject), by referenceKey; null when gone. */
  versions: ReadonlyMap<string, string | null>;
  /** The stream's own object, when it has one. */
  subject: Reference | null;
  now: Date;
  /** Anything else the body shows that the actions do not tell (an object page's follower count). */
  extra?: string;
}

const ROLES = ['actor', 'target', 'actionObject'] as const;

/** The strong ETag of a page. */
export function pageTag(req: Request, representation: Representation, { actions, versions, subject, now, extra }: TagInputs): string {
  const hash = createHash('sha1');
  hash.update(`${RELEASE}\n${representation.format}\n${baseUrl(req)}${req.originalUrl}\n`);
  if (extra !== undefined) hash.update(`extra:${extra}\n`);
  if (subject) hash.update(`${versions.get(referenceKey(subject.type, subject.id)) ?? '-'}\n`);
  for (const action of actions) {
    let line = `${action.id}:${action.timestamp.getTime()}`;
    for (const role of ROLES) {
      const type = action[`${role}Type`];
      const id = action[`${role}Id`];
      if (type !== null && id !== null) line += `|${versions.get(referenceKey(type, id)) ?? '-'}`;
    }
    if (representation.saysAgo) line += `|${timesince(action.timestamp, now)}`;
    hash.update(`${line}\n`);
  }
  return `"${hash.digest('base64url')}"`;
}

/** The versions of the objects a loaded page holds (and of its subject), by referenceKey. */
export function loadedVersions(actions: readonly Action[], subject: { ref: Reference; object: Model } | null): Map<string, string | null> {
  const versions = new Map<string, string | null>();
  if (subject) versions.set(referenceKey(subject.ref.type, subject.ref.id), versionOf(subject.object));
  for (const action of actions) {
    for (const role of ROLES) {
      const type = action[`${role}Type`];
      const id = action[`${role}Id`];
      if (type === null || id === null) continue;
      const object = action[role];
      versions.set(referenceKey(type, id), object ? versionOf(object) : null);
    }
  }
  return versions;
}

/** The strong ETag of a body already made (pages whose inputs are not listed above: grouped ones). */
export function bodyTag(body: string): string {
  return `"${createHash('sha1').update(RELEASE).update('\n').update(body).digest('base64url')}"`;
}

/** Whether the client's If-None-Match names `tag` (or is "*"). Weak comparison, as RFC 9110 asks for If-None-Match. */
export function clientHas(req: Request, tag: string): boolean {
  const header = req.get('if-none-match');
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === tag);
}

/** Sets the ETag and answers 304 (empty body) when the client holds it; true when answered. */
export function answeredNotModified(req: Request, res: Response, tag: string): boolean {
  res.set('ETag', tag);
  if (!clientHas(req, tag)) return false;
  res.status(304).end();
  return true;
}
