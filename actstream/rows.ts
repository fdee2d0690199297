import type { Sequelize } from 'sequelize';
import { Action, type ActionData } from './models.js';

// The hot paths (a page of a stream, send) run SQL written once per shape and turn the rows into
// Actions here, instead of paying for Sequelize's per-query SQL generation and type sniffing. Each
// driver returns the columns a little differently; this is the one place that knows how.

/** An actstream_actions row as a driver returns it. */
export type ActionRow = Record<string, unknown>;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The timestamp as the column stores it, for binding: the same text Sequelize writes on SQLite and MySQL. */
export function timestampParameter(sequelize: Sequelize, date: Date): Date | string {
  const dialect = sequelize.getDialect();
  if (dialect === 'postgres') return date;
  const text =
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
  // SQLite compares the stored text, so the offset suffix must match Sequelize's exactly.
  return dialect === 'sqlite' ? `${text} +00:00` : text;
}

/** A date column's value as a Date: drivers give Dates, SQLite the text Sequelize wrote ("YYYY-MM-DD HH:MM:SS.mmm +00:00"; bare is UTC). */
export function dateFromText(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[+-]\d\d:\d\d$|Z$/.test(text) ? text : `${text}Z`);
}

function toData(value: unknown): ActionData | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? (JSON.parse(value) as ActionData) : (value as ActionData);
}

function toReferenceId(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** A saved Action from its row, typed as if Sequelize had read it. */
export function actionFromRow(row: ActionRow): Action {
  return Action.build(
    {
      id: Number(row.id),
      actorType: row.actorType as string,
      actorId: String(row.actorId),
      verb: row.verb as string,
      description: (row.description as string | null) ?? null,
      targetType: (row.targetType as string | null) ?? null,
      targetId: toReferenceId(row.targetId),
      actionObjectType: (row.actionObjectType as string | null) ?? null,
      actionObjectId: toReferenceId(row.actionObjectId),
      timestamp: dateFromText(row.timestamp),
      public: Boolean(row.public),
      data: toData(row.data),
    },
    { raw: true, isNewRecord: false },
  );
}
