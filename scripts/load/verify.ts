import { Op } from 'sequelize';
import { Action, Follow } from 'actstream';
import { Group } from '../../models/index.js';
import type { Expectations } from './clients.js';
import type { LoadWorld } from './seed.js';

export interface Verification {
  /** Acknowledged writes missing afterwards. */
  lost: number;
  /** Writes found more often than they were made (one request, two rows). */
  duplicated: number;
  /** Requests that failed but whose write is there anyway (the answer was lost, not the write). */
  phantom: number;
  /** A few examples of each problem, to read. */
  problems: string[];
}

/** Compares the database with what every acknowledged (and failed) request promised. */
export async function verifyLoad(world: LoadWorld, expected: Expectations): Promise<Verification> {
  const result: Verification = { lost: 0, duplicated: 0, phantom: 0, problems: [] };
  const note = (kind: keyof Omit<Verification, 'problems'>, text: string) => {
    result[kind]++;
    if (result.problems.length < 20) result.problems.push(`${kind}: ${text}`);
  };

  // Actions sent through POST /api/actions: the acknowledged id, exactly once, by that user.
  const rows = await Action.findAll({ where: { verb: { [Op.like]: `load ${world.run} %` } }, attributes: ['id', 'verb', 'actorType', 'actorId'] });
  const byVerb = new Map<string, Action[]>();
  for (const row of rows) byVerb.set(row.verb, [...(byVerb.get(row.verb) ?? []), row]);
  for (const [verb, { userId, id }] of expected.actions) {
    const found = byVerb.get(verb) ?? [];
    if (found.length > 1) note('duplicated', `${found.length} actions "${verb}"`);
    if (id === null) {
      if (found.length > 0) note('phantom', `failed request wrote "${verb}"`);
      continue;
    }
    const match = found.find((a) => Number(a.id) === id && a.actorType === 'User' && a.actorId === String(userId));
    if (!match) note('lost', `action ${id} "${verb}"`);
  }

  // Follows: the state after each user's last acknowledged request (unknown after a failure).
  const userIds = [...new Set([...expected.follows.keys()].map((k) => k.split('|')[0] as string))];
  const follows = userIds.length ? await Follow.findAll({ where: { userId: userIds, contentType: 'Group' } }) : [];
  const present = new Set(follows.map((f) => `${f.userId}|${f.objectId}`));
  for (const [key, following] of expected.follows) {
    if (following === true && !present.has(key)) note('lost', `follow ${key}`);
    if (following === false && present.has(key)) note('lost', `unfollow ${key}`);
  }

  // Admin creates and edits: the group, one "created" action by the staff user, one "updated" per edit.
  const ids = [...expected.adminGroups.keys()];
  const groups = ids.length ? await Group.findAll({ where: { id: ids } }) : [];
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const adminActions = ids.length
    ? await Action.findAll({ where: { actionObjectType: 'Group', actionObjectId: ids.map(String) }, attributes: ['verb', 'actorType', 'actorId', 'actionObjectId'] })
    : [];
  for (const [id, { ackedEdits, attemptedEdits, name }] of expected.adminGroups) {
    const group = groupById.get(id);
    if (!group) {
      note('lost', `admin-created group ${id}`);
      continue;
    }
    if (name !== null && group.name !== name) note('lost', `group ${id} is "${group.name}", expected "${name}"`);
    const mine = adminActions.filter((a) => a.actionObjectId === String(id) && a.actorType === 'User' && a.actorId === String(world.staff.id));
    const created = mine.filter((a) => a.verb === 'created').length;
    const updated = mine.filter((a) => a.verb === 'updated').length;
    if (created === 0) note('lost', `"created" action of group ${id}`);
    if (created > 1) note('duplicated', `${created} "created" actions of group ${id}`);
    if (updated < ackedEdits) note('lost', `${ackedEdits - updated} "updated" actions of group ${id}`);
    if (updated > attemptedEdits) note('duplicated', `${updated} "updated" actions for ${attemptedEdits} edits of group ${id}`);
  }
  if (expected.failedAdminCreates.length) {
    const phantoms = await Group.count({ where: { name: expected.failedAdminCreates } });
    for (let i = 0; i < phantoms; i++) note('phantom', 'a failed admin create wrote its group');
  }
  return result;
}
