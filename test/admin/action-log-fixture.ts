import { Action, action, withoutTracking } from 'actstream';
import { Band, Concert, Group, Location, User } from '../../models/index.js';
import { resetDatabase } from '../helpers/database.js';
import { makeUser } from './helpers.js';

/** A reference as the Action log filters name it. */
export interface Ref {
  type: string;
  id: string;
}

/** What a test expects of one sent action, kept apart from what the database gives back. */
export interface Sent {
  id: number;
  actor: Ref;
  verb: string;
  actionObject: Ref | null;
  target: Ref | null;
  timestamp: Date;
  public: boolean;
}

export interface ActionLogWorld {
  ann: User;
  bob: User;
  band: Band;
  climbers: Group;
  hall: Location;
  opener: Concert;
  encore: Concert;
  sent: Sent[];
  at: (minute: number) => Date;
}

const ref = (type: string, id: number): Ref => ({ type, id: String(id) });

/**
 * A staff user (staff@example.com), a non-staff one (user@example.com), and actions by two users and
 * a band on groups, concerts and a hall: public and private, several in the same millisecond.
 */
export async function seedActionLog(): Promise<ActionLogWorld> {
  await resetDatabase();
  await makeUser('staff@example.com', true, 'Staff Sam');
  await makeUser('user@example.com', false, 'Una User');
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 12, minute));
  const { ann, bob, band, climbers, hall, opener, encore } = await withoutTracking(async () => {
    const band = await Band.create({ name: 'The Seeds' });
    const hall = await Location.create({ name: 'Town Hall', city: 'Ghent' });
    return {
      ann: await User.create({ email: 'ann@example.com', name: 'Ann' }),
      bob: await User.create({ email: 'bob@example.com', name: 'Bob' }),
      band,
      hall,
      climbers: await Group.create({ name: 'Climbers' }),
      opener: await Concert.create({ title: 'Opener', date: at(0), bandId: band.id, locationId: hall.id }),
      encore: await Concert.create({ title: 'Encore', date: at(0), bandId: band.id, locationId: hall.id }),
    };
  });
  const plan: { actor: User | Band; verb: string; actionObject?: Concert; target?: Group | Location; minute: number; public?: boolean }[] = [
    { actor: ann, verb: 'joined', target: climbers, minute: 1 },
    { actor: bob, verb: 'joined', target: climbers, minute: 2 },
    { actor: band, verb: 'booked a concert', actionObject: opener, target: hall, minute: 3 },
    { actor: ann, verb: 'updated', actionObject: opener, minute: 4 },
    { actor: ann, verb: 'reached level 10', minute: 5, public: false },
    // Three in the same millisecond, public and private: only the id orders them.
    { actor: bob, verb: 'liked', actionObject: opener, target: climbers, minute: 6, public: false },
    { actor: ann, verb: 'liked', actionObject: opener, minute: 6 },
    { actor: ann, verb: 'liked', actionObject: encore, target: climbers, minute: 6, public: false },
    { actor: band, verb: 'joined', target: climbers, minute: 7 },
    { actor: bob, verb: 'updated', actionObject: encore, target: hall, minute: 8 },
    { actor: ann, verb: 'liked', actionObject: encore, minute: 9, public: false },
    { actor: band, verb: 'booked a concert', actionObject: encore, target: hall, minute: 10 },
  ];
  const sent: Sent[] = [];
  for (const step of plan) {
    const timestamp = at(step.minute);
    const isPublic = step.public ?? true;
    const created = await action.send(step.actor, {
      verb: step.verb,
      actionObject: step.actionObject,
      target: step.target,
      timestamp,
      public: isPublic,
      data: { step: sent.length },
    });
    sent.push({
      id: created.id,
      actor: ref(step.actor.constructor.name, step.actor.id),
      verb: step.verb,
      actionObject: step.actionObject ? ref('Concert', step.actionObject.id) : null,
      target: step.target ? ref(step.target.constructor.name, step.target.id) : null,
      timestamp,
      public: isPublic,
    });
  }
  return { ann, bob, band, climbers, hall, opener, encore, sent, at };
}

/** The ids of the sent actions that `keep` selects, newest first (ties: higher id first). */
export function expectedIds(sent: Sent[], keep: (action: Sent) => boolean): number[] {
  return sent
    .filter(keep)
    .sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime() || b.id - a.id)
    .map((a) => a.id);
}

export const same = (a: Ref | null, b: Ref): boolean => a !== null && a.type === b.type && a.id === b.id;

/** Every action in the database, to check a refused request changed nothing. */
export const actionCount = (): Promise<number> => Action.count();
