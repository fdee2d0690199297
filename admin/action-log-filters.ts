import type { Filter } from 'adminjs';
import { z } from 'zod';

/**
 * What the Action log can be narrowed to: each reference by type and id, the verb, a time range and
 * public/private. The list (AdminJS's `filters.*` query) and the CSV export read the same names.
 */
export interface ActionLogFilters {
  actorType?: string;
  actorId?: string;
  verb?: string;
  actionObjectType?: string;
  actionObjectId?: string;
  targetType?: string;
  targetId?: string;
  /** Inclusive time range. */
  from?: Date;
  to?: Date;
  public?: boolean;
}

/** A filter the Action log cannot apply (unknown name, bad value): the caller answers 4xx. */
export class ActionLogFilterError extends Error {}

const type = z.string().min(1).max(100);
const id = z.string().min(1).max(100);
const time = z
  .string()
  .min(1)
  .max(40)
  .transform((value, context) => {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      context.addIssue({ code: 'custom', message: 'is not a date and time' });
      return z.NEVER;
    }
    return date;
  });

// Keys as they appear after "filters." in the query: AdminJS writes a range as "<name>~~from".
const Raw = z.strictObject({
  actorType: type.optional(),
  actorId: id.optional(),
  verb: z.string().min(1).max(255).optional(),
  actionObjectType: type.optional(),
  actionObjectId: id.optional(),
  targetType: type.optional(),
  targetId: id.optional(),
  'timestamp~~from': time.optional(),
  'timestamp~~to': time.optional(),
  public: z.enum(['true', 'false']).optional(),
});

/** Checks raw filter values (name → text) and turns them into ActionLogFilters. */
export function parseActionLogFilters(raw: Record<string, unknown>): ActionLogFilters {
  const parsed = Raw.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.code === 'unrecognized_keys' ? `unknown filter "${issue.keys[0]}"` : `filter "${issue.path.join('.')}"`;
    throw new ActionLogFilterError(`${where}: ${issue.message}`);
  }
  const { 'timestamp~~from': from, 'timestamp~~to': to, public: visibility, ...exact } = parsed.data;
  const filters: ActionLogFilters = { ...exact, from, to, public: visibility === undefined ? undefined : visibility === 'true' };
  for (const key of Object.keys(filters) as (keyof ActionLogFilters)[]) {
    if (filters[key] === undefined) delete filters[key];
  }
  if (filters.from && filters.to && filters.from > filters.to) throw new ActionLogFilterError('filter "timestamp": "from" is after "to"');
  return filters;
}

/** The filters of a query string as AdminJS's list writes them (`filters.verb=…`); other parameters are ignored. */
export function filtersFromSearch(search: URLSearchParams): ActionLogFilters {
  const raw: Record<string, string> = {};
  for (const key of new Set(search.keys())) {
    if (!key.startsWith('filters.')) continue;
    const values = search.getAll(key);
    if (values.length > 1) throw new ActionLogFilterError(`filter "${key.slice('filters.'.length)}" is given more than once`);
    raw[key.slice('filters.'.length)] = values[0];
  }
  return parseActionLogFilters(raw);
}

/** The filters of AdminJS's list, which it has already split into property → value (a range as {from, to}). */
export function filtersFromAdmin(filter: Filter | undefined): ActionLogFilters {
  const raw: Record<string, unknown> = {};
  for (const { path, value } of Object.values(filter?.filters ?? {})) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [bound, text] of Object.entries(value as Record<string, unknown>)) raw[`${path}~~${bound}`] = text;
    } else {
      raw[path] = value;
    }
  }
  return parseActionLogFilters(raw);
}
