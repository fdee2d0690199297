import { createHash, randomBytes } from 'node:crypto';
import { ApiToken, User } from '../models/index.js';
import type { TokenScope } from '../models/api-token.js';

const PREFIX = { api: 'ast_', feed: 'asf_' } as const;
const LAST_USED_RESOLUTION_MS = 60_000;

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Makes a new random token for `user`; the token itself is returned once and never stored. */
export async function createToken(user: User, name: string, scope: TokenScope): Promise<{ record: ApiToken; token: string }> {
  // 32 random bytes: a fast hash is enough, nobody can guess such a token offline.
  const token = PREFIX[scope] + randomBytes(32).toString('base64url');
  const record = await ApiToken.create({ userId: user.id, name, scope, tokenHash: hashOf(token) });
  return { record, token };
}

/** The user a token of this scope belongs to, or null for an unknown or revoked token. */
export async function userForToken(token: string, scope: TokenScope): Promise<User | null> {
  return (await tokenOwner(token, scope))?.user ?? null;
}

/** The token's record and its user, or null for an unknown or revoked token. */
export async function tokenOwner(token: string, scope: TokenScope): Promise<{ record: ApiToken; user: User } | null> {
  if (!token.startsWith(PREFIX[scope]) || token.length > 200) return null;
  // The token and its owner in one statement: this runs on every token-authenticated request.
  const record = await ApiToken.findOne({ where: { tokenHash: hashOf(token), scope }, include: ['owner'] });
  if (!record) return null;
  const user = record.owner ?? null;
  // A write per request would serialise readers on SQLite: note the use at most once a minute.
  const now = new Date();
  if (user && (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS)) {
    await record.update({ lastUsedAt: now }, { silent: true });
  }
  return user ? { record, user } : null;
}

export function tokensOf(user: User): Promise<ApiToken[]> {
  return ApiToken.findAll({ where: { userId: user.id }, order: [['id', 'ASC']] });
}

/** Revokes the user's token `id`; false when they have no such token. */
export async function revokeToken(user: User, id: number): Promise<boolean> {
  return (await ApiToken.destroy({ where: { id, userId: user.id } })) > 0;
}
