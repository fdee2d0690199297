/** One row of the before/after table of an `updated` action. */
export interface DiffRow {
  field: string;
  before: string;
  after: string;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The field changes an action's data holds (`{ changes: { field: { old, new } } }`, as trackModel
 * writes them) as table rows sorted by field; redacted fields show as changed without values.
 */
export function diffRows(data: unknown): DiffRow[] {
  if (!isRecord(data)) return [];
  const rows: DiffRow[] = [];
  if (isRecord(data.changes)) {
    for (const [field, change] of Object.entries(data.changes)) {
      if (!isRecord(change) || !('old' in change || 'new' in change)) continue;
      rows.push({ field, before: show(change.old), after: show(change.new) });
    }
  }
  if (Array.isArray(data.redacted)) {
    for (const field of data.redacted) {
      if (typeof field === 'string') rows.push({ field, before: '(hidden)', after: '(hidden, changed)' });
    }
  }
  return rows.sort((a, b) => a.field.localeCompare(b.field));
}
