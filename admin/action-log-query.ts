import type { Filter } from 'adminjs';
import { convertFilter } from '@adminjs/sequelize';
import { Op, type WhereOptions } from 'sequelize';

/** Action log filters matched exactly (model names and verbs), not with AdminJS's default LIKE '%…%'. */
export const EXACT_FILTERS = new Set(['verb', 'actorType', 'targetType', 'actionObjectType']);

/** The WHERE of an Action log query: exact matches for EXACT_FILTERS, AdminJS's own conversion for the rest (time range). */
export function actionLogWhere(filter: Filter | undefined): WhereOptions {
  const elements = filter ? Object.values(filter.filters) : [];
  const exact: WhereOptions[] = elements
    .filter((element) => EXACT_FILTERS.has(element.property.name()) && typeof element.value === 'string')
    .map((element) => ({ [element.property.name()]: element.value as string }));
  const rest = convertFilter(elements.filter((element) => !EXACT_FILTERS.has(element.property.name()))) as WhereOptions;
  return exact.length ? { [Op.and]: [rest, ...exact] } : rest;
}

/** Filters that narrow to one of actstream's (type, public, timestamp, id) indexes. */
const TYPE_FILTERS = ['actorType', 'targetType', 'actionObjectType'];

/** Whether the filter has a type filter, whose index is ordered by time within each value of `public`. */
export function hasTypeFilter(filter: Filter | undefined): boolean {
  return !!filter && Object.values(filter.filters).some((element) => TYPE_FILTERS.includes(element.property.name()));
}

export interface TimedRow {
  id: number;
  timestamp: Date;
}

/** Two lists each in (timestamp, id) order `direction`, merged into one in that order. */
export function mergeByTime<T extends TimedRow>(a: T[], b: T[], direction: 'ASC' | 'DESC'): T[] {
  const sign = direction === 'DESC' ? -1 : 1;
  const compare = (x: T, y: T) => sign * (x.timestamp.getTime() - y.timestamp.getTime() || x.id - y.id);
  const merged: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && compare(a[i], b[j]) <= 0)) merged.push(a[i++]);
    else merged.push(b[j++]);
  }
  return merged;
}
