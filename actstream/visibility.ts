import type { Model } from 'sequelize';
import type { Action, ActionData } from './models.js';
import { referenceOf } from './registry.js';

/**
 * The key of an action's `data` that holds what only some viewers may see: trackModel puts the
 * changes of fields not declared public there (`data.private.changes`) and the names of excluded
 * fields (`data.private.redacted`); app code may put anything there. The rest of `data` is as public
 * as the action.
 */
export const PRIVATE_KEY = 'private';

/**
 * Who looks at an action:
 * - `null`: the public; also a logged-in user in any view that is not their own (a public stream);
 * - a user (an instance of a registered model): their own views (their feed, an action by id), where
 *   actions about them show their private details;
 * - `'staff'`: the admin, which shows everything.
 */
export type Viewer = Model | 'staff' | null;

/** The parts of an action that decide what a viewer sees. */
export type VisibilityFacts = Pick<Action, 'public' | 'actorType' | 'actorId' | 'actionObjectType' | 'actionObjectId' | 'data'>;

/** Whether the action is about `user`: they are its actor, or it was done to them (its action object). */
export function isAbout(action: VisibilityFacts, user: Model): boolean {
  const { type, id } = referenceOf(user);
  return (action.actorType === type && action.actorId === id) || (action.actionObjectType === type && action.actionObjectId === id);
}

/** Whether `viewer` may see `data.private` of the action. */
export function seesPrivate(action: VisibilityFacts, viewer: Viewer): boolean {
  if (viewer === null) return false;
  return viewer === 'staff' || isAbout(action, viewer);
}

/** Whether `viewer` may see the action at all: a public one, or a private one about them (or staff). */
export function canSee(action: VisibilityFacts, viewer: Viewer): boolean {
  return action.public || seesPrivate(action, viewer);
}

/** `data` without its private part (the same object when it has none). */
export function publicData(data: ActionData | null): ActionData | null {
  if (data === null || !(PRIVATE_KEY in data)) return data;
  const { [PRIVATE_KEY]: _hidden, ...rest } = data;
  return rest;
}

/** The private part of `data` (`data.private`), or null when there is none. */
export function privateData(data: ActionData | null): ActionData | null {
  const part = data?.[PRIVATE_KEY];
  return isPlainObject(part) ? part : null;
}

/**
 * The action's data as `viewer` may see it: everything for staff and for the people the action is
 * about, else without `data.private`. Every view that shows an action's data goes through here.
 */
export function visibleData(action: VisibilityFacts, viewer: Viewer): ActionData | null {
  return seesPrivate(action, viewer) ? action.data : publicData(action.data);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
