import type { Action as AdminAction, ActionResponse } from 'adminjs';
import type { Model } from 'sequelize';
import { InvalidCursorError } from '../index.js';
import { recordActivity } from './activity-query.js';
import { actionView } from './action-view.js';
import type { AdminComponents } from './components/index.js';
import type { Links } from './links.js';
import { sequelizeModelOf } from './sequelize-resource.js';
import { ACTION_LOG_ID } from './action-log-resource.js';

export const ACTIVITY_PAGE_SIZE = 20;

/**
 * The Activity record action: the record's actions in any role (actor, target or action object),
 * private ones too, newest first, one page per request; `?before=<next>` continues from the previous page.
 */
export function activityAction(links: Links, components: AdminComponents): AdminAction<ActionResponse> {
  return {
    name: 'activity',
    actionType: 'record',
    icon: 'Activity',
    showInDrawer: false,
    component: components.Activity,
    handler: async (request, _response, context) => {
      const { record, resource, currentAdmin, h } = context;
      if (!record) return { notice: { message: 'Record not found', type: 'error' } };
      const instance: Model | null = await sequelizeModelOf(resource).findByPk(record.id());
      if (!instance) return { record: record.toJSON(currentAdmin), notice: { message: 'Record not found', type: 'error' } };
      const before = typeof request.query?.before === 'string' && request.query.before !== '' ? request.query.before : null;
      const actionLogPath = h.resourceUrl({ resourceId: ACTION_LOG_ID });
      try {
        const page = await recordActivity(instance, { before, limit: ACTIVITY_PAGE_SIZE });
        return {
          record: record.toJSON(currentAdmin),
          actions: page.actions.map((action) => actionView(action, links, actionLogPath)),
          next: page.next,
        };
      } catch (error) {
        if (!(error instanceof InvalidCursorError)) throw error;
        return {
          record: record.toJSON(currentAdmin),
          actions: [],
          next: null,
          notice: { message: `Invalid page: ${error.message}`, type: 'error' },
        };
      }
    },
  };
}
