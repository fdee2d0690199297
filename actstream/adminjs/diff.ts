import { PRIVATE_KEY } from '../index.js';

/** One row of the before/after table of an `updated` action. */
export interface DiffRow {
  field: string;
  before: string;
  after: string;
  /** Recorded under `data.private`: staff and the person concerned see it, the public never does. */
  private: boolean;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rows for one part of the data (the public part, or `data.private`): its `changes` and `redacted`. */
function partRows(part: Record<string, unknown>, isPrivate: boolean): DiffRow[] {
  const rows: DiffRow[] = [];
  if (isRecord(part.changes)) {
    for (const [field, change] of Object.entries(part.changes)) {
      if (!isRecord(change) || !('old' in change || 'new' in change)) continue;
      rows.push({ field, before: show(change.old), after: show(change.new), private: isPrivate });
    }
  }
  if (Array.isArray(part.redacted)) {
    for (const field of part.redacted) {
      if (typeof field === 'string') rows.push({ field, before: '(hidden)', after: '(hidden, changed)', private: isPrivate });
    }
  }
  return rows;
}

/**
 * The field changes an action's data holds, as trackModel writes them (`changes: { field: { old, new } }`
 * for public fields, the same under `private` for the others, excluded fields named in
 * `private.redacted`), as one table sorted by field, private rows marked. Staff see both.
 */
export function diffRows(data: unknown): DiffRow[] {
  if (!isRecord(data)) return [];
  const hidden = data[PRIVATE_KEY];
  const rows = [...partRows(data, false), ...(isRecord(hidden) ? partRows(hidden, true) : [])];
  return rows.sort((a, b) => a.field.localeCompare(b.field));
}
