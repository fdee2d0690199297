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
