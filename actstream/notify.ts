import type { Model, Transaction } from 'sequelize';
import { ActstreamArgumentError } from './errors.js';
import { Action } from './models.js';
import { FAN_OUT_BATCH, existingRecipients, insertFollowersNotifications, insertNotifications } from './notification-queries.js';
import { referenceOf } from './registry.js';
import { currentBackend, currentSettings } from './settings.js';
import type { SqlSession, SqlWriter } from './sql/index.js';
import { allOrNothing } from './transactions.js';

// Fan-out on write: an action addressed to users becomes one actstream_notifications row per user,
// written in the action's transaction.

/** Everyone who follows an object: one INSERT … SELECT, however many they are. */
export interface FollowersOf {
  followersOf: Model;
  /** Only follows with this flag; default: any flag. */
  flag?: string;
  /** Users left out (the author of what is announced, say). */
  except?: Model[];
}

/** Who hears of an action: these users, or the followers of an object. */
export type Recipients = Model[] | FollowersOf;

export interface NotifyOptions {
  transaction?: Transaction | null;
}

/** Recipients checked and reduced to ids. */
export type CheckedRecipients =
  | { users: string[] }
  | { followers: { type: string; id: string; flag?: string; except: string[]; only?: string[] } };

function userIdOf(user: unknown, what: string): string {
  const { userModel } = currentSettings();
  if (!(user instanceof userModel)) throw new ActstreamArgumentError(`${what} must be ${userModel.name} instances`);
  return referenceOf(user).id;
}

/** Checks recipients before anything is written; throws ActstreamArgumentError. */
export function checkRecipients(recipients: Recipients): CheckedRecipients {
  if (Array.isArray(recipients)) {
    return { users: [...new Set(recipients.map((user) => userIdOf(user, 'notify recipients')))] };
  }
  if (typeof recipients !== 'object' || recipients === null || !('followersOf' in recipients)) {
    throw new ActstreamArgumentError('notify expects an array of users or { followersOf: object }');
  }
  const { flag, except = [] } = recipients;
  if (flag !== undefined && (typeof flag !== 'string' || flag.length > 100)) {
    throw new ActstreamArgumentError('flag must be a string of at most 100 characters');
  }
  if (!Array.isArray(except)) throw new ActstreamArgumentError('except must be an array of users');
  const { type, id } = referenceOf(recipients.followersOf);
  return { followers: { type, id, flag, except: except.map((user) => userIdOf(user, 'except')) } };
}

export function hasRecipients(recipients: CheckedRecipients): boolean {
  return 'followers' in recipients || recipients.users.length > 0;
}

export interface Delivery {
  actionId: number;
  recipients: CheckedRecipients;
}

/** The users an action is about (its actor and action object, where they are users). */
function aboutUserIds(sent: Action): string[] {
  const { userModel } = currentSettings();
  const ids = new Set<string>();
  if (sent.actorType === userModel.name) ids.add(sent.actorId);
  if (sent.actionObjectType === userModel.name && sent.actionObjectId !== null) ids.add(sent.actionObjectId);
  return [...ids];
}

/**
 * What `recipients` come to for `sent`: a private action reaches only the users it is about (as
 * only they may see it, see visibility.ts), whoever else was named.
 */
export function deliveryFor(sent: Action, recipients: CheckedRecipients): Delivery {
  if (sent.public) return { actionId: sent.id, recipients };
  const about = aboutUserIds(sent);
  if ('users' in recipients) return { actionId: sent.id, recipients: { users: recipients.users.filter((id) => about.includes(id)) } };
  return { actionId: sent.id, recipients: { followers: { ...recipients.followers, only: about } } };
}

async function skipExisting(session: SqlSession, sql: SqlWriter, actionId: number, userIds: string[]): Promise<string[]> {
  const known = new Set<string>();
  for (let start = 0; start < userIds.length; start += FAN_OUT_BATCH) {
    const rows = await session.select(existingRecipients(sql, actionId, userIds.slice(start, start + FAN_OUT_BATCH)));
    for (const row of rows) known.add(String(row.userId));
  }
  return userIds.filter((id) => !known.has(id));
}

/**
 * Writes the notifications of `deliveries`: listed users in INSERTs of FAN_OUT_BATCH rows, each
 * object's followers in one INSERT … SELECT. `fresh`: the actions were just written, so nobody has
 * them yet. Returns how many notifications were written. The caller makes it all or nothing.
 */
export async function fanOut(deliveries: Delivery[], transaction: Transaction | undefined, fresh: boolean): Promise<number> {
  const backend = currentBackend();
  const { sql } = backend;
  const at = new Date();
  return backend.session(transaction, 'write', async (session) => {
    let written = 0;
    const rows: { userId: string; actionId: number }[] = [];
    for (const { actionId, recipients } of deliveries) {
      if ('followers' in recipients && recipients.followers.only?.length === 0) continue;
      if ('users' in recipients) {
        const userIds = fresh ? recipients.users : await skipExisting(session, sql, actionId, recipients.users);
        for (const userId of userIds) rows.push({ userId, actionId });
      } else {
        written += await session.execute(insertFollowersNotifications(sql, { actionId, ...recipients.followers, skipExisting: !fresh }, at));
      }
    }
    for (let start = 0; start < rows.length; start += FAN_OUT_BATCH) {
      const batch = rows.slice(start, start + FAN_OUT_BATCH);
      await session.execute(insertNotifications(sql, batch, at));
      written += batch.length;
    }
    return written;
  });
}

/** How many statements fanOut writes with: more than one must be made all or nothing. */
function writes(deliveries: Delivery[]): number {
  let users = 0;
  let statements = 0;
  for (const { recipients } of deliveries) {
    if ('users' in recipients) users += recipients.users.length;
    else statements += 1;
  }
  return statements + Math.ceil(users / FAN_OUT_BATCH);
}

/**
 * Notifies `recipients` of an action already sent (each user at most once per action: users who
 * have it already are skipped; a private action reaches only the users it is about). Returns how
 * many notifications were written. With several statements to write, they run in a transaction of
 * their own or a savepoint of the given one.
 */
export async function notify(sent: Action, recipients: Recipients, options: NotifyOptions = {}): Promise<number> {
  const { sequelize } = currentSettings();
  if (!(sent instanceof Action) || typeof sent.id !== 'number') {
    throw new ActstreamArgumentError('notify expects an Action that was sent (with its id)');
  }
  const deliveries = [deliveryFor(sent, checkRecipients(recipients))];
  if (!hasRecipients(deliveries[0].recipients)) return 0;
  if (writes(deliveries) <= 1) return fanOut(deliveries, options.transaction ?? undefined, false);
  return allOrNothing(sequelize, options.transaction, (transaction) => fanOut(deliveries, transaction, false));
}
