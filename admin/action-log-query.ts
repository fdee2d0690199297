import { Op, type WhereOptions } from 'sequelize';
import { Action } from 'actstream';
import { comesBefore, mergeByTime, type TimedRow } from 'actstream/adminjs';
import type { ActionLogFilters } from './action-log-filters.js';

// (timestamp, id) merging lives in actstream/adminjs (its Activity view merges the same way).
export { mergeByTime, type TimedRow };

const EXACT = ['actorType', 'actorId', 'verb', 'actionObjectType', 'actionObjectId', 'targetType', 'targetId', 'public'] as const;

/**
 * The WHERE of an Action log query: exact matches (model names, ids, verbs, public), never LIKE, so
 * the (type[, id], public, timestamp, id) stream indexes (actstream/migrations) serve them; then the
 * inclusive time range.
 */
export function actionLogWhere(filters: ActionLogFilters): WhereOptions {
  const conditions: WhereOptions[] = [];
  for (const key of EXACT) {
    if (filters[key] !== undefined) conditions.push({ [key]: filters[key] });
  }
  if (filters.from) conditions.push({ timestamp: { [Op.gte]: filters.from } });
  if (filters.to) conditions.push({ timestamp: { [Op.lte]: filters.to } });
  return { [Op.and]: conditions };
}

/** Whether the filters pick a type index, ordered by time within each value of `public`. */
export function hasTypeFilter(filters: ActionLogFilters): boolean {
  return filters.actorType !== undefined || filters.targetType !== undefined || filters.actionObjectType !== undefined;
}

/**
 * The filters' WHERE once per value of `public` they allow. Every stream index has `public` just
 * before (timestamp, id), so each of these reads one index range in time order; the caller merges them.
 */
export function wherePerVisibility(filters: ActionLogFilters): WhereOptions[] {
  if (filters.public !== undefined) return [actionLogWhere(filters)];
  return [true, false].map((visibility) => actionLogWhere({ ...filters, public: visibility }));
}

/** Two async sequences, each newest first, merged newest first (reading each only as far as needed). */
export async function* mergeNewestFirst<T extends TimedRow>(a: AsyncGenerator<T>, b: AsyncGenerator<T>): AsyncGenerator<T> {
  try {
    let x = await a.next();
    let y = await b.next();
    while (!x.done || !y.done) {
      if (y.done || (!x.done && comesBefore(x.value, y.value, 'DESC'))) {
        yield x.value as T;
        x = await a.next();
      } else {
        yield y.value;
        y = await b.next();
      }
    }
  } finally {
    await Promise.all([a.return(undefined), b.return(undefined)]);
  }
}

export interface ReadOptions {
  /** Rows per statement. */
  pageSize?: number;
}

const NEWEST_FIRST: [string, string][] = [
  ['timestamp', 'DESC'],
  ['id', 'DESC'],
];

/** The actions matching `where`, newest first, a page per statement, each page starting after the last row of the one before. */
async function* keysetPages(where: WhereOptions, { pageSize = 1000 }: ReadOptions): AsyncGenerator<Action> {
  let last: Action | undefined;
  for (;;) {
    const after: WhereOptions[] = last
      ? // A plain range on timestamp (index-friendly everywhere), then the tie-break on id.
        [{ timestamp: { [Op.lte]: last.timestamp } }, { [Op.or]: [{ timestamp: { [Op.lt]: last.timestamp } }, { id: { [Op.lt]: last.id } }] }]
      : [];
    const page = await Action.findAll({ where: { [Op.and]: [where, ...after] }, order: NEWEST_FIRST, limit: pageSize });
    yield* page;
    if (page.length < pageSize) return;
    last = page[page.length - 1];
  }
}

/**
 * Every action matching the filters, newest first, read by keyset pages (never OFFSET, so the
 * millionth row costs what the first does), public and private ones each from their index range
 * and merged. Holds one page per range in memory.
 */
export function actionLogRows(filters: ActionLogFilters, options: ReadOptions = {}): AsyncGenerator<Action> {
  const [first, second] = wherePerVisibility(filters).map((where) => keysetPages(where, options));
  return second ? mergeNewestFirst(first, second) : first;
}
