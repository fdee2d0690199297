import { User } from '../models/index.js';

/** The user with this email and password, or null. Runs scrypt even for unknown emails (no timing hint). */
export async function authenticateUser(email: unknown, password: unknown): Promise<User | null> {
  if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) return null;
  const user = await User.findOne({ where: { email: email.trim().toLowerCase() } });
  const ok = await (user ?? User.build({ email: 'nobody@example.invalid', name: 'nobody' })).checkPassword(password);
  return user && ok ? user : null;
}

/** Creates a staff user with this email and password unless one with the email exists. Returns it. */
export async function ensureStaffUser(email: string, password: string, name = 'Admin'): Promise<User> {
  const normalised = email.trim().toLowerCase();
  const existing = await User.findOne({ where: { email: normalised } });
  if (existing) return existing;
  const user = User.build({ email: normalised, name, isStaff: true });
  await user.setPassword(password);
  return user.save();
}
