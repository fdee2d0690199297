import { AsyncLocalStorage } from 'node:async_hooks';
import type { Model } from 'sequelize';

interface Context {
  actor?: Model;
  tracking: boolean;
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
