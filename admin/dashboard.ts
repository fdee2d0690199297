import type { PageContext } from 'adminjs';
import { Action, loadReferences } from '../actstream/index.js';
import { actionView, type ActionView } from './action-view.js';
import { ACTION_LOG_ID } from './action-log-resource.js';
import type { Links } from './links.js';

export const DASHBOARD_SIZE = 20;

/** The dashboard's data: the latest actions across the site (private ones too: staff see everything). */
export function dashboardHandler(links: Links) {
  return async (_request: unknown, _response: unknown, context: PageContext): Promise<{ actions: ActionView[] }> => {
    const actions = await Action.findAll({ order: [['timestamp', 'DESC'], ['id', 'DESC']], limit: DASHBOARD_SIZE });
    await loadReferences(actions);
    const actionLogPath = context.h.resourceUrl({ resourceId: ACTION_LOG_ID });
    return { actions: actions.map((action) => actionView(action, links, actionLogPath)) };
  };
}
