import { ACTIONS, buildFeature, type ActionHandler, type ActionResponse, type ComponentLoader, type FeatureType } from 'adminjs';
import { activityAction } from './activity-action.js';
import { registerComponents } from './component-files.js';
import { normalizeWrite, recordedAsStaff, type AlsoRecord, type Recording } from './hooks.js';

function defaultHandler(name: 'new' | 'edit' | 'delete' | 'bulkDelete'): ActionHandler<ActionResponse> {
  return ACTIONS[name].handler as ActionHandler<ActionResponse>;
}

export interface RecordingOptions {
  /** Also recorded after every successful new and edit, in the same transaction as the save. */
  afterSave?: AlsoRecord;
}

export interface ActstreamFeatureOptions extends Recording {
  /** The loader given to `new AdminJS({ componentLoader })`: the Activity view's component is added to it. */
  componentLoader: ComponentLoader;
  /** A resource listing actions (default 'action-log'): when the admin has it, the Activity view links each action there. */
  actionLogResourceId?: string;
}

/** Builds the actstream feature of one resource (what it records besides its model's tracking). */
export type ActstreamFeature = (recording?: RecordingOptions) => FeatureType;

/**
 * The actstream feature of a resource over a registered (and tracked, see trackModel) Sequelize
 * model: `features: [actstreamFeature({ componentLoader })]`. Each write (new, edit, delete, bulk
 * delete) runs in one transaction with the logged-in user as actor (withActor), so the model's
 * tracking hooks record exactly one created / updated / deleted action per change with that user as
 * actor (bulk delete destroys record by record, so each gets its own), and the change and its actions
 * commit together or not at all; forms may write only their edit fields. Plus an Activity view of
 * the record's actions (private ones too: the admin is for staff).
 */
export function actstreamFeature({ componentLoader, actionLogResourceId, ...recording }: ActstreamFeatureOptions): FeatureType {
  const { Activity } = registerComponents(componentLoader);
  const removal: Recording = { ...recording, afterSave: undefined }; // afterSave is for saves only
  return buildFeature({
    actions: {
      new: { before: normalizeWrite, handler: recordedAsStaff(defaultHandler('new'), recording) },
      edit: { before: normalizeWrite, handler: recordedAsStaff(defaultHandler('edit'), recording) },
      delete: { handler: recordedAsStaff(defaultHandler('delete'), removal) },
      bulkDelete: { handler: recordedAsStaff(defaultHandler('bulkDelete'), removal) },
      activity: activityAction({ component: Activity, actionLogResourceId }),
    },
  });
}
