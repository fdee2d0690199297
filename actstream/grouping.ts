import type { Model } from 'sequelize';
import { encodeCursor } from './cursor.js';
import { ActstreamArgumentError } from './errors.js';
import type { Action } from './models.js';
import { DEFAULT_LIMIT, MAX_LIMIT, type StreamOptions, type StreamPage } from './streams.js';
import { timesince } from './timesince.js';

// Grouping folds a newest-first list of actions into groups: consecutive actions with the same verb,
// action object and target, within a time window of the group's newest, become one "Ann, Bob and
// 3 others joined Climbers". It is a layer over any page of actions (a stream's, the notifications'):
// it reads more rows through the same readers and never changes how they read.

export const DEFAULT_GROUP_WINDOW_MS = 12 * 60 * 60 * 1000;
/** A grouped page reads at most this many actions; a group still going on past them continues on the next page. */
export const MAX_GROUPED_SCAN = 1000;
const SAMPLE_ACTORS = 3;

export interface GroupingOptions {
  /** A group's members lie within this many milliseconds of its newest member (default 12 hours). */
  window?: number;
  /** Only these verbs group (default: every verb). */
  groupedVerbs?: string[];
  /** These verbs never group. */
  ungroupedVerbs?: string[];
}

/** One of a group's sample actors. */
export interface GroupActor {
  type: string;
  id: string;
  /** The loaded actor; null when it was deleted (or not loaded). */
  object: Model | null;
  label: string;
}

/** Consecutive actions folded into one: the same verb on the same action object and target. */
export class ActionGroup {
  /** The members, newest first. */
  readonly actions: readonly Action[];
  /** Distinct actors; `count` counts every member (the same actor twice counts twice there). */
  readonly actorCount: number;
  /** The newest action of each of the (up to 3) most recent distinct actors. */
  readonly sampleActions: readonly Action[];

  constructor(actions: Action[]) {
    if (actions.length === 0) throw new ActstreamArgumentError('a group needs at least one action');
    this.actions = actions;
    const seen = new Set<string>();
    const samples: Action[] = [];
    for (const member of actions) {
      const key = `${member.actorType}\0${member.actorId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (samples.length < SAMPLE_ACTORS) samples.push(member);
    }
    this.actorCount = seen.size;
    this.sampleActions = samples;
  }

  get count(): number {
    return this.actions.length;
  }

  get newest(): Action {
    return this.actions[0];
  }

  get oldest(): Action {
    return this.actions[this.actions.length - 1];
  }

  get verb(): string {
    return this.newest.verb;
  }

  /** Up to 3 actors, most recent first, as loaded on their actions. */
  get actors(): GroupActor[] {
    return this.sampleActions.map((member) => ({
      type: member.actorType,
      id: member.actorId,
      object: member.actor ?? null,
      label: member.actorLabel,
    }));
  }

  /** "Ann", "Ann and Bob", "Ann, Bob and Cleo", "Ann, Bob and 3 others". */
  get actorsLabel(): string {
    const [first, second, third] = this.actors.map((actor) => actor.label);
    if (this.actorCount === 1) return first;
    if (this.actorCount === 2) return `${first} and ${second}`;
    if (this.actorCount === 3) return `${first}, ${second} and ${third}`;
    return `${first}, ${second} and ${this.actorCount - 2} others`;
  }

  /** The sentence without its time, by Action.toString's rules: "Ann and Bob joined Climbers". */
  get headline(): string {
    const words = [this.actorsLabel, this.verb];
    const actionObject = this.newest.actionObjectLabel;
    const target = this.newest.targetLabel;
    if (actionObject !== null) words.push(actionObject);
    if (target !== null) words.push(actionObject !== null ? `on ${target}` : target);
    return words.join(' ');
  }

  /** "Ann, Bob and 3 others joined Climbers 2 hours ago" (the time of the newest member). */
  toString(now: Date = new Date()): string {
    return `${this.headline} ${timesince(this.newest.timestamp, now)} ago`;
  }
}

interface Rules {
  window: number;
  groups: (verb: string) => boolean;
}

function checkStrings(name: string, value: unknown): Set<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((verb) => typeof verb === 'string')) {
    throw new ActstreamArgumentError(`${name} must be an array of verbs`);
  }
  return new Set(value);
}

function rulesOf(options: GroupingOptions): Rules {
  const window = options.window ?? DEFAULT_GROUP_WINDOW_MS;
  if (typeof window !== 'number' || !Number.isFinite(window) || window < 0) {
    throw new ActstreamArgumentError('window must be a number of milliseconds, 0 or more');
  }
  const only = checkStrings('groupedVerbs', options.groupedVerbs);
  const never = checkStrings('ungroupedVerbs', options.ungroupedVerbs);
  return { window, groups: (verb) => (only === undefined || only.has(verb)) && !(never?.has(verb) ?? false) };
}

function sameThing(a: Action, b: Action): boolean {
  return (
    a.verb === b.verb &&
    a.actionObjectType === b.actionObjectType &&
    a.actionObjectId === b.actionObjectId &&
    a.targetType === b.targetType &&
    a.targetId === b.targetId
  );
}

/** Folds newest-first `entries` into runs of consecutive entries that group together. */
export function foldRuns<T>(entries: readonly T[], actionOf: (entry: T) => Action, options: GroupingOptions = {}): T[][] {
  const rules = rulesOf(options);
  const runs: T[][] = [];
  let run: T[] | null = null;
  for (const entry of entries) {
    const member = actionOf(entry);
    const head = run ? actionOf(run[0]) : null;
    const joins =
      run !== null &&
      head !== null &&
      rules.groups(member.verb) &&
      sameThing(head, member) &&
      Math.abs(head.timestamp.getTime() - member.timestamp.getTime()) <= rules.window;
    if (joins) {
      run!.push(entry);
    } else {
      run = [entry];
      runs.push(run);
    }
  }
  return runs;
}

/** Groups a whole newest-first list of actions (no paging: the caller read all it wants shown). */
export function groupActions(actions: readonly Action[], options: GroupingOptions = {}): ActionGroup[] {
  return foldRuns(actions, (a) => a, options).map((run) => new ActionGroup(run));
}

/** Where a grouped page reads its entries from, newest first. */
export interface GroupSource<T> {
  /** Up to `size` entries after `after` (null: from the start of the page), and whether more follow. */
  read(after: T | null, size: number): Promise<{ entries: T[]; more: boolean }>;
  /** The most one read returns. */
  maxRead: number;
}

export function checkGroupedLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${String(limit)}`);
  }
  return limit;
}

