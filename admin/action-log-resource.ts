import { Resource as SequelizeResource } from '@adminjs/sequelize';
import { BaseRecord, ValidationError, type ActionContext, type ActionRequest, type ActionResponse, type Filter, type RecordJSON, type ResourceWithOptions } from 'adminjs';
import { Op, QueryTypes } from 'sequelize';
import { Action, loadReferences, registry } from 'actstream';
import { actionView } from 'actstream/adminjs';
import { ActionLogFilterError, filtersFromAdmin, type ActionLogFilters } from './action-log-filters.js';
import { actionLogWhere, hasTypeFilter, mergeByTime, wherePerVisibility } from './action-log-query.js';
import type { AdminComponents } from './components/index.js';
import type { Links } from 'actstream/adminjs';

export const ACTION_LOG_ID = 'action-log';

/**
 * The list shows pages, not a total: counting past this many matches is not worth a full COUNT(*)
 * over a million rows on every page (see bench/admin.ts), so the count stops here.
 */
export const COUNT_CAP = 10_000;

/** The list's filters, checked: a bad one becomes AdminJS's error notice (and no rows), not a 500. */
function checkedFilters(filter: Filter | undefined): ActionLogFilters {
  try {
    return filtersFromAdmin(filter);
  } catch (error) {
    if (error instanceof ActionLogFilterError) throw new ValidationError({}, { message: `Cannot filter the Action log: ${error.message}`, type: 'error' });
    throw error;
  }
}

interface SelectQueryGenerator {
  selectQuery(table: string, options: object, model: typeof Action): string;
}

/** The Action model as an AdminJS resource: exact filters, a capped count, a stable newest-first order. */
class ActionLogResource extends SequelizeResource {
  override id(): string {
    return ACTION_LOG_ID;
  }

