import type { ResourceWithOptions } from 'adminjs';
import { action } from 'actstream';
import { Concert } from '../../models/index.js';
import type { RecordingOptions } from 'actstream/adminjs';

export const BOOKED_A_CONCERT = 'booked a concert';

/**
 * The seed's ConcertAdmin.save_model: once a Concert is saved in the admin (new or edit), its band
 * "booked a concert" with the concert as action object and its location as target, and the band's
 * followers are notified. It runs inside the save's transaction, so the concert, its created/updated
 * action (the tracking hooks', with the staff user as actor) and this action are all saved, or none is.
 */
export async function saveModel(concertId: string): Promise<void> {
  const concert = await Concert.findByPk(concertId, { include: ['band', 'location'], rejectOnEmpty: true });
  await action.send(concert.band!, {
    verb: BOOKED_A_CONCERT,
    actionObject: concert,
    target: concert.location ?? null,
    notify: { followersOf: concert.band! },
  });
}

/** The Concert resource: the one place the ConcertAdmin case is configured. */
export function concertResource(): ResourceWithOptions & { recording: RecordingOptions } {
  return {
    resource: Concert,
    options: {
      listProperties: ['id', 'title', 'date', 'bandId', 'locationId'],
      editProperties: ['title', 'date', 'bandId', 'locationId'],
    },
    recording: { afterSave: saveModel },
  };
}
