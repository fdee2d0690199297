import { Action } from 'actstream';

export interface PathCount<T> {
  result: T;
  /** Calls of Action.create / Action.bulkCreate: actstream's slow path (the fast one writes its own INSERT). */
  creates: number;
  bulkCreates: number;
}

/** Runs `fn` and counts how often it went through Action.create and Action.bulkCreate. */
export async function countSlowPath<T>(fn: () => Promise<T>): Promise<PathCount<T>> {
  const counts = { create: 0, bulkCreate: 0 };
  const spied = ['create', 'bulkCreate'] as const;
  const owned = spied.map((name) => Object.getOwnPropertyDescriptor(Action, name));
  for (const name of spied) {
    const original = Action[name] as (...args: unknown[]) => unknown;
    Object.defineProperty(Action, name, {
      configurable: true,
      writable: true,
      value(this: typeof Action, ...args: unknown[]) {
        counts[name]++;
        return original.apply(this, args);
      },
    });
  }
  try {
    return { result: await fn(), creates: counts.create, bulkCreates: counts.bulkCreate };
  } finally {
    spied.forEach((name, i) => {
      const descriptor = owned[i];
      if (descriptor) Object.defineProperty(Action, name, descriptor);
      else delete (Action as unknown as Record<string, unknown>)[name];
    });
  }
}
