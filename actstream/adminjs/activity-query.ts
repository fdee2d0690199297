import { Op, type Model, type WhereOptions } from 'sequelize';
import { Action, InvalidCursorError, loadReferences, type Reference } from '../index.js';
import { mergeByTime, type TimedRow } from './merge-by-time.js';

// The Activity view's page: a record's actions in any role, private ones too (staff see everything;
// actstream's streams are public-only). Each role and value of `public` is one range of a stream
// index (type, id, public, timestamp, id), read newest first and merged, as the Action log does.

const ROLES = [
  ['actorType', 'actorId'],
  ['targetType', 'targetId'],
  ['actionObjectType', 'actionObjectId'],
] as const;

export interface ActivityPage {
  actions: Action[];
  next: string | null;
}

function encode(row: TimedRow): string {
  return `${row.timestamp.getTime()}.${row.id}`;
}

function decode(cursor: string): TimedRow {
  const match = /^(\d{1,15})\.(\d{1,15})$/.exec(cursor);
  if (!match) throw new InvalidCursorError('expected the "next" value of a previous page');
  return { timestamp: new Date(Number(match[1])), id: Number(match[2]) };
}

function referenceOfRecord(instance: Model): Reference {
  const model = instance.constructor as typeof Model;
  return { type: model.name, id: String(instance.get(model.primaryKeyAttribute)) };
}

/** One page of the record's actions, public and private, newest first; `before` is a previous page's `next`. */
export async function recordActivity(instance: Model, { before, limit }: { before: string | null; limit: number }): Promise<ActivityPage> {
  const { type, id } = referenceOfRecord(instance);
  const after = before === null ? null : decode(before);
  const older: WhereOptions = after
    ? { [Op.or]: [{ timestamp: { [Op.lt]: after.timestamp } }, { timestamp: after.timestamp, id: { [Op.lt]: after.id } }] }
    : {};
  const ranges = await Promise.all(
    ROLES.flatMap(([typeColumn, idColumn]) =>
      [true, false].map((isPublic) =>
        Action.findAll({
          attributes: ['id', 'timestamp'],
          where: { [typeColumn]: type, [idColumn]: id, public: isPublic, ...older },
          order: [['timestamp', 'DESC'], ['id', 'DESC']],
          limit: limit + 1,
        }),
      ),
    ),
  );
  // An action can name the record in two roles: keep it once.
  const merged = ranges.reduce<Action[]>((all, range) => mergeByTime(all, range, 'DESC'), []);
  const ids = [...new Set(merged.map((row) => row.id))].slice(0, limit + 1);
  const rows = ids.length ? await Action.findAll({ where: { id: { [Op.in]: ids } }, order: [['timestamp', 'DESC'], ['id', 'DESC']] }) : [];
  const actions = rows.slice(0, limit);
  await loadReferences(actions);
  return { actions, next: rows.length > limit ? encode(actions[actions.length - 1]) : null };
}
