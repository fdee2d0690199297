import type { Action as AdminAction, ActionResponse } from 'adminjs';
import type { Model } from 'sequelize';
import { InvalidCursorError } from '../index.js';
import { recordActivity } from './activity-query.js';
import { actionView } from './action-view.js';
import { hasResource, linksOf } from './admin-links.js';
import { sequelizeModelOf } from './sequelize-model.js';

export const ACTIVITY_PAGE_SIZE = 20;

/** The resource id under which an app lists actions (the app here: its Action log); actions link there when it exists. */
export const DEFAULT_ACTION_LOG_ID = 'action-log';

export interface ActivityActionOptions {
  /** The registered Activity component (see components.ts). */
  component: string;
  /** The resource whose show pages the actions link to, when the admin has it. */
  actionLogResourceId?: string;
}

/**
 * The Activity record action: the record's actions in any role (actor, target or action object),
 * private ones too, newest first, one page per request; `?before=<next>` continues from the previous page.
 */
export function activityAction({ component, actionLogResourceId = DEFAULT_ACTION_LOG_ID }: ActivityActionOptions): AdminAction<ActionResponse> {
  return {
    name: 'activity',
    actionType: 'record',
    icon: 'Activity',
    showInDrawer: false,
    component,
    handler: async (request, _response, context) => {
      const { record, resource, currentAdmin, h, _admin: admin } = context;
      if (!record) return { notice: { message: 'Record not found', type: 'error' } };
      const instance: Model | null = await sequelizeModelOf(resource).findByPk(record.id());
      if (!instance) return { record: record.toJSON(currentAdmin), notice: { message: 'Record not found', type: 'error' } };
      const before = typeof request.query?.before === 'string' && request.query.before !== '' ? request.query.before : null;
      const actionLogPath = hasResource(admin, actionLogResourceId) ? h.resourceUrl({ resourceId: actionLogResourceId }) : null;
      try {
        const page = await recordActivity(instance, { before, limit: ACTIVITY_PAGE_SIZE });
        return {
          record: record.toJSON(currentAdmin),
          actions: page.actions.map((action) => actionView(action, linksOf(admin), actionLogPath)),
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