  override async count(filter: Filter): Promise<number> {
    const generator = Action.sequelize!.getQueryInterface().queryGenerator as SelectQueryGenerator;
    const inner = generator
      .selectQuery(Action.getTableName() as string, { attributes: ['id'], where: actionLogWhere(checkedFilters(filter)), limit: COUNT_CAP }, Action)
      .replace(/;\s*$/, '');
    const [row] = await Action.sequelize!.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM (${inner}) AS capped`, {
      type: QueryTypes.SELECT,
    });
    return Number(row.n);
  }

  override async find(
    filter: Filter,
    { limit = 20, offset = 0, sort = {} }: { limit?: number; offset?: number; sort?: { sortBy?: string; direction?: 'asc' | 'desc' } },
  ): Promise<BaseRecord[]> {
    const direction = sort.direction === 'asc' ? 'ASC' : 'DESC';
    const sortBy = sort.sortBy ?? 'timestamp';
    const filters = checkedFilters(filter);
    // id breaks ties, so actions sent in the same millisecond keep their order.
    const order: [string, string][] = sortBy === 'id' ? [['id', direction]] : [[sortBy, direction], ['id', direction]];
    let rows: Action[];
    if (sortBy === 'timestamp' && hasTypeFilter(filters) && filters.public === undefined) {
      // The type indexes are (type, public, timestamp, id): ordered by time within public and within
      // private actions, not across both. Read each range in order and merge, instead of sorting
      // every action of that type (a million-row table: ~200 ms → a few ms, bench/admin.ts).
      const [open, hidden] = await Promise.all(
        wherePerVisibility(filters).map((where) => Action.findAll({ attributes: ['id', 'timestamp'], where, order, limit: offset + limit })),
      );
      const ids = mergeByTime(open, hidden, direction).slice(offset, offset + limit).map((row) => row.id);
      rows = ids.length ? await Action.findAll({ where: { id: { [Op.in]: ids } }, order }) : [];
    } else {
      rows = await Action.findAll({ where: actionLogWhere(filters), limit, offset, order });
    }
    return rows.map((row) => new BaseRecord(row.toJSON(), this));
  }
}

const REFERENCES = ['actor', 'actionObject', 'target'] as const;

/** Fills each listed record's params with labels and links of its references (one query per model for the page). */
async function withReferenceLabels(records: RecordJSON[], links: Links): Promise<void> {
  const actions = records.map((record) => Action.build(record.params as never, { isNewRecord: false, raw: true }));
  await loadReferences(actions);
  records.forEach((record, i) => {
    const action = actions[i];
    for (const role of REFERENCES) {
      const type = action[`${role}Type`];
      const id = action[`${role}Id`];
      const label = role === 'actor' ? action.actorLabel : role === 'target' ? action.targetLabel : action.actionObjectLabel;
      record.params[role] = label;
      // A deleted object keeps its "<Model> <id>" label but has no page to link to.
      record.params[`${role}Href`] = type && id && action[role] ? links.record(type, id) : null;
    }
  });
}

function visible(where: { list?: boolean; show?: boolean; filter?: boolean }) {
  return { list: false, show: false, filter: false, edit: false, ...where };
}

/**
 * The Action log: every action, newest first, read-only for everyone. References read as labels
 * linked to the records' admin pages; the show page adds the sentence and the data as a
 * before/after table.
 */
export function actionLogResource(links: Links, components: AdminComponents): ResourceWithOptions {
  const modelNames = [...registry.models().keys()].sort().map((name) => ({ value: name, label: name }));
  const refuse = { isAccessible: false, isVisible: false };
  return {
    resource: new ActionLogResource(Action as unknown as ConstructorParameters<typeof SequelizeResource>[0]),
    options: {
      id: ACTION_LOG_ID,
      navigation: { name: 'Activity streams', icon: 'Activity' },
      sort: { sortBy: 'timestamp', direction: 'desc' },
      listProperties: ['timestamp', 'actor', 'verb', 'actionObject', 'target'],
      filterProperties: ['actorType', 'actorId', 'verb', 'actionObjectType', 'actionObjectId', 'targetType', 'targetId', 'timestamp', 'public'],
      showProperties: [
        'sentence',
        'id',
        'timestamp',
        'actor',
        'actorType',
        'actorId',
        'verb',
        'actionObject',
        'actionObjectType',
        'actionObjectId',
        'target',
        'targetType',
        'targetId',
        'public',
        'description',
        'changes',
      ],
      properties: {
        timestamp: { type: 'datetime', isSortable: true },
        verb: { isSortable: false },
        actorType: { availableValues: modelNames, isSortable: false },
        targetType: { availableValues: modelNames, isSortable: false },
        actionObjectType: { availableValues: modelNames, isSortable: false },
        actorId: { isSortable: false },
        targetId: { isSortable: false },
        actionObjectId: { isSortable: false },
        public: { isSortable: false },
        data: { isVisible: visible({}) },
        sentence: { type: 'string', isVisible: visible({ show: true }) },
        actor: { type: 'string', isSortable: false, isVisible: visible({ list: true, show: true }), components: { list: components.ReferenceLink, show: components.ReferenceLink } },
        actionObject: {
          type: 'string',
          isSortable: false,
          isVisible: visible({ list: true, show: true }),
          components: { list: components.ReferenceLink, show: components.ReferenceLink },
        },
        target: { type: 'string', isSortable: false, isVisible: visible({ list: true, show: true }), components: { list: components.ReferenceLink, show: components.ReferenceLink } },
        changes: { type: 'string', isVisible: visible({ show: true }), components: { show: components.ActionChanges } },
      },
      actions: {
        new: refuse,
        edit: refuse,
        delete: refuse,
        bulkDelete: refuse,
        // A drawer over the list (so it keeps the list's filters) linking to the CSV export.
        exportCsv: {
          actionType: 'resource',
          icon: 'Download',
          showInDrawer: true,
          component: components.ExportActionLog,
          handler: async () => ({}),
        },
        list: {
          after: async (response: ActionResponse) => {
            await withReferenceLabels((response.records ?? []) as RecordJSON[], links);
            return response;
          },
        },
        show: {
          after: async (response: ActionResponse, _request: ActionRequest, context: ActionContext) => {
            const record = response.record as RecordJSON | undefined;
            if (!record) return response;
            const action = await Action.findByPk(record.id);
            if (!action) return response;
            await loadReferences([action]);
            const view = actionView(action, links, context.h.resourceUrl({ resourceId: ACTION_LOG_ID }));
            for (const role of REFERENCES) {
              record.params[role] = view[role]?.label ?? null;
              record.params[`${role}Href`] = view[role]?.href ?? null;
            }
            record.params.sentence = view.sentence;
            record.params.dataJson = JSON.stringify(view.data);
            record.params.changesJson = JSON.stringify(view.diff);
            return response;
          },
        },
      },
    },
  };
}
