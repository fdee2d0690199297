/** A row in (timestamp, id) order: what the stream indexes end with. */
export interface TimedRow {
  id: number;
  timestamp: Date;
}

/** Whether `x` comes before `y` in (timestamp, id) order `direction`. */
export function comesBefore(x: TimedRow, y: TimedRow, direction: 'ASC' | 'DESC'): boolean {
  const sign = direction === 'DESC' ? -1 : 1;
  return sign * (x.timestamp.getTime() - y.timestamp.getTime() || x.id - y.id) <= 0;
}

/** Two lists each in (timestamp, id) order `direction`, merged into one in that order. */
export function mergeByTime<T extends TimedRow>(a: T[], b: T[], direction: 'ASC' | 'DESC'): T[] {
  const merged: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && comesBefore(a[i], b[j], direction))) merged.push(a[i++]);
    else merged.push(b[j++]);
  }
  return merged;
}
