import type { ActionHandler, ActionResponse } from 'adminjs';
import { recordedAsStaff as recordedWith, type AlsoRecord, type Recording } from 'actstream/adminjs';
import { isDatabaseUnavailable, isUnstorableData } from '../db/errors.js';
import { staffUserOf } from './auth.js';

/** The notice for a value the database refused as sent. */
export const UNSTORABLE_MESSAGE = 'Nothing was saved: the database refused a value as sent (a bad encoding, or a value out of range).';

/**
 * How this app's admin writes are recorded (the actstream feature's options): the actor is the
 * logged-in user, reloaded and still staff; an unreachable database is answered with a 503 and
 * Retry-After as everywhere (so it is thrown on), and a value the database refused gets its own notice.
 */
export const appRecording: Recording = {
  actor: staffUserOf,
  rethrow: isDatabaseUnavailable,
  notice: (error) => (isUnstorableData(error) ? UNSTORABLE_MESSAGE : undefined),
};

/**
 * One of AdminJS's write handlers wrapped as the actstream feature wraps the app resources' (with
 * this app's recording), `alsoRecord` running after it in the same transaction: for resources that
 * do not take the feature (the Follow resource).
 */
export function recordedAsStaff(handler: ActionHandler<ActionResponse>, alsoRecord?: AlsoRecord): ActionHandler<ActionResponse> {
  return recordedWith(handler, { ...appRecording, afterSave: alsoRecord });
}
