import { ACTIONS, buildFeature, type ActionHandler, type ActionResponse, type FeatureType } from 'adminjs';
import { activityAction } from './activity-action.js';
import { normalizeWrite, recordedAsStaff, type AlsoRecord } from './hooks.js';
import type { AdminComponents } from './components/index.js';
import type { Links } from './links.js';

function defaultHandler(name: 'new' | 'edit' | 'delete' | 'bulkDelete'): ActionHandler<ActionResponse> {
  return ACTIONS[name].handler as ActionHandler<ActionResponse>;
}

export interface RecordingOptions {
  /** Also recorded after every successful new and edit, in the same transaction as the save. */
  afterSave?: AlsoRecord;
}

/** Builds the actstream feature of one resource (what it records besides its model's tracking). */
export type ActstreamFeature = (recording?: RecordingOptions) => FeatureType;

/**
 * What every resource of a registered model opts into: each write runs in one transaction as the
 * logged-in staff user, so the models' tracking hooks record exactly one created / updated / deleted
 * action per change with that user as actor (bulk delete destroys record by record, so each gets
 * its own), and the change and its actions commit together or not at all; plus an Activity view of
 * the record's stream.
 */
export function actstreamFeature(links: Links, components: AdminComponents): ActstreamFeature {
  return ({ afterSave } = {}) =>
    buildFeature({
      actions: {
        new: { before: normalizeWrite, handler: recordedAsStaff(defaultHandler('new'), afterSave) },
        edit: { before: normalizeWrite, handler: recordedAsStaff(defaultHandler('edit'), afterSave) },
        delete: { handler: recordedAsStaff(defaultHandler('delete')) },
        bulkDelete: { handler: recordedAsStaff(defaultHandler('bulkDelete')) },
        activity: activityAction(links, components),
      },
    });
}
