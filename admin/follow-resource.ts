import { ACTIONS, type ActionHandler, type ActionResponse, type RecordJSON, type ResourceWithOptions } from 'adminjs';
import { Follow, labelOfReference, loadObjects, labelOf, registry, type Reference } from 'actstream';
import type { AdminComponents } from './components/index.js';
import { createFollow, FOLLOW_FORM_FIELDS, FOLLOW_VERBS, recordFollowChange } from './follow-writes.js';
import { recordedAsStaff } from './recording.js';
import type { Links } from 'actstream/adminjs';

export const FOLLOW_ID = 'follows';

/** Labels and links for each follow's user and followed object (one query per model for the page). */
async function withLabels(records: RecordJSON[], links: Links): Promise<void> {
  const userType = [...registry.models().entries()].find(([, model]) => model.getTableName() === 'users')?.[0] ?? 'User';
  const refs = (record: RecordJSON): [Reference, Reference] => [
    { type: userType, id: String(record.params.userId) },
    { type: String(record.params.contentType), id: String(record.params.objectId) },
  ];
  const loaded = await loadObjects(records.flatMap(refs));
  for (const record of records) {
    const [user, object] = refs(record);
    for (const [name, ref] of [['user', user], ['object', object]] as const) {
      const instance = loaded.get(`${ref.type}\0${ref.id}`);
      record.params[name] = instance ? labelOf(instance) : labelOfReference(ref.type, ref.id);
      record.params[`${name}Href`] = links.record(ref.type, ref.id);
    }
  }
}

const defaultHandler = (name: 'delete' | 'bulkDelete') => ACTIONS[name].handler as ActionHandler<ActionResponse>;

/**
 * Who follows what: browsable by staff, who can also make a follow for a user and remove follows.
 * Each such write and the action recording it ("Sam added follower Ann on Climbers", "… removed
 * follower …") commit together (recordedAsStaff). Editing a follow is not offered: remove and add.
 */
export function followResource(links: Links, components: AdminComponents): ResourceWithOptions {
  const reference = (label: string) => ({
    type: 'string' as const,
    label,
    isSortable: false,
    isVisible: { list: true, show: true, filter: false, edit: false },
    components: { list: components.ReferenceLink, show: components.ReferenceLink },
  });
  const labelled = async (response: ActionResponse) => {
    const records = (response.records ?? (response.record ? [response.record] : [])) as RecordJSON[];
    await withLabels(records, links);
    return response;
  };
  return {
    resource: Follow,
    options: {
      id: FOLLOW_ID,
      navigation: { name: 'Activity streams', icon: 'Activity' },
      sort: { sortBy: 'started', direction: 'desc' },
      listProperties: ['user', 'contentType', 'object', 'flag', 'actorOnly', 'started'],
      filterProperties: ['userId', 'contentType', 'objectId', 'flag', 'actorOnly', 'started'],
      showProperties: ['id', 'user', 'userId', 'contentType', 'object', 'objectId', 'flag', 'actorOnly', 'started'],
      editProperties: [...FOLLOW_FORM_FIELDS],
      properties: {
        user: reference('User'),
        object: reference('Followed object'),
        contentType: { availableValues: [...registry.models().keys()].sort().map((name) => ({ value: name, label: name })) },
        userId: { description: 'The id of the user who follows.' },
        objectId: { description: 'The id of the followed object.' },
        flag: { isRequired: false, description: 'Empty for plain following; else a kind of following ("liking").' },
        actorOnly: { isRequired: false, description: 'Only what the object does as actor; off: everything about it too.' },
      },
      actions: {
        new: { handler: recordedAsStaff(createFollow, recordFollowChange(FOLLOW_VERBS.added)) },
        edit: { isAccessible: false, isVisible: false },
        delete: { handler: recordedAsStaff(defaultHandler('delete'), recordFollowChange(FOLLOW_VERBS.removed)) },
        bulkDelete: { handler: recordedAsStaff(defaultHandler('bulkDelete'), recordFollowChange(FOLLOW_VERBS.removed)) },
        list: { after: labelled },
        show: { after: labelled },
      },
    },
  };
}
