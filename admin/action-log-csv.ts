import { stringify, type Stringifier } from 'csv-stringify';
import type { Action } from 'actstream';
import type { ReferenceLabels } from './reference-labels.js';

/** The columns of the Action log's CSV export, in order. */
export const CSV_COLUMNS = [
  'id',
  'timestamp',
  'actor_type',
  'actor_id',
  'actor',
  'verb',
  'action_object_type',
  'action_object_id',
  'action_object',
  'target_type',
  'target_id',
  'target',
  'public',
  'description',
  'data',
] as const;

/** One action as a CSV row (`labels` has loaded its references). */
export function csvRow(action: Action, labels: ReferenceLabels): string[] {
  return [
    String(action.id),
    action.timestamp.toISOString(),
    action.actorType,
    action.actorId,
    labels.label(action.actorType, action.actorId),
    action.verb,
    action.actionObjectType ?? '',
    action.actionObjectId ?? '',
    labels.label(action.actionObjectType, action.actionObjectId),
    action.targetType ?? '',
    action.targetId ?? '',
    labels.label(action.targetType, action.targetId),
    String(action.public),
    action.description ?? '',
    action.data === null ? '' : JSON.stringify(action.data),
  ];
}

/**
 * A stream turning rows into CSV text: RFC 4180 quoting, a header, a BOM so spreadsheets read UTF-8,
 * and cells that start with = + - @ (or tab, CR) prefixed with a quote so a spreadsheet shows them
 * as text instead of running them as formulas (OWASP's CSV injection advice).
 */
export function csvStringifier(): Stringifier {
  return stringify({ header: true, columns: [...CSV_COLUMNS], bom: true, escape_formulas: true, record_delimiter: 'windows' });
}
