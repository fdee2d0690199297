// Django's timesince: the largest non-zero unit and, if non-zero, the next one down
// ("3 hours, 2 minutes", "1 year, 2 months"). Years and months follow the calendar.

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const SECONDS = { week: 604800, day: 86400, hour: 3600, minute: 60 };
const UNITS = ['year', 'month', 'week', 'day', 'hour', 'minute'] as const;

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** Time from `then` to `now` in words, at most two adjacent units; "0 minutes" when `then` is not in the past. */
export function timesince(then: Date, now: Date = new Date()): string {
  if (now.getTime() - then.getTime() <= 0) return plural(0, 'minute');

  let months = (now.getUTCFullYear() - then.getUTCFullYear()) * 12 + (now.getUTCMonth() - then.getUTCMonth());
  const timeOfMonth = (d: Date) => d.getTime() - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  if (timeOfMonth(then) > timeOfMonth(now)) months -= 1;

  // Shift `then` forward by whole months; what is left is counted in fixed-length units.
  const pivotMonthIndex = then.getUTCMonth() + months;
  const pivotYear = then.getUTCFullYear() + Math.floor(pivotMonthIndex / 12);
  const pivotMonth = ((pivotMonthIndex % 12) + 12) % 12;
  const pivot = Date.UTC(
    pivotYear,
    pivotMonth,
    Math.min(MONTH_DAYS[pivotMonth], then.getUTCDate()),
    then.getUTCHours(),
    then.getUTCMinutes(),
    then.getUTCSeconds(),
    then.getUTCMilliseconds(),
  );
  let remaining = Math.floor((now.getTime() - pivot) / 1000);
  const parts = [Math.floor(months / 12), months % 12];
  for (const seconds of Object.values(SECONDS)) {
    parts.push(Math.floor(remaining / seconds));
    remaining %= seconds;
  }

  const first = parts.findIndex((value) => value > 0);
  if (first === -1) return plural(0, 'minute');
  const words = [plural(parts[first], UNITS[first])];
  if (first + 1 < parts.length && parts[first + 1] > 0) words.push(plural(parts[first + 1], UNITS[first + 1]));
  return words.join(', ');
}
