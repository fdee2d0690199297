import { Router, type Request } from 'express';
import { z } from 'zod';
import { decodeCursor, InvalidCursorError, type LiveCursorFrom } from 'actstream';
import { tokenOwner } from '../../auth/tokens.js';
import type { User } from '../../models/index.js';
import { LiveClient, type AuthCheck } from '../events/sse-client.js';
import type { LiveHub } from '../events/hub.js';
import { parseStreams } from '../events/subscriptions.js';
import { caller, type Caller } from '../middleware/caller.js';
import { HttpError } from '../shared/errors.js';
import { handler } from '../shared/handler.js';
import { baseUrl } from '../shared/urls.js';

// Tokens never travel in the URL (logs, history, Referer): a strict query refuses any other parameter.
export const EventsQuery = z.strictObject({
  streams: z.string().min(1).max(2000).describe('Comma-separated: user, notifications, object:<type>:<id>[:<role>], model:<type>'),
  lastEventId: z.string().min(1).max(6000).optional().describe('Resume after this event id (the Last-Event-ID header wins)'),
});

/** How long a browser waits before reconnecting. */
const RETRY_MS = 2000;

function sessionUser(session: unknown): number | undefined {
  const data = session as { userId?: unknown; adminUser?: { id?: unknown } } | null | undefined;
  const id = Number(data?.userId ?? data?.adminUser?.id);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** Whether the credentials the stream opened with still name the same user. */
function authCheck(req: Request, found: Caller): AuthCheck {
  const userId = found.user.id;
  if (found.method === 'token') {
    const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
    return async () => (await tokenOwner(token, 'api'))?.user.id === userId;
  }
  const { sessionStore, sessionID } = req;
  return () =>
    new Promise<boolean>((resolve, reject) =>
      sessionStore.get(sessionID, (error: unknown, session) => (error ? reject(error) : resolve(sessionUser(session) === userId))),
    );
}

function resumeFrom(req: Request, query: z.infer<typeof EventsQuery>): LiveCursorFrom | undefined {
  const id = req.get('last-event-id') ?? query.lastEventId;
  if (id === undefined) return undefined;
  try {
    return decodeCursor(id);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new HttpError(400, 'invalid_cursor', error.message, { parameter: 'lastEventId' });
    throw error;
  }
}

/**
 * GET /events?streams=…: new actions as Server-Sent Events. Everything is checked before the
 * stream opens (a 4xx JSON error otherwise); then `action`, `action.deleted`, and for the
 * notifications stream `notification` and `unread-count` events, each with an id to resume from.
 */
export function eventRoutes(hub: LiveHub): Router {
  const router = Router();
  router.get(
    '/events',
    handler(async (req, res) => {
      const query = EventsQuery.parse(req.query);
      const found = await caller(req);
      const user: User | null = found?.user ?? null;
      const streams = await parseStreams(query.streams, user);
      const from = resumeFrom(req, query);
      const owner = user ? `user:${user.id}` : `ip:${req.ip}`;
      hub.admit(owner);
      const client = new LiveClient(req, res, {
        streams,
        user,
        owner,
        base: baseUrl(req),
        position: { actions: { high: 0, gaps: [] }, notifications: { high: 0, gaps: [] }, changes: { high: 0, gaps: [] } },
        authorised: found ? authCheck(req, found) : undefined,
        maxBuffer: hub.limits.maxBuffer,
      });
      try {
        await hub.attach(client, from, () => client.open(RETRY_MS));
      } catch (error) {
        // Before the stream opened, the error is answered as JSON; after, only closing it is left
        // (the client reconnects and resumes).
        if (!res.headersSent) throw error;
        hub.failed(error);
        client.end('error', { reason: 'could not start the stream; reconnect' });
      }
    }),
  );
  return router;
}
