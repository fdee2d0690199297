import { randomBytes } from 'node:crypto';
import { Group, User } from '../../models/index.js';
import { createToken } from '../../auth/tokens.js';
import { ensureStaffUser } from '../../auth/users.js';

export type ClientKind = 'token' | 'session' | 'follower' | 'admin';

export interface LoadClient {
  index: number;
  kind: ClientKind;
  userId: number;
  email: string;
  /** Bearer token (token and follower clients). */
  token?: string;
}

export interface LoadWorld {
  run: string;
  password: string;
  staff: { id: number; email: string };
  clients: LoadClient[];
  /** Groups actions and follows point at. */
  groupIds: number[];
}

/** Which kind of work client `i` does: one in ten edits in the admin, one logs in with a session, one follows. */
export function kindOf(i: number): ClientKind {
  const slot = i % 10;
  return slot === 0 ? 'admin' : slot === 1 ? 'session' : slot === 2 ? 'follower' : 'token';
}

/**
 * One user per client (named after this run, so runs on the same database never mix), bearer tokens
 * for token clients, passwords for session clients, a staff user for admin clients, a few groups.
 * Written directly (no tracking hooks in this process), before the server starts.
 */
export async function seedLoadWorld(clients: number): Promise<LoadWorld> {
  const run = randomBytes(4).toString('hex');
  const password = randomBytes(12).toString('base64url');
  const staff = await ensureStaffUser(`load-${run}-staff@example.test`, password, `Load staff ${run}`);
  const groups = await Group.bulkCreate(Array.from({ length: 10 }, (_, i) => ({ name: `Load ${run} group ${i}` })));
  const list: LoadClient[] = [];
  for (let index = 0; index < clients; index++) {
    const kind = kindOf(index);
    const user = User.build({ email: `load-${run}-${index}@example.test`, name: `Load ${run} user ${index}` });
    if (kind === 'session') await user.setPassword(password);
    await user.save();
    const client: LoadClient = { index, kind, userId: user.id, email: user.email };
    if (kind === 'token' || kind === 'follower') client.token = (await createToken(user, 'load', 'api')).token;
    list.push(client);
  }
  return { run, password, staff: { id: staff.id, email: staff.email }, clients: list, groupIds: groups.map((g) => g.id) };
}
