/** The fields of a submitted form the admin may write: those shown in the edit form (flattened keys by their root). */
export function permittedPayload(payload: Record<string, unknown>, editable: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(payload).filter(([key]) => editable.has(key.split('.')[0])));
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Forms send every value as a string. Numeric columns get numbers, so an unchanged `bandId` ("1"
 * against 1) does not read as a change in the recorded diff, and a changed one records 2, not "2".
 */
export function coerceNumbers(payload: Record<string, unknown>, numeric: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [key, numeric.has(key) && typeof value === 'string' && NUMBER.test(value) ? Number(value) : value]),
  );
}
