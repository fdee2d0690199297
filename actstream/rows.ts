import { Action, type ActionData } from './models.js';
import { dateFromText } from './sql/datetime.js';
import { savedInstances } from './instances.js';

// Actions from the rows the hot paths read and write, typed as if Sequelize had read them.

/** Action's attributes, as a saved Action holds them. */
export interface ActionValues {
  id: number;
  actorType: string;
  actorId: string;
  verb: string;
  description: string | null;
  targetType: string | null;
  targetId: string | null;
  actionObjectType: string | null;
  actionObjectId: string | null;
  timestamp: Date;
  public: boolean;
  data: ActionData | null;
}

/** A saved Action holding exactly `values`, as `Action.build(values, { raw: true, isNewRecord: false })` makes it. */
export function savedAction(values: ActionValues): Action {
  return savedInstances(Action, [values as unknown as Record<string, unknown>])[0];
}

function toData(value: unknown): ActionData | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? (JSON.parse(value) as ActionData) : (value as ActionData);
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/**
 * A saved Action from a row of actstream_actions (ACTION_COLUMNS, in order) as any driver returns
 * it: dates as Date or Sequelize's text, JSON as text or parsed, booleans as booleans or 1/0.
 */
export function actionFromRow(row: unknown[]): Action {
  const timestamp = row[9];
  const flag = row[10];
  return savedAction({
    id: Number(row[0]),
    actorType: row[1] as string,
    actorId: String(row[2]),
    verb: row[3] as string,
    description: (row[4] as string | null) ?? null,
    targetType: (row[5] as string | null) ?? null,
    targetId: text(row[6]),
    actionObjectType: (row[7] as string | null) ?? null,
    actionObjectId: text(row[8]),
    timestamp: timestamp instanceof Date ? timestamp : dateFromText(String(timestamp)),
    public: flag === true || flag === 1 || flag === '1',
    data: toData(row[11]),
  });
}
