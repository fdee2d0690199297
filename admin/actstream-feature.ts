import { ACTIONS, buildFeature, type ActionHandler, type ActionResponse, type FeatureType } from 'adminjs';
import { activityAction } from './activity-action.js';
import { asStaff, normalizeWrite } from './hooks.js';
import type { AdminComponents } from './components/index.js';
import type { Links } from './links.js';

function defaultHandler(name: 'new' | 'edit' | 'delete' | 'bulkDelete'): ActionHandler<ActionResponse> {
  return ACTIONS[name].handler as ActionHandler<ActionResponse>;
}

/**
 * What every resource of a registered model opts into: its writes run as the logged-in staff user,
 * so the models' tracking hooks record exactly one created / updated / deleted action per change
 * with that user as actor (bulk delete destroys record by record, so each gets its own), and an
 * Activity view of the record's stream.
 */
export function actstreamFeature(links: Links, components: AdminComponents): FeatureType {
  return buildFeature({
    actions: {
      new: { before: normalizeWrite, handler: asStaff(defaultHandler('new')) },
      edit: { before: normalizeWrite, handler: asStaff(defaultHandler('edit')) },
      delete: { handler: asStaff(defaultHandler('delete')) },
      bulkDelete: { handler: asStaff(defaultHandler('bulkDelete')) },
      activity: activityAction(links, components),
    },
  });
}
