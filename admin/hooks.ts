import type { ActionContext, ActionHandler, ActionRequest, ActionResponse, NoticeMessage } from 'adminjs';
import type { Model, ModelStatic } from 'sequelize';
import { whenTrackingFails, withActor } from '../actstream/index.js';
import { staffUserOf } from './auth.js';
import { coerceNumbers, permittedPayload } from './payload.js';
import { sequelizeModelOf } from './sequelize-resource.js';

/** An admin write that was saved but whose action could not be written. */
export interface RecordingFailure {
  type: string;
  id: string;
  verb: string;
  error: unknown;
}

function describe(instance: Model): { type: string; id: string } {
  const model = instance.constructor as ModelStatic<Model>;
  return { type: model.name, id: String(instance.get(model.primaryKeyAttribute)) };
}

/** Logged with the record's type and id, so the missing action can be found and written by hand. */
export function logRecordingFailure(failure: RecordingFailure): void {
  const reason = failure.error instanceof Error ? failure.error.stack ?? failure.error.message : String(failure.error);
  console.error(`actstream admin: ${failure.type} ${failure.id} was saved but its "${failure.verb}" action was not recorded: ${reason}`);
}

/** The notice an admin sees when the save went through but its activity was not recorded. */
export function recordingFailureNotice(failures: readonly RecordingFailure[]): NoticeMessage {
  const records = [...new Set(failures.map((f) => `${f.type} ${f.id}`))].join(', ');
  return {
    message: `Saved (${records}), but recording the change in the action log failed. The error was logged.`,
    type: 'error',
  };
}

/** A POST that the handler answered without validation errors: the record was really written. */
export function isSuccessfulWrite(request: ActionRequest, response: ActionResponse): boolean {
  if (request.method !== 'post') return false;
  const record = (response as { record?: { errors?: Record<string, unknown> } }).record;
  if (!record) return false;
  // An error notice means a failed write, unless it only reports that recording failed (asStaff).
  const failed = response.notice?.type === 'error' && response.recordingFailed !== true;
  return Object.keys(record.errors ?? {}).length === 0 && !failed;
}

/**
 * Wraps one of AdminJS's write handlers so that the Sequelize tracking hooks the write triggers see
 * the logged-in staff user as actor (withActor) and, if writing an action fails after the record
 * was saved, the write stands and the admin gets a notice instead of an error page.
 */
export function asStaff(handler: ActionHandler<ActionResponse>): ActionHandler<ActionResponse> {
  return async (request: ActionRequest, response: unknown, context: ActionContext) => {
    if (request.method !== 'post') return handler(request, response, context);
    const staff = await staffUserOf(context.currentAdmin);
    const failures: RecordingFailure[] = [];
    const result = await whenTrackingFails(
      (error, instance, verb) => failures.push({ ...describe(instance), verb, error }),
      () => withActor(staff, async () => handler(request, response, context)),
    );
    if (failures.length > 0) {
      failures.forEach(logRecordingFailure);
      return { ...result, notice: recordingFailureNotice(failures), recordingFailed: true };
    }
    return result;
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
