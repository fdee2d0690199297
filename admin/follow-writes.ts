import { BaseRecord, type ActionContext, type ActionHandler, type ActionRequest, type ActionResponse } from 'adminjs';
import type { Model, ModelStatic } from 'sequelize';
import { action, currentActor, Follow, labelOfReference, registry } from 'actstream';
import { User } from '../models/index.js';
import type { AlsoRecord } from 'actstream/adminjs';

/** The verbs of what staff did to a follow: "Sam added follower Ann on Climbers". */
export const FOLLOW_VERBS = { added: 'added follower', removed: 'removed follower' } as const;

/** The fields of the new-follow form. */
export const FOLLOW_FORM_FIELDS = ['userId', 'contentType', 'objectId', 'flag', 'actorOnly'] as const;

type FieldErrors = Partial<Record<(typeof FOLLOW_FORM_FIELDS)[number], string>>;

interface FollowInput {
  user: User;
  object: Model;
  contentType: string;
  objectId: string;
  flag: string;
  actorOnly: boolean;
}

const INTEGER_TYPES = new Set(['INTEGER', 'BIGINT', 'SMALLINT', 'MEDIUMINT', 'TINYINT']);

/** Whether `id` can be a primary key of `model`: a text id given for a number would abort PostgreSQL's transaction. */
function idFits(model: ModelStatic<Model>, id: string): boolean {
  const key = (model.getAttributes()[model.primaryKeyAttribute]?.type as { key?: string } | undefined)?.key ?? '';
  return INTEGER_TYPES.has(key) ? /^\d{1,15}$/.test(id) : id.length <= 100 && !id.includes('\u0000');
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '');

function booleanField(value: unknown): boolean | null {
  if (value === undefined || value === '' || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  return null;
}

/** The form's values checked against the database: the user, the registered object, a short flag. */
async function readFollowForm(payload: Record<string, unknown>): Promise<{ input?: FollowInput; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  const userId = text(payload.userId);
  const contentType = text(payload.contentType);
  const objectId = text(payload.objectId);
  const flag = typeof payload.flag === 'string' ? payload.flag : '';
  const actorOnly = booleanField(payload.actorOnly);

  const user = /^\d{1,15}$/.test(userId) ? await User.findByPk(Number(userId)) : null;
  if (!user) errors.userId = userId ? `No user with id ${userId}.` : 'Choose the user who follows.';
  const model = registry.models().get(contentType);
  if (!model) errors.contentType = contentType ? `"${contentType}" is not a followable type.` : 'Choose the type of the followed object.';
  let object: Model | null = null;
  if (!objectId) errors.objectId = 'Give the id of the followed object.';
  else if (model) {
    object = idFits(model, objectId) ? await model.findByPk(objectId) : null;
    if (!object) errors.objectId = `No ${contentType} with id ${objectId}.`;
  }
  if (flag.length > 100 || flag.includes('\u0000')) errors.flag = 'A flag is at most 100 characters, without NUL.';
  if (actorOnly === null) errors.actorOnly = 'Actor only is true or false.';
  if (Object.keys(errors).length > 0 || !user || !object || !model || actorOnly === null) return { errors };
  const id = String(object.get(model.primaryKeyAttribute));
  const existing = await Follow.findOne({ where: { userId: String(user.id), contentType, objectId: id, flag } });
  if (existing) errors.flag = `${user.toString()} already follows this ${contentType}${flag ? ` as "${flag}"` : ''}.`;
  return Object.keys(errors).length > 0 ? { errors } : { input: { user, object, contentType, objectId: id, flag, actorOnly }, errors };
}

/** The form again, with what was typed and a message under each wrong field (AdminJS's validation answer). */
function invalid(request: ActionRequest, context: ActionContext, errors: FieldErrors): ActionResponse {
  const record = new BaseRecord({ ...(request.payload ?? {}) }, context.resource);
  for (const [path, message] of Object.entries(errors)) record.errors[path] = { type: 'validation', message };
  return { record: record.toJSON(context.currentAdmin), notice: { message: 'thereWereValidationErrors', type: 'error' } };
}

/**
 * The Follow resource's `new`: a follow made by staff for a user. Checked first (the user and the
 * object exist, the follow does not yet), then written; wrapped in recordedAsStaff, so the follow
 * and the staff action `recordFollowChange` records commit together. No "started following" is sent:
 * the user did not do it.
 */
export const createFollow: ActionHandler<ActionResponse> = async (request, _response, context) => {
  if (request.method !== 'post') return {};
  const { input, errors } = await readFollowForm(request.payload ?? {});
  if (!input) return invalid(request, context, errors);
  const created = await Follow.create({
    userId: String(input.user.id),
    contentType: input.contentType,
    objectId: input.objectId,
    flag: input.flag,
    actorOnly: input.actorOnly,
    started: new Date(),
  });
  const record = await context.resource.findOne(String(created.id), context);
  context.record = record ?? undefined;
  return {
    redirectUrl: context.h.resourceUrl({ resourceId: context.resource.decorate().id() }),
    notice: { message: 'successfullyCreated', type: 'success' },
    record: (record ?? new BaseRecord(created.get({ plain: true }), context.resource)).toJSON(context.currentAdmin),
  };
};

/** The registered object a follow record points at, or null when it is gone. */
async function followed(params: Record<string, unknown>): Promise<{ object: Model | null; type: string; id: string }> {
  const type = String(params.contentType ?? '');
  const id = String(params.objectId ?? '');
  const model = registry.models().get(type);
  return { object: model && idFits(model, id) ? await model.findByPk(id) : null, type, id };
}

/**
 * What staff did to a follow, as an action in the write's transaction: the staff user (recordedAsStaff's
 * actor) added or removed the user as a follower of the object, with the follow's flag and scope as
 * data. Follows are public, so the action is too.
 */
export function recordFollowChange(verb: string): AlsoRecord {
  return async (_recordId, record) => {
    const staff = currentActor();
    if (!staff) throw new Error('A follow change in the admin must run as a staff user (recordedAsStaff)');
    const params = record.params;
    const user = await User.findByPk(String(params.userId ?? ''));
    const { object, type, id } = await followed(params);
    const data = { flag: String(params.flag ?? ''), actorOnly: params.actorOnly === true || params.actorOnly === 'true' };
    await action.send(staff, {
      verb,
      actionObject: user,
      target: object,
      data,
      // A follow whose user or object is already gone still says whose it was.
      description: user && object ? null : `Follow of ${labelOfReference(type, id)} by ${user ? user.toString() : `User ${String(params.userId)}`}`,
    });
  };
}
