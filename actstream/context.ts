import { AsyncLocalStorage } from 'node:async_hooks';
import type { Model } from 'sequelize';

/** Receives a trackModel hook's failure to record (the write itself already happened). */
export type TrackingFailureHandler = (error: unknown, instance: Model, verb: string) => void;

interface Context {
  actor?: Model;
  tracking: boolean;
  onTrackingFailure?: TrackingFailureHandler;
}

// Hooks cannot be handed arguments, so who is acting travels with the async call chain.
const storage = new AsyncLocalStorage<Context>();

function current(): Context {
  return storage.getStore() ?? { tracking: true };
}

/** Runs `fn` with `actor` as the ambient actor that `trackModel` hooks (and `currentActor()`) see. */
export function withActor<T>(actor: Model, fn: () => T): T {
  return storage.run({ ...current(), actor }, fn);
}

/** The ambient actor set by the nearest enclosing `withActor`, if any. */
export function currentActor(): Model | undefined {
  return current().actor;
}

/** Runs `fn` with `trackModel` hooks silenced (imports, fixtures, writes already recorded elsewhere). */
export function withoutTracking<T>(fn: () => T): T {
  return storage.run({ ...current(), tracking: false }, fn);
}

/** False inside `withoutTracking`. */
export function isTracking(): boolean {
  return current().tracking;
}

/**
 * Runs `fn` so that a `trackModel` hook failing to write its action hands the error to `handler`
 * instead of failing the save (an admin keeps the edit and is told). Outside it, failures throw.
 */
export function whenTrackingFails<T>(handler: TrackingFailureHandler, fn: () => T): T {
  return storage.run({ ...current(), onTrackingFailure: handler }, fn);
}

/** Hands a tracking failure to the nearest `whenTrackingFails` handler; false when there is none. */
export function reportTrackingFailure(error: unknown, instance: Model, verb: string): boolean {
  const handler = current().onTrackingFailure;
  if (!handler) return false;
  handler(error, instance, verb);
  return true;
}
