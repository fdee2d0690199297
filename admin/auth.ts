import { ForbiddenError, type CurrentAdmin } from 'adminjs';
import type { Request } from 'express';
import { regenerateSession } from '../auth/sessions.js';
import { authenticateUser } from '../auth/users.js';
import { User } from '../models/index.js';

/** What the admin session keeps about the logged-in staff user (never the password hash). */
export interface StaffSession extends CurrentAdmin {
  id: string;
  email: string;
  title: string;
}

/**
 * AdminJS's `authenticate`: the staff user with this email and password as a session value, else
 * null. On success the session gets a new id first (AdminJS would keep the one it had before the
 * login, so a cookie planted on the victim's browser would become a logged-in session).
 */
export async function authenticateStaff(email: unknown, password: unknown, context?: { req?: Request }): Promise<StaffSession | null> {
  const user = await authenticateUser(email, password);
  if (!user || !user.isStaff) return null;
  if (context?.req?.session) await regenerateSession(context.req);
  return { id: String(user.id), email: user.email, title: user.name };
}

/**
 * The User behind the session, reloaded so a deleted or demoted user cannot keep writing with an
 * old session.
 */
export async function staffUserOf(currentAdmin: CurrentAdmin | undefined): Promise<User> {
  const id = currentAdmin?.id;
  const user = id ? await User.findByPk(id) : null;
  if (!user || !user.isStaff) throw new ForbiddenError('Only staff users can change records here.');
  return user;
}

/** Whether the user with this id still exists and is staff. */
export async function stillStaff(id: string | undefined): Promise<boolean> {
  if (!id) return false;
  const user = await User.findByPk(id, { attributes: ['id', 'isStaff'] });
  return !!user?.isStaff;
}
