import { Router, type RequestHandler } from 'express';
import type { ApiToken } from '../../models/index.js';
import { handler } from '../shared/handler.js';
import { HttpError, notFound } from '../shared/errors.js';
import { CreateTokenBody, TokenIdParams } from '../shared/schemas.js';
import { baseUrl } from '../shared/urls.js';
import { caller, requireUser } from '../middleware/caller.js';
import { createToken, revokeToken, tokensOf } from '../../auth/tokens.js';

function tokenJson(record: ApiToken) {
  return {
    id: record.id,
    name: record.name,
    scope: record.scope,
    createdAt: record.createdAt.toISOString(),
    lastUsedAt: record.lastUsedAt ? record.lastUsedAt.toISOString() : null,
  };
}

/** GET/POST /tokens, DELETE /tokens/:id and DELETE /tokens (the token in use): a user's own tokens. */
export function tokenRoutes(writesLimited: RequestHandler): Router {
  const router = Router();
  router.get(
    '/tokens',
    handler(async (req, res) => {
      const user = await requireUser(req);
      res.json({ tokens: (await tokensOf(user)).map(tokenJson) });
    }),
  );
  router.post(
    '/tokens',
    writesLimited,
    handler(async (req, res) => {
      const user = await requireUser(req);
      const { name, scope = 'api' } = CreateTokenBody.parse(req.body);
      const { record, token } = await createToken(user, name, scope);
      const base = baseUrl(req);
      const feedUrls =
        scope === 'feed' ? { atom: `${base}/feeds/user/${token}.atom`, rss: `${base}/feeds/user/${token}.rss` } : undefined;
      res.status(201).json({ ...tokenJson(record), token, ...(feedUrls ? { feedUrls } : {}) });
    }),
  );
  router.delete(
    '/tokens',
    handler(async (req, res) => {
      const user = await requireUser(req);
      const id = (await caller(req))?.tokenId;
      if (id === undefined) {
        throw new HttpError(400, 'invalid_request', 'Name the token: DELETE /api/tokens/:id (or call this with the bearer token to revoke)');
      }
      await revokeToken(user, id);
      res.status(204).end();
    }),
  );
  router.delete(
    '/tokens/:id',
    handler(async (req, res) => {
      const user = await requireUser(req);
      const { id } = TokenIdParams.parse(req.params);
      // Someone else's token reads as missing: no hint that it exists.
      if (!(await revokeToken(user, Number(id)))) throw notFound(`Token ${id}`);
      res.status(204).end();
    }),
  );
  return router;
}
