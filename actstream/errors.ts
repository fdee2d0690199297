/** Thrown when a model (or an instance of it) is used with actstream before `registry.register`. */
export class NotRegisteredError extends Error {
  override name = 'NotRegisteredError';
  constructor(readonly modelName: string) {
    super(`${modelName} is not registered with actstream: call registry.register(${modelName}) first`);
  }
}

/** Thrown for an argument actstream cannot use (an empty verb, an unsaved instance, …). */
export class ActstreamArgumentError extends TypeError {
  override name = 'ActstreamArgumentError';
}

/** Thrown when a cursor (a stream's `before`, a follow list's `after`) is not one that a page returned. */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  constructor(
    detail: string,
    /** The option (and query parameter) that held it. */
    readonly parameter: 'before' | 'after' | 'lastEventId' = 'before',
  ) {
    super(`Malformed cursor: ${detail}`);
  }
}

/** Thrown when actstream is used before `setup(sequelize, { userModel })`. */
export class NotSetUpError extends Error {
  override name = 'NotSetUpError';
  constructor() {
    super('actstream is not set up: call setup(sequelize, { userModel }) first');
  }
}
