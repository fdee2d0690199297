import type { PageContext } from 'adminjs';
import { Action, groupActions, loadReferences } from 'actstream';
import { groupView, type GroupView } from 'actstream/adminjs';
import { ACTION_LOG_ID } from './action-log-resource.js';
import type { Links } from 'actstream/adminjs';

/** Groups the dashboard shows at most. */
export const DASHBOARD_SIZE = 20;
/** The latest actions it folds into those groups. */
export const DASHBOARD_ACTIONS = 100;

/**
 * The dashboard's data: the latest actions across the site (private ones too: staff see everything),
 * grouped ("Ann, Bob and 3 others joined Climbers").
 */
export function dashboardHandler(links: Links) {
  return async (_request: unknown, _response: unknown, context: PageContext): Promise<{ groups: GroupView[] }> => {
    const actions = await Action.findAll({ order: [['timestamp', 'DESC'], ['id', 'DESC']], limit: DASHBOARD_ACTIONS });
    const groups = groupActions(actions).slice(0, DASHBOARD_SIZE);
    // Only what the groups show needs loading: each one's newest action and its sample actors.
    await loadReferences(groups.flatMap((group) => [group.newest, ...group.sampleActions]));
    const actionLogPath = context.h.resourceUrl({ resourceId: ACTION_LOG_ID });
    return { groups: groups.map((group) => groupView(group, links, actionLogPath)) };
  };
}
