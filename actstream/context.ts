import { AsyncLocalStorage } from 'node:async_hooks';
import type { Model } from 'sequelize';

/** Receives a trackModel hook's failure to record (the save goes through without its action). */
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
 * An explicit opt-in for apps that prefer availability to a complete audit trail: inside `fn`, a
 * `trackModel` hook that fails to write its action hands the error to `handler` and the save goes
 * through without its action. Outside it (the default), the failure fails the save, and in a
 * transaction nothing of it is kept.
 */
export function whenTrackingFails<T>(handler: TrackingFailureHandler, fn: () => T): T {
  return storage.run({ ...current(), onTrackingFailure: handler }, fn);
}

/** True inside `whenTrackingFails`: a failed action write must not fail the save. */
export function toleratesTrackingFailures(): boolean {
  return current().onTrackingFailure !== undefined;
}

/** Hands a tracking failure to the nearest `whenTrackingFails` handler; false when there is none. */
export function reportTrackingFailure(error: unknown, instance: Model, verb: string): boolean {
  const handler = current().onTrackingFailure;
  if (!handler) return false;
  handler(error, instance, verb);
  return true;
}
