import { BaseRecord, ForbiddenError, NotFoundError, type ActionContext, type ActionHandler, type ActionRequest, type ActionResponse, type CurrentAdmin } from 'adminjs';
import type { Model, ModelStatic } from 'sequelize';
import { atomically, withActor } from '../index.js';
import { currentSettings } from '../settings.js';
import { coerceNumbers, permittedPayload } from './payload.js';
import { sequelizeModelOf } from './sequelize-model.js';

/**
 * What a resource records besides its model's own tracking, after a successful write and in the
 * same transaction (the ConcertAdmin case; a follow's staff action): given each written record's id
 * and the record (after a delete, as it was before).
 */
export type AlsoRecord = (recordId: string, record: BaseRecord) => Promise<void>;

/** The notice an admin sees when a write was undone because it could not be recorded. */
export const NOT_SAVED_MESSAGE =
  'Nothing was saved: the change and its entry in the action log could not be written together. The error was logged; please try again.';

/** How the admin's writes are recorded: who acts, and how a write that could not be recorded is answered. */
export interface Recording {
  /**
   * Also recorded after every successful write this wraps, in the same transaction (the feature
   * passes it to new and edit only).
   */
  afterSave?: AlsoRecord;
  /**
   * The user who acts for the logged-in admin (an instance of a registered model). Default: the
   * `userModel` given to setup() with the id of `currentAdmin`; a ForbiddenError when there is none.
   */
  actor?: (currentAdmin: CurrentAdmin | undefined) => Promise<Model>;
  /** Errors to throw on rather than answer with a notice (e.g. a database outage the app answers with a 503). */
  rethrow?: (error: unknown) => boolean;
  /** The notice for a write undone by this error; undefined for NOT_SAVED_MESSAGE. */
  notice?: (error: unknown) => string | undefined;
}

/** The default actor: the setup's user model, by the session's id. */
async function userOfSession(currentAdmin: CurrentAdmin | undefined): Promise<Model> {
  const id = currentAdmin?.id;
  const user = id ? await currentSettings().userModel.findByPk(String(id)) : null;
  if (!user) throw new ForbiddenError('Only a logged-in user can change records here.');
  return user;
}

/** A POST that the handler answered without validation errors: the record was really written. */
export function isSuccessfulWrite(request: ActionRequest, response: ActionResponse): boolean {
  if (request.method !== 'post') return false;
  const record = (response as { record?: { errors?: Record<string, unknown> } }).record;
  return response.notice?.type === 'success' && Object.keys(record?.errors ?? {}).length === 0;
}

/** Carries a handler's answer out of the transaction it must not commit (a failed validation). */
class NotCommitted {
  constructor(readonly response: ActionResponse) {}
}

function describeWrite(request: ActionRequest, context: ActionContext): string {
  const ids = context.records?.map((record) => record.id()) ?? [context.record?.id() ?? request.params.recordId ?? '(a new record)'];
  return `${request.params.action} of ${context.resource.id()} ${ids.join(', ')}`;
}

/** Logged with the resource and ids, so the failed write can be found and retried. */
function logNotSaved(request: ActionRequest, context: ActionContext, error: unknown): void {
  const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(`actstream admin: ${describeWrite(request, context)} was rolled back: ${reason}`);
}

/**
 * The answer to a write that was undone: an error notice and, for a form, the values as submitted,
 * so the admin can try again without typing them anew (AdminJS merges `record.params` into the form).
 */
function notSaved(request: ActionRequest, context: ActionContext, message = NOT_SAVED_MESSAGE): ActionResponse {
  const notice = { message, type: 'error' as const };
  if (context.records) return { records: context.records.map((record) => record.toJSON(context.currentAdmin)), notice };
  if (request.params.action === 'delete' && context.record) return { record: context.record.toJSON(context.currentAdmin), notice };
  const params = { ...(context.record?.params ?? {}), ...(request.payload ?? {}) };
  return { record: new BaseRecord(params, context.resource).toJSON(context.currentAdmin), notice };
}

/**
 * Wraps one of AdminJS's write handlers so that the write, the actions the models' tracking hooks
 * record for it (with the logged-in user as actor, through withActor) and `afterSave`'s actions run
 * in one transaction: all of them commit, or none does and the admin gets an error notice. A save
 * that fails validation commits nothing either.
 */
export function recordedAsStaff(handler: ActionHandler<ActionResponse>, recording: Recording = {}): ActionHandler<ActionResponse> {
  const { afterSave: alsoRecord, actor = userOfSession, rethrow = () => false, notice = () => undefined } = recording;
  return async (request: ActionRequest, response: unknown, context: ActionContext) => {
    if (request.method !== 'post') return handler(request, response, context);
    const staff = await actor(context.currentAdmin);
    try {
      return await atomically(() =>
        withActor(staff, async () => {
          const result = await handler(request, response, context);
          if (!isSuccessfulWrite(request, result)) throw new NotCommitted(result);
          const written = context.records ?? (context.record ? [context.record] : []);
          if (alsoRecord) for (const record of written) await alsoRecord(String(record.id()), record);
          return result;
        }),
      );
    } catch (error) {
      if (error instanceof NotCommitted) return error.response;
      // AdminJS answers these itself (a missing record, a forbidden action); the app may answer
      // others its own way (an unreachable database with a 503 and Retry-After, say).
      if (error instanceof NotFoundError || error instanceof ForbiddenError || rethrow(error)) throw error;
      logNotSaved(request, context, error);
      return notSaved(request, context, notice(error) ?? NOT_SAVED_MESSAGE);
    }
  };
}

const NUMERIC_TYPES = new Set(['INTEGER', 'SMALLINT', 'MEDIUMINT', 'TINYINT', 'FLOAT', 'DOUBLE', 'REAL', 'DECIMAL']);

function numericAttributes(model: ModelStatic<Model>): Set<string> {
  return new Set(
    Object.entries(model.getAttributes())
      .filter(([, attribute]) => NUMERIC_TYPES.has((attribute.type as { key?: string }).key ?? ''))
      .map(([name]) => name),
  );
}

/**
 * Before new/edit: keep only the fields of the edit form (no writing a password hash or an id
 * through the API) and give numeric columns numbers, so the recorded diff holds real changes only.
 */
export async function normalizeWrite(request: ActionRequest, context: ActionContext): Promise<ActionRequest> {
  if (request.method !== 'post' || !request.payload) return request;
  const editable = new Set(context.resource.decorate().getProperties({ where: 'edit' }).map((property) => property.name()));
  const numeric = numericAttributes(sequelizeModelOf(context.resource));
  return { ...request, payload: coerceNumbers(permittedPayload(request.payload, editable), numeric) };
}