/**
 * Reads until `limit` complete runs are known (a run is complete once an entry that does not join
 * it was read, or the source ran out), or MAX_GROUPED_SCAN entries were read. `more`: whether
 * anything follows the last run returned; the next page starts right after its oldest entry, so a
 * run is never shown on two pages.
 */
export async function collectRuns<T>(
  source: GroupSource<T>,
  actionOf: (entry: T) => Action,
  limit: number,
  options: GroupingOptions,
): Promise<{ runs: T[][]; more: boolean }> {
  rulesOf(options);
  const entries: T[] = [];
  let more = true;
  // A page and one more first: all it takes when nothing folds; when things fold, it reads on.
  let size = Math.min(source.maxRead, limit + 1);
  let runs: T[][] = [];
  while (more) {
    const batch = await source.read(entries.length ? entries[entries.length - 1] : null, size);
    entries.push(...batch.entries);
    more = batch.more && batch.entries.length > 0;
    runs = foldRuns(entries, actionOf, options);
    if (runs.length > limit || entries.length >= MAX_GROUPED_SCAN) break;
    size = source.maxRead;
  }
  if (runs.length > limit) return { runs: runs.slice(0, limit), more: true };
  return { runs, more };
}

/** A page of groups; `next` continues after the oldest member of the last group. */
export interface GroupedPage {
  groups: ActionGroup[];
  next: string | null;
}

/**
 * Any stream read grouped: `groupedStream(targetStream, climbers, { limit: 10 })`. Reads the stream's
 * own pages (its filters, privacy and cursor) until `limit` groups are complete; `next` is a cursor
 * of that stream, so it also works as `before` of the ungrouped stream.
 */
export async function groupedStream<S, O extends StreamOptions>(
  stream: (subject: S, options: O) => Promise<StreamPage>,
  subject: S,
  options: O & GroupingOptions = {} as O & GroupingOptions,
): Promise<GroupedPage> {
  const { window, groupedVerbs, ungroupedVerbs, limit, ...rest } = options;
  const grouping = { window, groupedVerbs, ungroupedVerbs };
  const pageSize = checkGroupedLimit(limit);
  const source: GroupSource<Action> = {
    maxRead: MAX_LIMIT,
    read: async (after, size) => {
      const before = after ? encodeCursor({ timestamp: after.timestamp, id: after.id }) : rest.before;
      const page = await stream(subject, { ...rest, limit: size, before } as O);
      return { entries: page.actions, more: page.next !== null };
    },
  };
  const { runs, more } = await collectRuns(source, (a) => a, pageSize, grouping);
  const groups = runs.map((run) => new ActionGroup(run));
  const last = groups.length ? groups[groups.length - 1].oldest : null;
  return { groups, next: more && last ? encodeCursor({ timestamp: last.timestamp, id: last.id }) : null };
}
