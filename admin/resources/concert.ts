import type { ActionContext, ActionRequest, ActionResponse, ResourceWithOptions } from 'adminjs';
import { action } from '../../actstream/index.js';
import { Concert } from '../../models/index.js';
import { isSuccessfulWrite, logRecordingFailure, recordingFailureNotice } from '../hooks.js';

export const BOOKED_A_CONCERT = 'booked a concert';

/**
 * The seed's ConcertAdmin.save_model: after a Concert is saved in the admin (new or edit), its band
 * "booked a concert" with the concert as action object and its location as target, and the band's
 * followers are notified. The generic created/updated action comes from the tracking hooks, with the
 * staff user as actor.
 */
export async function bookedAConcert(response: ActionResponse, request: ActionRequest, context: ActionContext): Promise<ActionResponse> {
  // After hooks also run when the form is opened (GET) and after failed validation: nothing was saved then.
  if (!isSuccessfulWrite(request, response) || !context.record) return response;
  const concert = await Concert.findByPk(context.record.id(), { include: ['band', 'location'] });
  if (!concert?.band) return response;
  try {
    await action.send(concert.band, {
      verb: BOOKED_A_CONCERT,
      actionObject: concert,
      target: concert.location ?? null,
      notify: { followersOf: concert.band },
    });
  } catch (error) {
    const failure = { type: 'Concert', id: String(concert.id), verb: BOOKED_A_CONCERT, error };
    logRecordingFailure(failure);
    return { ...response, notice: recordingFailureNotice([failure]), recordingFailed: true };
  }
  return response;
}

/** The Concert resource: the one place the ConcertAdmin case is configured. */
export function concertResource(): ResourceWithOptions {
  return {
    resource: Concert,
    options: {
      listProperties: ['id', 'title', 'date', 'bandId', 'locationId'],
      editProperties: ['title', 'date', 'bandId', 'locationId'],
      actions: {
        new: { after: bookedAConcert },
        edit: { after: bookedAConcert },
      },
    },
  };
}
