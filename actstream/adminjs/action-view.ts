import { timesince, visibleData, type Action, type ActionGroup } from '../index.js';
import { diffRows, type DiffRow } from './diff.js';
import type { Links } from './links.js';

/** A referenced object as the admin shows it: a readable label, linked when it has an admin page. */
export interface ReferenceView {
  type: string;
  id: string;
  label: string;
  href: string | null;
}

/** An action as the admin's React components receive it (plain JSON). */
export interface ActionView {
  id: number;
  sentence: string;
  verb: string;
  timestamp: string;
  ago: string;
  public: boolean;
  description: string | null;
  actor: ReferenceView;
  actionObject: ReferenceView | null;
  target: ReferenceView | null;
  data: Record<string, unknown> | null;
  diff: DiffRow[];
  /** The action's page in the admin's action list, when it has one. */
  href: string | null;
}

function reference(action: Action, role: 'actor' | 'actionObject' | 'target', label: string | null, links: Links): ReferenceView | null {
  const type = action[`${role}Type`];
  const id = action[`${role}Id`];
  if (type === null || id === null || label === null) return null;
  // A deleted object keeps its "<Model> <id>" label but has no page to link to.
  return { type, id, label, href: action[role] ? links.record(type, id) : null };
}

/**
 * An action whose references are loaded (loadReferences) as a view for the admin: staff see
 * everything, private data included (the diff marks which rows are private).
 */
export function actionView(action: Action, links: Links, actionLogPath: string | null, now: Date = new Date()): ActionView {
  const data = visibleData(action, 'staff');
  return {
    id: action.id,
    sentence: action.toString(now),
    verb: action.verb,
    timestamp: action.timestamp.toISOString(),
    ago: `${timesince(action.timestamp, now)} ago`,
    public: action.public,
    description: action.description,
    actor: reference(action, 'actor', action.actorLabel, links)!,
    actionObject: reference(action, 'actionObject', action.actionObjectLabel, links),
    target: reference(action, 'target', action.targetLabel, links),
    data,
    diff: diffRows(data),
    href: actionLogPath === null ? null : `${actionLogPath}/records/${action.id}/show`,
  };
}

/** A group of actions ("Ann, Bob and 3 others joined Climbers") as the dashboard receives it. */
export interface GroupView {
  /** The newest member's id (a stable key). */
  id: number;
  sentence: string;
  verb: string;
  count: number;
  actorCount: number;
  /** The actors to name: all of up to 3, else the 2 most recent ("and `others` others"). */
  actors: ReferenceView[];
  others: number;
  actionObject: ReferenceView | null;
  target: ReferenceView | null;
  timestamp: string;
  ago: string;
  /** Every member public. */
  public: boolean;
  /** The newest member's page in the Action log. */
  href: string;
}

export function groupView(group: ActionGroup, links: Links, actionLogPath: string, now: Date = new Date()): GroupView {
  const newest = group.newest;
  const samples = group.actorCount <= 3 ? group.sampleActions : group.sampleActions.slice(0, 2);
  return {
    id: newest.id,
    sentence: group.toString(now),
    verb: group.verb,
    count: group.count,
    actorCount: group.actorCount,
    actors: samples.map((member) => reference(member, 'actor', member.actorLabel, links)!),
    others: group.actorCount - samples.length,
    actionObject: reference(newest, 'actionObject', newest.actionObjectLabel, links),
    target: reference(newest, 'target', newest.targetLabel, links),
    timestamp: newest.timestamp.toISOString(),
    ago: `${timesince(newest.timestamp, now)} ago`,
    public: group.actions.every((member) => member.public),
    href: `${actionLogPath}/records/${newest.id}/show`,
  };
}
