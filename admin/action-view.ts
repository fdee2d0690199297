import { timesince, visibleData, type Action } from '../actstream/index.js';
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
  href: string;
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
export function actionView(action: Action, links: Links, actionLogPath: string, now: Date = new Date()): ActionView {
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
    href: `${actionLogPath}/records/${action.id}/show`,
  };
}
